#pragma once
// A fixed-bucket latency histogram in Prometheus' shape: a count per
// bucket (not cumulative; the last is +Inf), the total count and the sum in
// seconds. The bucket bounds live with whoever defines the metric, so one
// template serves the broker's request histograms and the log's sync one.
// Not thread-safe: recorder and renderer run on the same thread.

#include <array>
#include <cstddef>
#include <cstdint>

namespace sluice {

template <size_t N>
struct histogram {
  std::array<uint64_t, N + 1> counts{};  // last: +Inf (not cumulative)
  uint64_t count = 0;
  double sum_s = 0;
  void observe(double seconds, const std::array<double, N>& bounds) {
    size_t i = 0;
    while (i < N && seconds > bounds[i]) ++i;
    ++counts[i];
    ++count;
    sum_s += seconds;
  }
};

}  // namespace sluice
