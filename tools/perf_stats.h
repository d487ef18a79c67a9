#pragma once
// What `sluice perf` measures and prints: a latency histogram, 5-second
// windows, and the lines kafka-producer-perf-test prints, so results compare
// with Kafka's tool line by line. Single-threaded: the perf loop owns it.

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace sluice::tools {

// Log-linear buckets over microseconds (HdrHistogram's layout): values below
// 2*sub_buckets are exact, larger ones within 1/sub_buckets (under 1.6 %).
class latency_histogram {
 public:
  void record(uint64_t micros);
  uint64_t count() const { return count_; }
  uint64_t max() const { return max_; }
  double mean() const { return count_ ? static_cast<double>(sum_) / count_ : 0.0; }
  // The smallest recorded value v such that `fraction` of the values are <= v.
  uint64_t percentile(double fraction) const;
  // (latency µs, fraction of values <= it) at every non-empty bucket: the CDF.
  std::vector<std::pair<uint64_t, double>> cdf() const;

 private:
  static constexpr int sub_bits = 6;
  static constexpr uint64_t sub_buckets = 1 << sub_bits;
  static constexpr size_t bucket_count = (64 - sub_bits + 1) * sub_buckets;
  static size_t index_of(uint64_t v);
  static uint64_t upper_of(size_t index);

  std::array<uint64_t, bucket_count> counts_{};
  uint64_t count_ = 0, sum_ = 0, max_ = 0;
};

struct perf_window {
  double start_s = 0;  // since the run started
  double end_s = 0;
  uint64_t records = 0;
  uint64_t bytes = 0;
  double avg_latency_ms = 0;
  double max_latency_ms = 0;
  double records_per_s() const { return end_s > start_s ? records / (end_s - start_s) : 0; }
  double mb_per_s() const { return end_s > start_s ? bytes / (end_s - start_s) / 1048576.0 : 0; }
};

struct perf_summary {
  uint64_t records = 0;
  uint64_t bytes = 0;
  double elapsed_s = 0;
  double avg_latency_ms = 0;
  double max_latency_ms = 0;
  double p50_ms = 0, p95_ms = 0, p99_ms = 0, p999_ms = 0;
  double records_per_s() const { return elapsed_s > 0 ? records / elapsed_s : 0; }
  double mb_per_s() const { return elapsed_s > 0 ? bytes / elapsed_s / 1048576.0 : 0; }
};

// Times are nanoseconds on any monotonic clock; the first record() or
// start() sets zero.
class perf_stats {
 public:
  explicit perf_stats(int64_t start_ns, int64_t window_ns = 5'000'000'000);

  void record(uint64_t latency_us, uint64_t bytes);
  // Closes the current window when it is window_ns old; true if it did
  // (the caller prints window_line(windows().back())).
  bool roll_window(int64_t now_ns);
  perf_summary summary(int64_t now_ns) const;

  const latency_histogram& histogram() const { return total_; }
  const std::vector<perf_window>& windows() const { return windows_; }
  // Closes the partial last window too (for the report).
  void close(int64_t now_ns);

 private:
  int64_t start_ns_, window_ns_, window_start_ns_;
  latency_histogram total_;
  uint64_t records_ = 0, bytes_ = 0;
  uint64_t w_records_ = 0, w_bytes_ = 0, w_latency_sum_us_ = 0, w_latency_max_us_ = 0;
  std::vector<perf_window> windows_;
};

// "N records sent, X records/sec (Y MB/sec), A ms avg latency, M ms max latency."
std::string window_line(const perf_window& w, const char* verb = "sent");
// "N records sent, X records/sec (Y MB/sec), A ms avg latency, M ms max latency,
//  p50 ms 50th, p95 ms 95th, p99 ms 99th, p999 ms 99.9th."
std::string final_line(const perf_summary& s, const char* verb = "sent");
// One JSON object (no newline) with the summary and the windows.
std::string summary_json(const std::string& mode, const perf_summary& s,
                         const std::vector<perf_window>& windows);

}  // namespace sluice::tools
