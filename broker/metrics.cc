#include "broker/metrics.h"

#include <fmt/format.h>

#include <iterator>

#include "broker/api_table.h"
#include "broker/build_info.h"
#include "broker/topic_table.h"

namespace sluice::broker {
namespace {

void family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

void sample(std::string& out, std::string_view name, std::string_view labels, auto value) {
  if (labels.empty()) {
    fmt::format_to(std::back_inserter(out), "{} {}\n", name, value);
  } else {
    fmt::format_to(std::back_inserter(out), "{}{{{}}} {}\n", name, labels, value);
  }
}

// The _bucket (cumulative, then +Inf), _sum and _count lines of one series.
template <size_t N>
void histogram_lines(std::string& out, std::string_view name, const std::string& labels,
                     const histogram<N>& h, const std::array<double, N>& bounds) {
  const std::string sep = labels.empty() ? "" : ",";
  const std::string bucket = std::string(name) + "_bucket";
  uint64_t cumulative = 0;
  for (size_t i = 0; i < N; ++i) {
    cumulative += h.counts[i];
    sample(out, bucket, fmt::format("{}{}le=\"{}\"", labels, sep, bounds[i]), cumulative);
  }
  cumulative += h.counts.back();
  sample(out, bucket, labels + sep + "le=\"+Inf\"", cumulative);
  sample(out, std::string(name) + "_sum", labels, h.sum_s);
  sample(out, std::string(name) + "_count", labels, h.count);
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

broker_metrics::broker_metrics() : version(build_version()), revision(build_revision()) {
  // Every served API has its series from the start, so rates begin at zero.
  for (const api_entry& e : api_table()) apis_[static_cast<int16_t>(e.key)];
}

void broker_metrics::request_started(protocol::api_key api) {
  ++apis_[static_cast<int16_t>(api)].requests;
}

void broker_metrics::request_finished(protocol::api_key api, std::chrono::nanoseconds elapsed) {
  apis_[static_cast<int16_t>(api)].latency.observe(std::chrono::duration<double>(elapsed).count());
}

void broker_metrics::request_queued(std::chrono::nanoseconds queued) {
  queue_time_.observe(std::chrono::duration<double>(queued).count(), queue_buckets_s);
}

void broker_metrics::request_errors(protocol::api_key api, const error_tally& errors) {
  for (const auto& [code, n] : errors.counts)
    errors_[{static_cast<int16_t>(api), protocol::to_int(code)}] += n;
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
    sample(out, name, labels, value);
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

  family(out, "sluice_build_info", "gauge", "The broker's version and source revision (always 1).");
  line("sluice_build_info",
       fmt::format("version=\"{}\",revision=\"{}\"", escape_label_value(version),
                   escape_label_value(revision)),
       1);
  single("sluice_uptime_seconds", "gauge", "Seconds since the broker started.",
         std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count());
  // kafka_exporter's: brokers of the cluster, which is this one.
  single("kafka_brokers", "gauge", "Brokers in the cluster (Sluice is a single broker).", 1);

  family(out, "sluice_requests_total", "counter", "Requests received, by API.");
  for (const auto& [key, s] : apis_) line("sluice_requests_total", api_label(key), s.requests);

  family(out, "sluice_request_errors_total", "counter",
         "Error codes other than NONE in answers, by API and error (one per error field).");
  for (const auto& [key, n] : errors_) {
    line("sluice_request_errors_total",
         fmt::format("{},error=\"{}\"", api_label(key.first),
                     protocol::error_name(static_cast<protocol::error_code>(key.second))),
         n);
  }

  family(out, "sluice_request_duration_seconds", "histogram",
         "Time from a request's last byte read to its answer being ready, by API.");
  for (const auto& [key, s] : apis_) {
    histogram_lines(out, "sluice_request_duration_seconds", api_label(key), s.latency,
                    latency_buckets_s);
  }
  family(out, "sluice_request_queue_time_seconds", "histogram",
         "Time from a request's last byte read to its handler starting.");
  histogram_lines(out, "sluice_request_queue_time_seconds", "", queue_time_, queue_buckets_s);

  single("sluice_requests_in_flight", "gauge",
         "Requests read and not yet answered and written, all connections.", requests_in_flight);
  single("sluice_request_bytes_in_flight", "gauge",
         "Request bytes held against queued.max.request.bytes.", request_bytes_in_flight);
  single("sluice_request_bytes_budget", "gauge", "queued.max.request.bytes (-1: unlimited).",
         request_bytes_budget);
  single("sluice_read_pauses_total", "counter",
         "Times a connection's reading paused because the shared request-bytes budget was full.",
         read_pauses);
  single("sluice_log_cleaner_rounds_total", "counter",
         "Compaction rounds finished, all partitions.", cleaner_rounds);
  single("sluice_log_cleaner_segments_swapped_total", "counter",
         "Cleaned segments swapped in by compaction.", cleaner_segments_swapped);
  single("sluice_log_cleaner_records_removed_total", "counter",
         "Records compaction removed (superseded, expired tombstones, aborted data).",
         cleaner_records_removed);
  single("sluice_log_cleaner_bytes_read_total", "counter", "Segment bytes the log cleaner read.",
         cleaner_bytes_read);
  single("sluice_fetch_scan_bytes_total", "counter",
         "Bytes Fetch read into user space to find batch boundaries (headers only).",
         fetch_scan_bytes);
  single("sluice_fetch_scan_reads_total", "counter", "preads Fetch made to find batch boundaries.",
         fetch_scan_reads);
  single("sluice_fetch_record_bytes_total", "counter",
         "Record bytes Fetch answered (sent from the page cache by sendfile).", fetch_bytes_sent);
  if (log_sync_latency != nullptr) {
    family(out, "sluice_log_flush_duration_seconds", "histogram",
           "Time of each group-committed fdatasync of a partition's files (Kafka's "
           "LogFlushRateAndTimeMs); under the default durability every acknowledgement waits "
           "for one.");
    histogram_lines(out, "sluice_log_flush_duration_seconds", "", *log_sync_latency,
                    log::sync_buckets_s);
  }

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

  struct topic_counter {
    std::string_view name;
    std::string_view help;
    uint64_t per_topic::*field;
  };
  static constexpr topic_counter topic_counters[] = {
      {"sluice_topic_bytes_in_total", "Record batch bytes appended by Produce, by topic.",
       &per_topic::bytes_in},
      {"sluice_topic_bytes_out_total", "Record batch bytes returned by Fetch, by topic.",
       &per_topic::bytes_out},
      {"sluice_topic_records_in_total",
       "Records appended by Produce (batch headers' record counts), by topic.",
       &per_topic::records_in},
      {"sluice_topic_records_out_total",
       "Records returned by Fetch (offsets the batches span, control batches excluded), by topic.",
       &per_topic::records_out},
  };
  for (const topic_counter& c : topic_counters) {
    family(out, c.name, "counter", c.help);
    for (const auto& [name, t] : topics_)
      line(c.name, fmt::format("topic=\"{}\"", escape_label_value(name)), t.*c.field);
  }

  single("sluice_topics_refused_total", "counter",
         "Topic auto-creations refused because sluice.max.topics was reached.", topics_refused_);
  for (const auto& s : sources_) {
    if (auto alive = s.owner.lock()) s.fn(out);
  }
  if (topics != nullptr) render_partitions(out, *topics);
  return out;
}

void broker_metrics::render_partitions(std::string& out, const topic_table& topics) const {
  const auto names = topics.topic_names();
  family(out, "sluice_topics", "gauge", "Topics hosted.");
  sample(out, "sluice_topics", "", names.size());
  family(out, "kafka_topic_partitions", "gauge", "Partitions of a topic (kafka_exporter's).");
  for (const auto& name : names) {
    auto ids = topics.partitions(name);
    if (!ids) continue;
    sample(out, "kafka_topic_partitions", fmt::format("topic=\"{}\"", escape_label_value(name)),
           ids->size());
  }
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
      {"sluice_log_size_bytes", "Bytes of the partition's segment files (.log) on disk.",
       [](const log::partition_log& p) { return static_cast<int64_t>(p.size_bytes()); }},
      // kafka_exporter's names: the newest offset a consumer can read (what
      // ListOffsets LATEST answers) and the oldest.
      {"kafka_topic_partition_current_offset",
       "Offset after the last readable record (the high watermark; kafka_exporter's).",
       [](const log::partition_log& p) { return p.high_watermark().value; }},
      {"kafka_topic_partition_oldest_offset",
       "First offset still in the log (the log start offset; kafka_exporter's).",
       [](const log::partition_log& p) { return p.log_start_offset().value; }},
  };
  for (const gauge& g : partition_gauges) {
    family(out, g.name, "gauge", g.help);
    for (const auto& name : names) {
      auto ids = topics.partitions(name);
      if (!ids) continue;
      const std::string topic = escape_label_value(name);
      for (int32_t id : *ids) {
        const log::partition_log* p = topics.get(name, id);
        if (p == nullptr) continue;
        sample(out, g.name, fmt::format("topic=\"{}\",partition=\"{}\"", topic, id), g.read(*p));
      }
    }
  }
}

}  // namespace sluice::broker
