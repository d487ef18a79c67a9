#include "tools/perf_stats.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>

namespace sluice::tools {

size_t latency_histogram::index_of(uint64_t v) {
  if (v < 2 * sub_buckets) return static_cast<size_t>(v);
  int shift = std::bit_width(v) - (sub_bits + 1);  // keeps sub_bits+1 significant bits
  return static_cast<size_t>(shift + 1) * sub_buckets + ((v >> shift) - sub_buckets);
}

uint64_t latency_histogram::upper_of(size_t index) {
  if (index < 2 * sub_buckets) return index;
  uint64_t shift = index / sub_buckets - 1;
  uint64_t base = (index % sub_buckets + sub_buckets) << shift;
  return base + ((uint64_t{1} << shift) - 1);
}

void latency_histogram::record(uint64_t micros) {
  size_t i = std::min(index_of(micros), bucket_count - 1);
  ++counts_[i];
  ++count_;
  sum_ += micros;
  max_ = std::max(max_, micros);
}

uint64_t latency_histogram::percentile(double fraction) const {
  if (count_ == 0) return 0;
  auto rank = static_cast<uint64_t>(std::ceil(std::clamp(fraction, 0.0, 1.0) * count_));
  rank = std::max<uint64_t>(rank, 1);
  uint64_t seen = 0;
  for (size_t i = 0; i < bucket_count; ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::min(upper_of(i), max_);
  }
  return max_;
}

std::vector<std::pair<uint64_t, double>> latency_histogram::cdf() const {
  std::vector<std::pair<uint64_t, double>> out;
  uint64_t seen = 0;
  for (size_t i = 0; i < bucket_count && seen < count_; ++i) {
    if (!counts_[i]) continue;
    seen += counts_[i];
    out.emplace_back(std::min(upper_of(i), max_), static_cast<double>(seen) / count_);
  }
  return out;
}

perf_stats::perf_stats(int64_t start_ns, int64_t window_ns)
    : start_ns_(start_ns), window_ns_(window_ns), window_start_ns_(start_ns) {}

void perf_stats::record(uint64_t latency_us, uint64_t bytes) {
  total_.record(latency_us);
  ++records_, bytes_ += bytes;
  ++w_records_, w_bytes_ += bytes;
  w_latency_sum_us_ += latency_us;
  w_latency_max_us_ = std::max(w_latency_max_us_, latency_us);
}

bool perf_stats::roll_window(int64_t now_ns) {
  if (now_ns - window_start_ns_ < window_ns_) return false;
  close(now_ns);
  return true;
}

void perf_stats::close(int64_t now_ns) {
  if (now_ns <= window_start_ns_) return;
  perf_window w;
  w.start_s = (window_start_ns_ - start_ns_) / 1e9;
  w.end_s = (now_ns - start_ns_) / 1e9;
  w.records = w_records_;
  w.bytes = w_bytes_;
  w.avg_latency_ms = w_records_ ? w_latency_sum_us_ / 1000.0 / w_records_ : 0;
  w.max_latency_ms = w_latency_max_us_ / 1000.0;
  windows_.push_back(w);
  window_start_ns_ = now_ns;
  w_records_ = w_bytes_ = w_latency_sum_us_ = w_latency_max_us_ = 0;
}

perf_summary perf_stats::summary(int64_t now_ns) const {
  perf_summary s;
  s.records = records_;
  s.bytes = bytes_;
  s.elapsed_s = (now_ns - start_ns_) / 1e9;
  s.avg_latency_ms = total_.mean() / 1000.0;
  s.max_latency_ms = total_.max() / 1000.0;
  s.p50_ms = total_.percentile(0.5) / 1000.0;
  s.p95_ms = total_.percentile(0.95) / 1000.0;
  s.p99_ms = total_.percentile(0.99) / 1000.0;
  s.p999_ms = total_.percentile(0.999) / 1000.0;
  return s;
}

std::string window_line(const perf_window& w, const char* verb) {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "%llu records %s, %.1f records/sec (%.2f MB/sec), %.1f ms avg latency, %.1f ms max "
                "latency.",
                static_cast<unsigned long long>(w.records), verb, w.records_per_s(), w.mb_per_s(),
                w.avg_latency_ms, w.max_latency_ms);
  return buf;
}

std::string final_line(const perf_summary& s, const char* verb) {
  // Kafka prints the percentiles as whole milliseconds.
  char buf[384];
  std::snprintf(buf, sizeof buf,
                "%llu records %s, %f records/sec (%.2f MB/sec), %.2f ms avg latency, %.2f ms max "
                "latency, %lld ms 50th, %lld ms 95th, %lld ms 99th, %lld ms 99.9th.",
                static_cast<unsigned long long>(s.records), verb, s.records_per_s(), s.mb_per_s(),
                s.avg_latency_ms, s.max_latency_ms, static_cast<long long>(s.p50_ms),
                static_cast<long long>(s.p95_ms), static_cast<long long>(s.p99_ms),
                static_cast<long long>(s.p999_ms));
  return buf;
}

std::string summary_json(const std::string& mode, const perf_summary& s,
                         const std::vector<perf_window>& windows) {
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "{\"mode\":\"%s\",\"records\":%llu,\"bytes\":%llu,\"elapsed_s\":%.3f,"
                "\"records_per_sec\":%.3f,\"mb_per_sec\":%.3f,\"avg_latency_ms\":%.3f,"
                "\"max_latency_ms\":%.3f,\"p50_ms\":%.3f,\"p95_ms\":%.3f,\"p99_ms\":%.3f,"
                "\"p999_ms\":%.3f,\"windows\":[",
                mode.c_str(), static_cast<unsigned long long>(s.records),
                static_cast<unsigned long long>(s.bytes), s.elapsed_s, s.records_per_s(),
                s.mb_per_s(), s.avg_latency_ms, s.max_latency_ms, s.p50_ms, s.p95_ms, s.p99_ms,
                s.p999_ms);
  std::string out = buf;
  for (size_t i = 0; i < windows.size(); ++i) {
    const auto& w = windows[i];
    std::snprintf(buf, sizeof buf,
                  "%s{\"start_s\":%.3f,\"end_s\":%.3f,\"records\":%llu,\"records_per_sec\":%.3f,"
                  "\"mb_per_sec\":%.3f,\"avg_latency_ms\":%.3f,\"max_latency_ms\":%.3f}",
                  i ? "," : "", w.start_s, w.end_s, static_cast<unsigned long long>(w.records),
                  w.records_per_s(), w.mb_per_s(), w.avg_latency_ms, w.max_latency_ms);
    out += buf;
  }
  out += "]}";
  return out;
}

}  // namespace sluice::tools
