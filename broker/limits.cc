#include "broker/limits.h"

#include <algorithm>
#include <utility>

namespace sluice::broker {

bool memory_budget::try_reserve(uint64_t bytes, uint64_t frame, uint64_t frame_size) {
  const auto limit = static_cast<uint64_t>(limit_);
  const bool fits = limit_ < 0 || used_ == 0 || used_ + bytes <= limit;
  const bool oldest = frame != 0 && !frames_.empty() && *frames_.begin() == frame &&
                      used_ + bytes <= limit + frame_size;
  if (!fits && !oldest) return false;
  used_ += bytes;
  return true;
}

uint64_t memory_budget::begin_frame() {
  const uint64_t ticket = next_frame_++;
  frames_.insert(ticket);
  return ticket;
}

void memory_budget::end_frame(uint64_t frame) {
  const bool was_oldest = !frames_.empty() && *frames_.begin() == frame;
  frames_.erase(frame);
  if (was_oldest) release(0);
}

uint64_t memory_budget::share() const {
  if (limit_ < 0) return max_share;
  return std::clamp<uint64_t>(static_cast<uint64_t>(limit_) / 4, reservation_step, max_share);
}

void memory_budget::release(uint64_t bytes) {
  used_ = bytes > used_ ? 0 : used_ - bytes;
  if (waiters_.empty()) return;
  // Wake everyone: each retries, and those that still do not fit wait again.
  // The map is swapped out first because a waker may call wait() again.
  auto woken = std::exchange(waiters_, {});
  for (auto& [id, wake] : woken) wake();
}

uint64_t memory_budget::wait(std::function<void()> wake) {
  const uint64_t id = next_waiter_++;
  waiters_.emplace(id, std::move(wake));
  return id;
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
