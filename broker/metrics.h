#pragma once
// The broker's metrics and their Prometheus text rendering (exposition
// format 0.0.4). Every metric is described in docs/metrics.md.
//
// Counters and gauges that happen at events (requests, bytes per topic,
// connections) are recorded here as they happen; per-partition offsets are
// read from the topic table when the page is rendered, so a scrape costs
// nothing between scrapes. No Asio here: the HTTP endpoint that serves the
// text is metrics_http.cc, the only file that includes Boost.Beast.
//
// Ownership: the shard owns one broker_metrics. Thread: the shard's (no
// atomics: the recorder and the renderer run on the same thread).

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/histogram.h"
#include "broker/error_counts.h"
#include "log/sync_stats.h"
#include "protocol/api_keys.h"
#include "protocol/error_code.h"

namespace sluice::broker {

class topic_table;

// Upper bounds (seconds) of the request latency histogram's buckets; +Inf
// is implied. From 100 us (a Metadata) to 10 s (beyond any Fetch long poll).
inline constexpr std::array<double, 16> latency_buckets_s = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
    0.05,   0.1,     0.25,   0.5,   1.0,    2.5,   5.0,  10.0};

// Upper bounds (seconds) of the request queue time histogram: from a
// request's last byte read to its handler starting. Handlers start on the
// shard thread right after the frame is read, so this is mostly
// microseconds; the upper buckets show a shard thread kept busy.
inline constexpr std::array<double, 13> queue_buckets_s = {
    0.000001, 0.000005, 0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0};

struct latency_histogram : histogram<latency_buckets_s.size()> {
  void observe(double seconds) { histogram::observe(seconds, latency_buckets_s); }
};

class broker_metrics {
 public:
  broker_metrics();

  // A request was read and handed to its handler.
  void request_started(protocol::api_key api);
  // Its handler answered after `elapsed`.
  void request_finished(protocol::api_key api, std::chrono::nanoseconds elapsed);
  // It waited `queued` between its last byte read and its handler starting.
  void request_queued(std::chrono::nanoseconds queued);
  // The error codes (other than NONE) its answer carries.
  void request_errors(protocol::api_key api, const error_tally& errors);
  // Record bytes accepted by Produce / returned by Fetch for a topic.
  void add_bytes_in(std::string_view topic, uint64_t bytes) {
    topic_stats(topic).bytes_in += bytes;
  }
  void add_bytes_out(std::string_view topic, uint64_t bytes) {
    topic_stats(topic).bytes_out += bytes;
  }
  // Records (from the batch headers' counts) accepted by Produce / returned by Fetch.
  void add_records_in(std::string_view topic, uint64_t records) {
    topic_stats(topic).records_in += records;
  }
  void add_records_out(std::string_view topic, uint64_t records) {
    topic_stats(topic).records_out += records;
  }
  void connection_accepted() { ++connections_accepted_; }
  void connection_refused(std::string_view reason) { ++connections_refused_[std::string(reason)]; }
  void connection_idle_closed() { ++connections_idle_closed_; }
  void topic_refused() { ++topics_refused_; }

  // Gauges the shard keeps current.
  int64_t connections_open = 0;
  int64_t requests_in_flight = 0;
  uint64_t request_bytes_in_flight = 0;  // held against queued.max.request.bytes
  int64_t request_bytes_budget = -1;     // queued.max.request.bytes (-1: unlimited)
  uint64_t read_pauses = 0;              // reads paused on the shared budget
  // The log cleaner's totals (broker/log_cleaner.h), read at render time.
  uint64_t cleaner_rounds = 0;
  uint64_t cleaner_segments_swapped = 0;
  uint64_t cleaner_records_removed = 0;
  uint64_t cleaner_bytes_read = 0;
  // Counters Fetch adds to: bytes its batch scans read into user space and
  // the preads that read them, and the record bytes it answered (sent by
  // sendfile). The first over the last is the read path's promise: headers only.
  uint64_t fetch_scan_bytes = 0;
  uint64_t fetch_scan_reads = 0;
  uint64_t fetch_bytes_sent = 0;
  // The log_manager's fdatasync histogram, read at render time (null: none).
  const log::sync_histogram* log_sync_latency = nullptr;

  // The whole page. `topics` may be null (no partition metrics).
  std::string render(const topic_table* topics) const;

  // Labels of sluice_build_info; the defaults are the build's (CMake).
  std::string version;
  std::string revision;

  // Families another component writes into the page (the group
  // coordinator's committed offsets and lag). A source is skipped, and
  // forgotten at the next add_source, once `owner` has expired: its owner
  // needs no unregistration and may die before or after this object.
  using source_fn = std::function<void(std::string& out)>;
  void add_source(std::weak_ptr<const void> owner, source_fn fn);

 private:
  struct api_stats {
    uint64_t requests = 0;
    latency_histogram latency;
  };
  struct per_topic {
    uint64_t bytes_in = 0;
    uint64_t bytes_out = 0;
    uint64_t records_in = 0;
    uint64_t records_out = 0;
  };
  void render_partitions(std::string& out, const topic_table& topics) const;
  per_topic& topic_stats(std::string_view topic);

  std::map<int16_t, api_stats> apis_;  // every served API, from the api table
  // (api key, error code) -> answers' error fields with that code.
  std::map<std::pair<int16_t, int16_t>, uint64_t> errors_;
  histogram<queue_buckets_s.size()> queue_time_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::map<std::string, per_topic, std::less<>> topics_;
  uint64_t connections_accepted_ = 0;
  uint64_t connections_idle_closed_ = 0;
  std::map<std::string, uint64_t> connections_refused_;
  uint64_t topics_refused_ = 0;
  struct source {
    std::weak_ptr<const void> owner;
    source_fn fn;
  };
  std::vector<source> sources_;
};

// Writes a family's # HELP and # TYPE lines (for sources).
void write_family(std::string& out, std::string_view name, std::string_view type,
                  std::string_view help);

// A Prometheus label value: backslash, double quote and newline escaped.
std::string escape_label_value(std::string_view v);

}  // namespace sluice::broker
