#pragma once
// How long the partitions' group-committed fdatasyncs take (Kafka's
// LogFlushRateAndTimeMs), for /metrics. Under the default durability every
// acknowledgement and every read of new data waits for one, so this is the
// disk's part of produce and end-to-end latency (bench/README.md, "End-to-end
// latency"). Owned by the log_manager; its partitions add to it.

#include <array>

#include "base/histogram.h"

namespace sluice::log {

// Upper bounds (seconds): from 50 us (a sync on a fast NVMe drive) to 5 s
// (a disk that has stopped answering).
inline constexpr std::array<double, 15> sync_buckets_s = {0.00005, 0.0001, 0.00025, 0.0005, 0.001,
                                                          0.0025,  0.005,  0.01,    0.025,  0.05,
                                                          0.1,     0.25,   0.5,     1.0,    5.0};

struct sync_histogram : histogram<sync_buckets_s.size()> {
  void observe(double seconds) { histogram::observe(seconds, sync_buckets_s); }
};

}  // namespace sluice::log
