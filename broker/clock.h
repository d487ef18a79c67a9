#pragma once
// The time the broker's coordinators and background work read: wall-clock
// milliseconds (record timestamps, transaction start and update times, group
// state times, offset and member expiry, retention) and a monotonic now.
// They read it through shard_services::clock(), never from std::chrono
// directly, so tests drive it with tests/support/fake_clock.h instead of
// sleeping (docs/decisions.md, "The clock comes through shard_services").
//
// Not behind it: request latency and CPU-time budgets (metrics, the log
// cleaner's slice, CreateTopics' slices), which measure real elapsed time.
//
// Thread: any; the system clock holds no state.

#include <chrono>
#include <cstdint>

namespace sluice::broker {

class clock_source {
 public:
  virtual ~clock_source() = default;
  // Milliseconds since the Unix epoch.
  virtual int64_t wall_clock_ms() const = 0;
  virtual std::chrono::steady_clock::time_point steady_now() const = 0;
};

// std::chrono's system and steady clocks; lives for the whole program.
const clock_source& real_clock();

}  // namespace sluice::broker
