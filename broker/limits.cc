#include "broker/limits.h"

#include <algorithm>
#include <utility>

namespace sluice::broker {

bool memory_budget::fits(uint64_t bytes, uint64_t frame, uint64_t frame_size) const {
  const auto limit = static_cast<uint64_t>(limit_);
  const bool under = limit_ < 0 || used_ == 0 || used_ + bytes <= limit;
  const bool oldest = frame != 0 && !frames_.empty() && *frames_.begin() == frame &&
                      used_ + bytes <= limit + frame_size;
  return under || oldest;
}

bool memory_budget::try_reserve(uint64_t bytes, uint64_t frame, uint64_t frame_size) {
  std::lock_guard lock(mu_);
  if (!fits(bytes, frame, frame_size)) return false;
  used_ += bytes;
  return true;
}

uint64_t memory_budget::reserve_or_wait(uint64_t bytes, uint64_t frame, uint64_t frame_size,
                                        std::function<void()> wake) {
  std::lock_guard lock(mu_);
  if (fits(bytes, frame, frame_size)) {
    used_ += bytes;
    return 0;
  }
  const uint64_t id = next_waiter_++;
  waiters_.emplace(id, std::move(wake));
  return id;
}

uint64_t memory_budget::begin_frame() {
  std::lock_guard lock(mu_);
  const uint64_t ticket = next_frame_++;
  frames_.insert(ticket);
  return ticket;
}

void memory_budget::end_frame(uint64_t frame) {
  std::unique_lock lock(mu_);
  const bool was_oldest = !frames_.empty() && *frames_.begin() == frame;
  frames_.erase(frame);
  if (was_oldest) wake_all(lock);
}

uint64_t memory_budget::share() const {
  if (limit_ < 0) return max_share;
  return std::clamp<uint64_t>(static_cast<uint64_t>(limit_) / 4, reservation_step, max_share);
}

void memory_budget::release(uint64_t bytes) {
  std::unique_lock lock(mu_);
  used_ = bytes > used_ ? 0 : used_ - bytes;
  wake_all(lock);
}

void memory_budget::wake_all(std::unique_lock<std::mutex>& lock) {
  if (waiters_.empty()) return;
  // Wake everyone: each retries, and those that still do not fit wait again.
  // Taken out first, and called unlocked: a waker may call wait() again.
  auto woken = std::exchange(waiters_, {});
  lock.unlock();
  for (auto& [id, wake] : woken) wake();
}

uint64_t memory_budget::wait(std::function<void()> wake) {
  std::lock_guard lock(mu_);
  const uint64_t id = next_waiter_++;
  waiters_.emplace(id, std::move(wake));
  return id;
}

void memory_budget::cancel_wait(uint64_t id) {
  std::lock_guard lock(mu_);
  waiters_.erase(id);
}

uint64_t memory_budget::used() const {
  std::lock_guard lock(mu_);
  return used_;
}

size_t memory_budget::waiters() const {
  std::lock_guard lock(mu_);
  return waiters_.size();
}

uint64_t memory_budget::pauses() const {
  std::lock_guard lock(mu_);
  return pauses_;
}

void memory_budget::count_pause() {
  std::lock_guard lock(mu_);
  ++pauses_;
}

std::string_view connection_limits::admit(const std::string& ip) {
  if (max_total_ > 0 && open_ >= max_total_) return "max_connections";
  auto it = per_ip_.find(ip);
  const int32_t from_ip = it == per_ip_.end() ? 0 : it->second;
  if (max_per_ip_ > 0 && from_ip >= max_per_ip_) return "max_connections_per_ip";
  ++open_;
  ++per_ip_[ip];
  return {};
}

void connection_limits::release(const std::string& ip) {
  auto it = per_ip_.find(ip);
  if (it == per_ip_.end()) return;
  --open_;
  if (--it->second <= 0) per_ip_.erase(it);
}

int32_t connection_limits::open_from(const std::string& ip) const {
  auto it = per_ip_.find(ip);
  return it == per_ip_.end() ? 0 : it->second;
}

}  // namespace sluice::broker
