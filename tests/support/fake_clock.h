#pragma once
// The one fake clock of the tests. It stands in for the broker's clock
// (broker/clock.h, returned by fake_shard::clock()) and, through fn(), for a
// partition's log_config::clock; it moves only when the test says so.
// Copies share the time: fn() stays valid after the clock is gone.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

#include "broker/clock.h"

namespace sluice::test {

class fake_clock final : public broker::clock_source {
 public:
  // Wall-clock ms; starts in 2023 so that timestamps look like real ones.
  std::shared_ptr<int64_t> now = std::make_shared<int64_t>(1'700'000'000'000);

  int64_t wall_clock_ms() const override { return *now; }
  // The steady clock moves with the wall clock, from the same start.
  std::chrono::steady_clock::time_point steady_now() const override {
    return std::chrono::steady_clock::time_point(std::chrono::milliseconds(*now));
  }
  std::function<int64_t()> fn() const {
    auto p = now;
    return [p] { return *p; };
  }
  void advance(int64_t ms) { *now += ms; }
};

}  // namespace sluice::test
