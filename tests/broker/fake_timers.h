#pragma once
// Timers on the fake clock (tests/support/fake_clock.h), for fake_shard and
// for tests that drive a consumer_group alone: a timer is due at the clock's
// time when it was started plus its delay, and fires only inside advance()
// (in deadline order, the clock set to each deadline as it fires) or
// fire_all().
//
// Ownership: owns the callbacks; borrows the clock. A handle must not outlive
// its fake_timers. Thread: the test's only thread.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "broker/request.h"
#include "tests/support/fake_clock.h"

namespace sluice::broker::test {

class fake_timers {
 public:
  explicit fake_timers(sluice::test::fake_clock& clock) : clock_(clock) {}
  ~fake_timers() { clear(); }
  fake_timers(const fake_timers&) = delete;
  fake_timers& operator=(const fake_timers&) = delete;

  std::unique_ptr<timer_handle> start(std::chrono::milliseconds delay, std::function<void()> fn) {
    struct handle final : timer_handle {
      handle(fake_timers& t, uint64_t id) : t(t), id(id) {}
      ~handle() override { t.pending_.erase(id); }
      fake_timers& t;
      uint64_t id;
    };
    const uint64_t id = next_++;
    pending_[id] = {clock_.wall_clock_ms() + delay.count(), std::move(fn)};
    return std::make_unique<handle>(*this, id);
  }

  // Moves the clock forward by `ms`, firing each timer that falls due on the
  // way; one started by a callback fires too if it falls due within `ms`.
  void advance(int64_t ms) {
    const int64_t until = clock_.wall_clock_ms() + ms;
    for (;;) {
      auto due = pending_.end();
      for (auto it = pending_.begin(); it != pending_.end(); ++it) {
        if (it->second.due <= until && (due == pending_.end() || it->second.due < due->second.due))
          due = it;
      }
      if (due == pending_.end()) break;
      if (due->second.due > clock_.wall_clock_ms()) *clock_.now = due->second.due;
      auto fn = std::move(due->second.fn);
      pending_.erase(due);
      fn();
    }
    *clock_.now = until;
  }

  // Fires every pending timer once, whatever its deadline and without moving
  // the clock (a Fetch deadline); a timer started by a callback waits.
  void fire_all() {
    std::vector<uint64_t> ids;
    for (const auto& [id, t] : pending_) ids.push_back(id);
    for (uint64_t id : ids) {
      auto it = pending_.find(id);
      if (it == pending_.end()) continue;  // cancelled by an earlier callback
      auto fn = std::move(it->second.fn);
      pending_.erase(it);
      fn();
    }
  }

  size_t pending() const { return pending_.size(); }

  // Drops every callback. A callback may own the handle that erases it, so
  // the map is emptied before the callbacks are destroyed.
  void clear() {
    auto pending = std::move(pending_);
    pending_.clear();
    pending.clear();
  }

 private:
  struct timer {
    int64_t due = 0;
    std::function<void()> fn;
  };
  sluice::test::fake_clock& clock_;
  std::map<uint64_t, timer> pending_;
  uint64_t next_ = 1;
};

}  // namespace sluice::broker::test
