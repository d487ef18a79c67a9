#pragma once
// Shard-wide resource limits (RELIABILITY.md F2-F4), as plain accounting
// classes with no Asio in them, so they are unit-tested without sockets:
//
//   memory_budget      queued.max.request.bytes: request bytes held by every
//                      connection together (read, not yet answered and
//                      written). A connection reserves a frame's size after
//                      reading its 4-byte prefix and before allocating it;
//                      when the budget is full its reads pause until bytes
//                      are released. One request is always admitted when
//                      nothing is held, so a frame larger than the budget
//                      cannot stall forever.
//   connection_limits  max.connections and max.connections.per.ip, checked
//                      at accept.
//
// Ownership: the shard owns one of each. Thread: the shard's.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace sluice::broker {

class memory_budget {
 public:
  // limit < 0: unlimited.
  explicit memory_budget(int64_t limit) : limit_(limit) {}
  memory_budget(const memory_budget&) = delete;
  memory_budget& operator=(const memory_budget&) = delete;

  // Reserves `bytes` if they fit (or nothing is held); false means wait.
  bool try_reserve(uint64_t bytes);
  // Gives bytes back and wakes every waiter (each retries try_reserve).
  void release(uint64_t bytes);
  // Calls `wake` once, at the next release. Returns an id for cancel_wait.
  uint64_t wait(std::function<void()> wake);
  void cancel_wait(uint64_t id) { waiters_.erase(id); }

  uint64_t used() const { return used_; }
  int64_t limit() const { return limit_; }
  size_t waiters() const { return waiters_.size(); }
  // How many times a reservation had to wait (a metric).
  uint64_t pauses() const { return pauses_; }
  void count_pause() { ++pauses_; }

 private:
  int64_t limit_;
  uint64_t used_ = 0;
  uint64_t pauses_ = 0;
  uint64_t next_waiter_ = 1;
  std::map<uint64_t, std::function<void()>> waiters_;
};

class connection_limits {
 public:
  // A limit <= 0 means unlimited.
  connection_limits(int32_t max_total, int32_t max_per_ip)
      : max_total_(max_total), max_per_ip_(max_per_ip) {}

  // Counts the connection and returns an empty view, or returns why it is
  // refused ("max_connections", "max_connections_per_ip") without counting it.
  std::string_view admit(const std::string& ip);
  void release(const std::string& ip);

  int32_t open() const { return open_; }
  int32_t open_from(const std::string& ip) const;

 private:
  int32_t max_total_;
  int32_t max_per_ip_;
  int32_t open_ = 0;
  std::map<std::string, int32_t, std::less<>> per_ip_;
};

}  // namespace sluice::broker
