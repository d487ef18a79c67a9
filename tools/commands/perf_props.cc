#include "tools/commands/perf_props.h"

#include <charconv>

#include "client/compression.h"
#include "tools/commands/session.h"

namespace sluice::tools {
namespace {

result<int64_t> number(const std::string& key, const std::string& value) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc{} || end != value.data() + value.size() || v < -1)
    return fail("bad value '" + value + "' for " + key);
  return v;
}

}  // namespace

result<client::producer_config> producer_props(const std::vector<std::string>& props) {
  client::producer_config pc;
  for (const auto& p : props) {
    auto kv = split_assignment(p, "--producer-props entry");
    if (!kv) return kv.err();
    const auto& [k, v] = *kv;
    if (k == "compression.type") {
      auto c = client::parse_compression(v);
      if (!c) return fail("bad compression.type '" + v + "'");
      pc.compression = *c;
      continue;
    }
    if (k == "acks" && v == "all") {
      pc.acks = -1;
      continue;
    }
    if (k == "bootstrap.servers" || k == "client.id") continue;  // taken from -b / --client-id
    if (k == "enable.idempotence") {
      if (v != "true" && v != "false") return fail("bad value '" + v + "' for " + k);
      pc.enable_idempotence = v == "true";
      continue;
    }
    auto n = number(k, v);
    if (!n) return n.err();
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
    else if (k == "request.timeout.ms")
      pc.request_timeout = std::chrono::milliseconds(*n);
    else if (k == "buffer.memory" && *n > 0)
      pc.buffer_memory = static_cast<size_t>(*n);
    else if (k == "max.request.size" && *n > 0)
      pc.max_request_size = static_cast<size_t>(*n);
    else
      return fail("unsupported producer property '" + p + "'");
  }
  return pc;
}

result<client::consumer_config> consumer_props(const std::vector<std::string>& props) {
  client::consumer_config cc;
  for (const auto& p : props) {
    auto kv = split_assignment(p, "--consumer-props entry");
    if (!kv) return kv.err();
    const auto& [k, v] = *kv;
    if (k == "bootstrap.servers" || k == "client.id" || k == "group.id") continue;
    if (k == "isolation.level") {
      if (v == "read_committed")
        cc.isolation = client::isolation_level::read_committed;
      else if (v == "read_uncommitted")
        cc.isolation = client::isolation_level::read_uncommitted;
      else
        return fail("bad value '" + v + "' for " + k);
      continue;
    }
    auto n = number(k, v);
    if (!n) return n.err();
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
      return fail("unsupported consumer property '" + p + "'");
  }
  return cc;
}

}  // namespace sluice::tools
