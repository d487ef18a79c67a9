#pragma once
// Shard-wide resource limits (RELIABILITY.md F2-F4), as plain accounting
// classes with no Asio in them, so they are unit-tested without sockets:
//
//   memory_budget      queued.max.request.bytes: request bytes held by every
//                      connection together (read, not yet answered and
//                      written). A connection pays as it reads: a frame's
//                      body is reserved one step (reservation_step) at a
//                      time, before that step is read, so a frame declared
//                      and never sent holds at most one step, not its
//                      declared size (docs/decisions.md D20). When the budget is full reads
//                      pause until bytes are released. Progress: the oldest
//                      frame being read (begin_frame, taken once its first
//                      step fits) may reserve its next steps beyond the
//                      limit, up to limit + its own size, so frames that
//                      each hold part of the budget cannot wait on each
//                      other forever; what is held never exceeds the limit
//                      by more than one frame (socket.request.max.bytes),
//                      and a frame's first step must fit. share(): what one
//                      connection may hold before it stops reading further
//                      frames.
//   connection_limits  max.connections and max.connections.per.ip, checked
//                      at accept.
//
// Ownership: the shard owns one of each. Thread: memory_budget is shared by
// the network threads (a mutex; wake callbacks run outside it, on the
// releasing thread, and must post to their own connection's thread);
// connection_limits is the shard's.

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

namespace sluice::broker {

class memory_budget {
 public:
  // limit < 0: unlimited.
  explicit memory_budget(int64_t limit) : limit_(limit) {}
  memory_budget(const memory_budget&) = delete;
  memory_budget& operator=(const memory_budget&) = delete;

  // Reserves `bytes` if they fit or nothing is held, or if `frame` is the
  // oldest frame begun and used + bytes <= limit + frame_size (its declared
  // size); false means wait.
  bool try_reserve(uint64_t bytes, uint64_t frame = 0, uint64_t frame_size = 0);
  // try_reserve, or else `wake` is registered as wait() does, in one step:
  // no release can come between the refusal and the wait. 0 when reserved,
  // else the waiter's id.
  uint64_t reserve_or_wait(uint64_t bytes, uint64_t frame, uint64_t frame_size,
                           std::function<void()> wake);
  // A frame whose first step was reserved: returns its ticket (never 0).
  uint64_t begin_frame();
  // The frame is read whole, or its connection is gone. Wakes the waiters
  // when the oldest frame ends, since another is now the oldest.
  void end_frame(uint64_t frame);
  // Gives bytes back and wakes every waiter (each retries try_reserve).
  void release(uint64_t bytes);
  // Calls `wake` once, at the next release. Returns an id for cancel_wait.
  uint64_t wait(std::function<void()> wake);
  void cancel_wait(uint64_t id);

  uint64_t used() const;
  int64_t limit() const { return limit_; }
  // One connection's share: a quarter of the limit (at least one step, and
  // never more than max_share), so no three connections can hold it all
  // with answers they do not read. A connection over its share reads no
  // new frame until its own answers are written.
  uint64_t share() const;

  // Bytes of a frame reserved (and read) at a time.
  static constexpr uint64_t reservation_step = 1u << 20;
  // A client that does not read its answers may queue this much at most
  // even with an unlimited budget.
  static constexpr uint64_t max_share = 64u << 20;
  size_t waiters() const;
  // How many times a reservation had to wait (a metric).
  uint64_t pauses() const;
  void count_pause();

 private:
  bool fits(uint64_t bytes, uint64_t frame, uint64_t frame_size) const;  // mu_ held
  void wake_all(std::unique_lock<std::mutex>& lock);                     // unlocks

  mutable std::mutex mu_;
  const int64_t limit_;
  uint64_t used_ = 0;
  uint64_t pauses_ = 0;
  uint64_t next_waiter_ = 1;
  uint64_t next_frame_ = 1;
  std::map<uint64_t, std::function<void()>> waiters_;
  std::set<uint64_t> frames_;  // frames being read, by ticket (oldest first)
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
