#include "broker/share/share_group.h"

#include <utility>

namespace sluice::broker::share {

using protocol::error_code;

heartbeat_outcome share_group::heartbeat(const heartbeat_input& in, int64_t now_ms,
                                         const partitions_fn& partitions_of) {
  heartbeat_outcome out;
  if (in.member_id.empty()) {
    out.error = error_code::invalid_request;
    out.message = "MemberId can't be empty.";
    return out;
  }
  auto it = members_.find(in.member_id);
  if (in.member_epoch == -1) {
    if (it == members_.end()) {
      out.error = error_code::unknown_member_id;
      return out;
    }
    remove_member(in.member_id, now_ms);
    rebalance(partitions_of);
    out.member_epoch = -1;
    return out;
  }
  if (in.member_epoch == 0) {
    if (!in.subscribed_topic_names || in.subscribed_topic_names->empty()) {
      out.error = error_code::invalid_request;
      out.message = "SubscribedTopicNames must be set in first request.";
      return out;
    }
    if (it == members_.end()) {
      it = members_.emplace(in.member_id, share_member{}).first;
      it->second.member_id = in.member_id;
      ++epoch_;  // a new member changes the group even if the assignment does not
    }
  } else if (it == members_.end()) {
    out.error = error_code::unknown_member_id;
    out.message = "Unknown member; rejoin with epoch 0.";
    return out;
  } else if (in.member_epoch > it->second.member_epoch) {
    out.error = error_code::fenced_member_epoch;
    out.message = "Member epoch is ahead of the group's.";
    return out;
  }
  share_member& m = it->second;
  m.last_heartbeat_ms = now_ms;
  m.client_id = in.client_id;
  m.client_host = in.client_host;
  if (in.rack_id) m.rack_id = in.rack_id;
  if (in.subscribed_topic_names && *in.subscribed_topic_names != m.subscribed_topic_names) {
    m.subscribed_topic_names = *in.subscribed_topic_names;
    ++epoch_;
  }
  rebalance(partitions_of);
  out.member = &m;
  out.member_epoch = m.member_epoch;
  return out;
}

void share_group::rebalance(const partitions_fn& partitions_of) {
  subscriptions subs;
  for (const auto& [id, m] : members_) subs[id] = m.subscribed_topic_names;
  assignment_map next = assign(subs, partitions_of);
  bool changed = false;
  for (auto& [id, m] : members_) {
    if (m.assignment != next[id]) {
      m.assignment = std::move(next[id]);
      changed = true;
    }
  }
  if (changed) ++epoch_;
  for (auto& [id, m] : members_) m.member_epoch = epoch_;
}

void share_group::expire_members(int64_t now_ms, int64_t session_timeout_ms,
                                 const partitions_fn& partitions_of) {
  std::vector<std::string> gone;
  for (const auto& [id, m] : members_) {
    if (now_ms - m.last_heartbeat_ms > session_timeout_ms) gone.push_back(id);
  }
  if (gone.empty()) return;
  for (const auto& id : gone) remove_member(id, now_ms);
  ++epoch_;
  rebalance(partitions_of);
}

void share_group::remove_member(const std::string& member_id, int64_t now_ms) {
  members_.erase(member_id);
  sessions_.erase(member_id);
  for (auto& [tp, p] : partitions_) p.release_member(member_id, now_ms);
  changed();
}

uint64_t share_group::wait_for_change(std::function<void()> wake) {
  const uint64_t id = next_waiter_++;
  waiters_.emplace(id, std::move(wake));
  return id;
}

void share_group::cancel_wait(uint64_t id) { waiters_.erase(id); }

void share_group::changed() {
  // Taken out first: a waiter may wait again, or cancel others, while called.
  auto woken = std::exchange(waiters_, {});
  for (auto& [id, wake] : woken) wake();
}

share_partition* share_group::find_partition(const topic_partition& tp) {
  auto it = partitions_.find(tp);
  return it == partitions_.end() ? nullptr : &it->second;
}

share_partition& share_group::add_partition(const topic_partition& tp, share_partition p) {
  return partitions_.insert_or_assign(tp, std::move(p)).first->second;
}

int32_t share_group::acquired_by(const std::string& member) const {
  int32_t n = 0;
  for (const auto& [tp, p] : partitions_) n += p.acquired_by(member);
  return n;
}

}  // namespace sluice::broker::share
