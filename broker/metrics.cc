#include "broker/metrics.h"

#include <fmt/format.h>

#include <iterator>

#include "broker/api_table.h"
#include "broker/topic_table.h"

namespace sluice::broker {
namespace {

void family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

}  // namespace

void write_family(std::string& out, std::string_view name, std::string_view type,
                  std::string_view help) {
  family(out, name, type, help);
}

void broker_metrics::add_source(std::weak_ptr<const void> owner, source_fn fn) {
  std::erase_if(sources_, [](const source& s) { return s.owner.expired(); });
  sources_.push_back({std::move(owner), std::move(fn)});
}

void latency_histogram::observe(double seconds) {
  size_t i = 0;
  while (i < latency_buckets_s.size() && seconds > latency_buckets_s[i]) ++i;
  ++counts[i];
  ++count;
  sum_s += seconds;
}

broker_metrics::broker_metrics() {
  // Every served API has its series from the start, so rates begin at zero.
  for (const api_entry& e : api_table()) apis_[static_cast<int16_t>(e.key)];
}

void broker_metrics::request_started(protocol::api_key api) {
  ++apis_[static_cast<int16_t>(api)].requests;
}

void broker_metrics::request_finished(protocol::api_key api, std::chrono::nanoseconds elapsed) {
  apis_[static_cast<int16_t>(api)].latency.observe(std::chrono::duration<double>(elapsed).count());
}

broker_metrics::per_topic& broker_metrics::topic_stats(std::string_view topic) {
  auto it = topics_.find(topic);
  if (it == topics_.end()) it = topics_.emplace(std::string(topic), per_topic{}).first;
  return it->second;
}

std::string escape_label_value(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string broker_metrics::render(const topic_table* topics) const {
  std::string out;
  auto line = [&out](std::string_view name, std::string_view labels, auto value) {
    if (labels.empty()) {
      fmt::format_to(std::back_inserter(out), "{} {}\n", name, value);
    } else {
      fmt::format_to(std::back_inserter(out), "{}{{{}}} {}\n", name, labels, value);
    }
  };
  auto api_label = [](int16_t key) {
    return fmt::format("api=\"{}\"",
                       escape_label_value(protocol::api_name(static_cast<protocol::api_key>(key))));
  };

  // A family with one unlabelled sample.
  auto single = [&](std::string_view name, std::string_view type, std::string_view help,
                    auto value) {
    family(out, name, type, help);
    line(name, "", value);
  };

  family(out, "sluice_requests_total", "counter", "Requests received, by API.");
  for (const auto& [key, s] : apis_) line("sluice_requests_total", api_label(key), s.requests);

  family(out, "sluice_request_duration_seconds", "histogram",
         "Time from a request's last byte read to its answer being ready, by API.");
  for (const auto& [key, s] : apis_) {
    const std::string api = api_label(key);
    uint64_t cumulative = 0;
    for (size_t i = 0; i < latency_buckets_s.size(); ++i) {
      cumulative += s.latency.counts[i];
      line("sluice_request_duration_seconds_bucket",
           fmt::format("{},le=\"{}\"", api, latency_buckets_s[i]), cumulative);
    }
    cumulative += s.latency.counts.back();
    line("sluice_request_duration_seconds_bucket", api + ",le=\"+Inf\"", cumulative);
    line("sluice_request_duration_seconds_sum", api, s.latency.sum_s);
    line("sluice_request_duration_seconds_count", api, s.latency.count);
  }

  single("sluice_requests_in_flight", "gauge",
         "Requests read and not yet answered and written, all connections.", requests_in_flight);
  single("sluice_request_bytes_in_flight", "gauge",
         "Request bytes held against queued.max.request.bytes.", request_bytes_in_flight);
  single("sluice_request_bytes_budget", "gauge", "queued.max.request.bytes (-1: unlimited).",
         request_bytes_budget);
  single("sluice_read_pauses_total", "counter",
         "Times a connection's reading paused because the shared request-bytes budget was full.",
         read_pauses);
  single("sluice_fetch_scan_bytes_total", "counter",
         "Bytes Fetch read into user space to find batch boundaries (headers only).",
         fetch_scan_bytes);
  single("sluice_fetch_scan_reads_total", "counter", "preads Fetch made to find batch boundaries.",
         fetch_scan_reads);
  single("sluice_fetch_record_bytes_total", "counter",
         "Record bytes Fetch answered (sent from the page cache by sendfile).", fetch_bytes_sent);

  single("sluice_connections_open", "gauge", "Client connections open.", connections_open);
  single("sluice_connections_accepted_total", "counter", "Client connections accepted.",
         connections_accepted_);
  family(out, "sluice_connections_refused_total", "counter",
         "Connections refused at accept, by limit.");
  for (std::string_view reason : {"max_connections", "max_connections_per_ip"}) {
    auto it = connections_refused_.find(std::string(reason));
    line("sluice_connections_refused_total", fmt::format("reason=\"{}\"", reason),
         it == connections_refused_.end() ? 0 : it->second);
  }
  single("sluice_connections_idle_closed_total", "counter",
         "Connections closed after connections.max.idle.ms without traffic.",
         connections_idle_closed_);

  family(out, "sluice_topic_bytes_in_total", "counter",
         "Record batch bytes appended by Produce, by topic.");
  for (const auto& [name, t] : topics_) {
    line("sluice_topic_bytes_in_total", fmt::format("topic=\"{}\"", escape_label_value(name)),
         t.bytes_in);
  }
  family(out, "sluice_topic_bytes_out_total", "counter",
         "Record batch bytes returned by Fetch, by topic.");
  for (const auto& [name, t] : topics_) {
    line("sluice_topic_bytes_out_total", fmt::format("topic=\"{}\"", escape_label_value(name)),
         t.bytes_out);
  }

  single("sluice_topics_refused_total", "counter",
         "Topic auto-creations refused because sluice.max.topics was reached.", topics_refused_);
  for (const auto& s : sources_) {
    if (auto alive = s.owner.lock()) s.fn(out);
  }
  if (topics == nullptr) return out;

  const auto names = topics->topic_names();
  single("sluice_topics", "gauge", "Topics hosted.", names.size());
  struct gauge {
    std::string_view name;
    std::string_view help;
    int64_t (*read)(const log::partition_log&);
  };
  static constexpr gauge partition_gauges[] = {
      {"sluice_partition_log_end_offset", "Offset the next appended record will get.",
       [](const log::partition_log& p) { return p.log_end_offset().value; }},
      {"sluice_partition_high_watermark", "Offset below which consumers may read.",
       [](const log::partition_log& p) { return p.high_watermark().value; }},
      {"sluice_partition_log_start_offset", "First offset still in the log.",
       [](const log::partition_log& p) { return p.log_start_offset().value; }},
  };
  for (const gauge& g : partition_gauges) {
    family(out, g.name, "gauge", g.help);
    for (const auto& name : names) {
      auto ids = topics->partitions(name);
      if (!ids) continue;
      const std::string topic = escape_label_value(name);
      for (int32_t id : *ids) {
        const log::partition_log* p = topics->get(name, id);
        if (p == nullptr) continue;
        line(g.name, fmt::format("topic=\"{}\",partition=\"{}\"", topic, id), g.read(*p));
      }
    }
  }
  return out;
}

}  // namespace sluice::broker
