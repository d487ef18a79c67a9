#include "broker/share/share_partition.h"

#include <algorithm>
#include <utility>

namespace sluice::broker::share {
namespace {

bool is_terminal(record_state s) {
  return s == record_state::acknowledged || s == record_state::archived;
}

}  // namespace

share_partition::share_partition(partition_settings settings, int64_t start_offset)
    : settings_(settings), start_(start_offset), end_(start_offset) {}

share_partition::share_partition(partition_settings settings, const partition_snapshot& s)
    : settings_(settings), start_(s.start_offset), end_(std::max(s.start_offset, s.end_offset)) {
  for (int64_t o = start_; o < end_; ++o) window_[o] = entry{};
  for (const state_run& r : s.runs) {
    const int64_t first = std::max(r.first_offset, start_);
    const int64_t last = std::min(r.last_offset, end_ - 1);
    for (int64_t o = first; o <= last; ++o) {
      entry& e = window_[o];
      // A lock does not survive a restart: an acquired record is available.
      e.state = r.state == record_state::acquired ? record_state::available : r.state;
      e.delivery_count = r.delivery_count;
      e.available_at_ms = r.available_at_ms;
    }
  }
  advance_start();
}

int64_t share_partition::next_acquirable(int64_t now_ms, int64_t high_watermark) {
  expire_locks(now_ms);
  for (const auto& [offset, e] : window_) {
    if (e.state == record_state::available && e.available_at_ms <= now_ms) return offset;
  }
  if (end_ < high_watermark && end_ - start_ < settings_.max_in_flight) return end_;
  return -1;
}

std::vector<acquired_range> share_partition::acquire(
    const std::string& member, int32_t max_records, int64_t now_ms, int64_t limit,
    const std::vector<offset_range>& never_deliver) {
  expire_locks(now_ms);
  std::vector<acquired_range> out;
  int32_t taken = 0;
  // Offsets are walked in increasing order, so one cursor over the sorted
  // ranges answers "never deliver?" for each.
  auto skip = never_deliver.begin();
  auto excluded = [&](int64_t offset) {
    while (skip != never_deliver.end() && skip->second < offset) ++skip;
    return skip != never_deliver.end() && skip->first <= offset;
  };
  auto take = [&](int64_t offset, entry& e) {
    if (excluded(offset)) {
      e.state = record_state::archived;  // an aborted transaction's: never delivered
      e.member.clear();
      return;
    }
    e.state = record_state::acquired;
    e.delivery_count = static_cast<int16_t>(std::min<int32_t>(e.delivery_count + 1, INT16_MAX));
    e.member = member;
    e.lock_deadline_ms = now_ms + settings_.lock_duration_ms;
    ++taken;
    if (!out.empty() && out.back().last_offset + 1 == offset &&
        out.back().delivery_count == e.delivery_count) {
      out.back().last_offset = offset;
    } else {
      out.push_back({offset, offset, e.delivery_count});
    }
  };
  for (auto& [offset, e] : window_) {
    if (taken >= max_records || offset >= limit) break;
    if (e.state == record_state::available && e.available_at_ms <= now_ms) take(offset, e);
  }
  while (taken < max_records && end_ < limit && end_ - start_ < settings_.max_in_flight) {
    const int64_t offset = end_++;
    take(offset, window_[offset]);
  }
  advance_start();  // over what was archived at the front
  return out;
}

protocol::error_code share_partition::acknowledge(const std::string& member, int64_t first,
                                                  int64_t last, const std::vector<int8_t>& types,
                                                  int64_t now_ms) {
  using protocol::error_code;
  if (last < first || types.empty()) return error_code::invalid_request;
  const int64_t count = last - first + 1;
  if (types.size() != 1 && static_cast<int64_t>(types.size()) != count) {
    return error_code::invalid_request;
  }
  for (int8_t t : types) {
    if (t < 0 || t > 4) return error_code::invalid_request;
  }
  expire_locks(now_ms);
  // Check everything first: a batch applies wholly or not at all.
  if (first < start_ || last >= end_) return error_code::invalid_record_state;
  for (int64_t o = first; o <= last; ++o) {
    const entry& e = window_.at(o);
    if (e.state != record_state::acquired || e.member != member || e.pending) {
      return error_code::invalid_record_state;
    }
  }
  for (int64_t o = first; o <= last; ++o) {
    entry& e = window_.at(o);
    const int8_t type = types.size() == 1 ? types[0] : types[static_cast<size_t>(o - first)];
    switch (type) {
      case 0:  // GAP: no record there; nothing to dead-letter
        make_pending(o, e, record_state::archived, 0);
        break;
      case 1:  // ACCEPT
        make_pending(o, e, record_state::acknowledged, 0);
        break;
      case 2:  // RELEASE
        give_back(o, e, now_ms + settings_.release_delay_ms, /*wait_for_write=*/true);
        break;
      case 3:  // REJECT
        make_pending(o, e, record_state::archived, 0, archive_reason::rejected);
        break;
      case 4:  // RENEW (KIP-1222): a fresh lock, same delivery
        e.lock_deadline_ms = now_ms + settings_.lock_duration_ms;
        break;
    }
  }
  return error_code::none;
}

bool share_partition::expire_locks(int64_t now_ms) {
  bool any = false;
  for (auto& [offset, e] : window_) {
    if (e.state == record_state::acquired && !e.pending && e.lock_deadline_ms <= now_ms) {
      give_back(offset, e, now_ms, /*wait_for_write=*/false);
      any = true;
    }
  }
  if (any) advance_start();
  return any;
}

void share_partition::release_member(const std::string& member, int64_t now_ms) {
  for (auto& [offset, e] : window_) {
    // A record with a pending change is settled by its write.
    if (e.state == record_state::acquired && e.member == member && !e.pending) {
      give_back(offset, e, now_ms, /*wait_for_write=*/false);
    }
  }
  advance_start();
}

void share_partition::advance_log_start(int64_t log_start_offset) {
  if (log_start_offset <= start_) return;
  const auto gone = window_.lower_bound(log_start_offset);
  for (auto it = window_.begin(); it != gone; ++it) {
    unwritten_ -= it->second.pending && it->second.write_id == 0;
  }
  window_.erase(window_.begin(), gone);
  start_ = log_start_offset;
  end_ = std::max(end_, start_);
}

int32_t share_partition::acquired_by(const std::string& member) const {
  int32_t n = 0;
  for (const auto& [offset, e] : window_) {
    if (e.state == record_state::acquired && e.member == member) ++n;
  }
  return n;
}

int32_t share_partition::acquired_count(int64_t now_ms) const {
  int32_t n = 0;
  for (const auto& [offset, e] : window_) {
    n += e.state == record_state::acquired && e.lock_deadline_ms > now_ms;
  }
  return n;
}

int64_t share_partition::lag(int64_t high_watermark) const {
  int64_t finished = 0;
  for (const auto& [offset, e] : window_) {
    if (offset >= high_watermark) break;
    finished += e.state == record_state::acknowledged || e.state == record_state::archived;
  }
  return std::max<int64_t>(0, high_watermark - start_ - finished);
}

void share_partition::claim_pending(uint64_t write_id) {
  if (unwritten_ == 0) return;
  for (auto& [offset, e] : window_) {
    if (e.pending && e.write_id == 0) e.write_id = write_id;
  }
  unwritten_ = 0;
}

void share_partition::complete_write(uint64_t write_id, bool durable) {
  for (auto& [offset, e] : window_) {
    if (!e.pending || e.write_id != write_id) continue;
    e.pending = false;
    e.write_id = 0;
    if (!durable) continue;  // still Acquired, under the lock it had
    e.state = e.target;
    e.member.clear();
    e.available_at_ms = e.target == record_state::available ? e.target_available_at_ms : 0;
  }
  advance_start();
}

std::vector<dead_letter> share_partition::take_dead_letters() {
  return std::exchange(dead_letters_, {});
}

partition_snapshot share_partition::snapshot() const {
  partition_snapshot s;
  s.start_offset = start_;
  s.end_offset = end_;
  for (const auto& [offset, e] : window_) {
    // What is durable once this snapshot is: pending changes as done.
    record_state state = e.pending ? e.target : e.state;
    if (state == record_state::acquired) state = record_state::available;
    const int64_t available_at = e.pending ? e.target_available_at_ms : e.available_at_ms;
    const int64_t at = state == record_state::available ? available_at : 0;
    if (!s.runs.empty()) {
      state_run& r = s.runs.back();
      if (r.last_offset + 1 == offset && r.state == state && r.delivery_count == e.delivery_count &&
          r.available_at_ms == at) {
        r.last_offset = offset;
        continue;
      }
    }
    s.runs.push_back({offset, offset, state, e.delivery_count, at});
  }
  return s;
}

void share_partition::give_back(int64_t offset, entry& e, int64_t available_at_ms,
                                bool wait_for_write) {
  if (e.delivery_count >= settings_.delivery_count_limit) {
    make_pending(offset, e, record_state::archived, 0, archive_reason::delivery_limit);
  } else if (wait_for_write) {
    make_pending(offset, e, record_state::available, available_at_ms);
  } else {
    e.state = record_state::available;
    e.available_at_ms = available_at_ms;
    e.member.clear();
  }
}

void share_partition::make_pending(int64_t offset, entry& e, record_state target,
                                   int64_t available_at_ms,
                                   std::optional<archive_reason> dead_letter) {
  e.pending = true;
  e.target = target;
  e.target_available_at_ms = available_at_ms;
  e.write_id = 0;
  ++unwritten_;
  if (dead_letter) dead_letters_.push_back({offset, e.delivery_count, *dead_letter});
}

void share_partition::advance_start() {
  while (start_ < end_) {
    auto it = window_.find(start_);
    if (it == window_.end() || !is_terminal(it->second.state)) break;
    window_.erase(it);
    ++start_;
  }
}

}  // namespace sluice::broker::share
