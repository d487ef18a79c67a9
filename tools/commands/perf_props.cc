#include "tools/commands/perf_props.h"

#include <charconv>
#include <fstream>

#include "client/compression.h"
#include "tools/commands/session.h"

namespace sluice::tools {
namespace {

result<int64_t> number(const std::string& key, const std::string& value) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc{} || end != value.data() + value.size() || v < -1)
    return usage("bad value '" + value + "' for " + key);
  return v;
}

}  // namespace

result<client::producer_config> producer_props(const std::vector<std::string>& props) {
  client::producer_config pc;
  for (const auto& p : props) {
    auto kv = split_assignment(p, "--producer-props entry");
    if (!kv) return kv.error();
    const auto& [k, v] = *kv;
    if (k == "compression.type") {
      auto c = client::parse_compression(v);
      if (!c) return usage("bad compression.type '" + v + "'");
      pc.compression = *c;
      continue;
    }
    if (k == "acks" && v == "all") {
      pc.acks = -1;
      continue;
    }
    // Connection settings: resolve_perf_options() took them for the session.
    if (k == "bootstrap.servers" || k == "client.id") continue;
    if (k == "enable.idempotence") {
      if (v != "true" && v != "false") return usage("bad value '" + v + "' for " + k);
      pc.enable_idempotence = v == "true";
      continue;
    }
    auto n = number(k, v);
    if (!n) return n.error();
    if (k == "acks" && (*n == 0 || *n == 1 || *n == -1))
      pc.acks = static_cast<int16_t>(*n);
    else if (k == "linger.ms")
      pc.linger = std::chrono::milliseconds(*n);
    else if (k == "batch.size" && *n > 0)
      pc.batch_size = static_cast<size_t>(*n);
    else if (k == "max.in.flight.requests.per.connection" && *n > 0)
      pc.max_in_flight = static_cast<int>(*n);
    else if (k == "retries" && *n >= 0)
      pc.retries = static_cast<int>(*n);
    else if (k == "retry.backoff.ms")
      pc.retry_backoff = std::chrono::milliseconds(*n);
    else if (k == "retry.backoff.max.ms" && *n >= 0)
      pc.retry_backoff_max = std::chrono::milliseconds(*n);
    else if (k == "delivery.timeout.ms" && *n > 0)
      pc.delivery_timeout = std::chrono::milliseconds(*n);
    else if (k == "request.timeout.ms")
      pc.request_timeout = std::chrono::milliseconds(*n);
    else if (k == "buffer.memory" && *n > 0)
      pc.buffer_memory = static_cast<size_t>(*n);
    else if (k == "max.request.size" && *n > 0)
      pc.max_request_size = static_cast<size_t>(*n);
    else
      return usage("unsupported producer property '" + p + "'");
  }
  return pc;
}

result<client::consumer_config> consumer_props(const std::vector<std::string>& props) {
  client::consumer_config cc;
  for (const auto& p : props) {
    auto kv = split_assignment(p, "--consumer-props entry");
    if (!kv) return kv.error();
    const auto& [k, v] = *kv;
    if (k == "bootstrap.servers" || k == "client.id" || k == "group.id") continue;
    if (k == "isolation.level") {
      if (v == "read_committed")
        cc.isolation = client::isolation_level::read_committed;
      else if (v == "read_uncommitted")
        cc.isolation = client::isolation_level::read_uncommitted;
      else
        return usage("bad value '" + v + "' for " + k);
      continue;
    }
    auto n = number(k, v);
    if (!n) return n.error();
    if (k == "fetch.max.wait.ms")
      cc.fetch_max_wait = std::chrono::milliseconds(*n);
    else if (k == "fetch.min.bytes")
      cc.fetch_min_bytes = static_cast<int32_t>(*n);
    else if (k == "fetch.max.bytes")
      cc.fetch_max_bytes = static_cast<int32_t>(*n);
    else if (k == "max.partition.fetch.bytes")
      cc.max_partition_fetch_bytes = static_cast<int32_t>(*n);
    else if (k == "max.poll.records" && *n > 0)
      cc.max_poll_records = static_cast<size_t>(*n);
    else
      return usage("unsupported consumer property '" + p + "'");
  }
  return cc;
}

result<std::vector<std::string>> with_config_file(const std::string& path,
                                                  const std::vector<std::string>& props) {
  std::vector<std::string> out;
  if (!path.empty()) {
    std::ifstream in(path);
    if (!in) return usage("cannot read config file " + path);
    std::string line;
    int line_no = 0;
    auto trim = [](std::string t) {
      while (!t.empty() && (t.back() == ' ' || t.back() == '\t' || t.back() == '\r')) t.pop_back();
      size_t first = t.find_first_not_of(" \t");
      return first == std::string::npos ? std::string() : t.substr(first);
    };
    while (std::getline(in, line)) {
      ++line_no;
      line = trim(line);
      if (line.empty() || line[0] == '#' || line[0] == '!') continue;
      size_t eq = line.find('=');
      if (eq == std::string::npos || eq == 0)
        return usage(path + " line " + std::to_string(line_no) + ": expected key=value");
      out.push_back(trim(line.substr(0, eq)) + "=" + trim(line.substr(eq + 1)));
    }
  }
  out.insert(out.end(), props.begin(), props.end());
  return out;
}

std::optional<std::string> prop_value(const std::vector<std::string>& props,
                                      const std::string& key) {
  std::optional<std::string> found;
  for (const auto& p : props)
    if (p.size() > key.size() && p.compare(0, key.size(), key) == 0 && p[key.size()] == '=')
      found = p.substr(key.size() + 1);
  return found;
}

status resolve_perf_options(const std::string& command, common_options& common,
                            perf_options& perf) {
  auto produced = with_config_file(perf.producer_config, perf.producer_props);
  if (!produced) return produced.error();
  perf.producer_props = std::move(*produced);
  auto consumed = with_config_file(perf.consumer_config, perf.consumer_props);
  if (!consumed) return consumed.error();
  perf.consumer_props = std::move(*consumed);
  const auto& props = command == "perf consume" ? perf.consumer_props : perf.producer_props;
  if (!common.bootstrap_given)
    if (auto b = prop_value(props, "bootstrap.servers")) common.bootstrap = *b;
  if (common.client_id == "sluice")
    if (auto id = prop_value(props, "client.id")) common.client_id = *id;
  return ok;
}

}  // namespace sluice::tools
