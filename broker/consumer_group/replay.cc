// A group's records (records.h): the diff between two states, and replay,
// the only way the persisted state changes.
#include "broker/consumer_group/modern_group.h"

namespace sluice::broker::consumer_group {
namespace {

using group::record_type;

cg_record make(record_type t, const std::string& group, const std::string& member = {}) {
  cg_record r;
  r.type = t;
  r.group = group;
  r.member_id = member;
  return r;
}

cg_record tombstone(record_type t, const std::string& group, const std::string& member = {}) {
  cg_record r = make(t, group, member);
  r.tombstone = true;
  return r;
}

}  // namespace

std::vector<cg_record> modern_group::diff(const modern_group& next) const {
  std::vector<cg_record> out;
  for (const auto& [id, m] : members_) {
    if (next.members_.count(id) != 0) continue;
    out.push_back(tombstone(record_type::consumer_group_current_assignment, id_, id));
    out.push_back(tombstone(record_type::consumer_group_target_member, id_, id));
    out.push_back(tombstone(record_type::consumer_group_member, id_, id));
  }
  if (next.group_epoch_ != group_epoch_ || next.subscription_ != subscription_) {
    cg_record r = make(record_type::consumer_group_metadata, id_);
    r.epoch = next.group_epoch_;
    r.subscription = next.subscription_;
    out.push_back(std::move(r));
  }
  for (const auto& [id, m] : next.members_) {
    const member* old = find_member(id);
    if (old != nullptr && old->meta == m.meta) continue;
    cg_record r = make(record_type::consumer_group_member, id_, id);
    r.metadata = m.meta;
    out.push_back(std::move(r));
  }
  for (const auto& [id, t] : next.target_) {
    auto it = target_.find(id);
    if (it != target_.end() && it->second == t) continue;
    cg_record r = make(record_type::consumer_group_target_member, id_, id);
    r.target = t;
    out.push_back(std::move(r));
  }
  for (const auto& [id, t] : target_) {
    if (next.target_.count(id) == 0 && next.members_.count(id) != 0) {
      out.push_back(tombstone(record_type::consumer_group_target_member, id_, id));
    }
  }
  if (next.assignment_epoch_ != assignment_epoch_) {
    cg_record r = make(record_type::consumer_group_target_metadata, id_);
    r.epoch = next.assignment_epoch_;
    out.push_back(std::move(r));
  }
  for (const auto& [id, m] : next.members_) {
    const member* old = find_member(id);
    if (old != nullptr && old->current == m.current) continue;
    cg_record r = make(record_type::consumer_group_current_assignment, id_, id);
    r.current = m.current;
    out.push_back(std::move(r));
  }
  return out;
}

void modern_group::replay(const cg_record& r) {
  switch (r.type) {
    case record_type::consumer_group_metadata:
      if (r.tombstone) {
        *this = modern_group(id_);
      } else {
        group_epoch_ = r.epoch;
        subscription_ = r.subscription;
      }
      return;
    case record_type::consumer_group_target_metadata:
      assignment_epoch_ = r.tombstone ? 0 : r.epoch;
      return;
    case record_type::consumer_group_target_member:
      if (r.tombstone) {
        target_.erase(r.member_id);
      } else {
        target_[r.member_id] = r.target;
      }
      return;
    case record_type::consumer_group_member:
      if (r.tombstone) {
        members_.erase(r.member_id);
      } else {
        members_[r.member_id].meta = r.metadata;
      }
      return;
    case record_type::consumer_group_current_assignment: {
      if (r.tombstone) {
        if (auto it = members_.find(r.member_id); it != members_.end()) {
          it->second.current = {};
          it->second.revocation_deadline_ms = -1;
        }
        return;
      }
      member& m = members_[r.member_id];
      m.current = r.current;
      // -2: arm at the next arm_timers(); every change of a revoking
      // member's assignment restarts its rebalance timeout, as in Kafka.
      m.revocation_deadline_ms = r.current.state == member_state::unrevoked_partitions ? -2 : -1;
      return;
    }
    default:
      return;
  }
}

void modern_group::arm_timers(int64_t now_ms, const std::string& member_id) {
  for (auto& [id, m] : members_) {
    if (m.last_heartbeat_ms < 0 || id == member_id) m.last_heartbeat_ms = now_ms;
    if (m.revocation_deadline_ms == -2) {
      m.revocation_deadline_ms = now_ms + std::max(m.meta.rebalance_timeout_ms, 0);
    }
  }
}

std::vector<cg_record> modern_group::snapshot() const {
  modern_group empty(id_);
  // Everything differs from an empty group except what is at its defaults:
  // force the two epoch records so that the snapshot says them outright.
  std::vector<cg_record> out = empty.diff(*this);
  bool has_metadata = false, has_target = false;
  for (const auto& r : out) {
    has_metadata |= r.type == record_type::consumer_group_metadata;
    has_target |= r.type == record_type::consumer_group_target_metadata;
  }
  if (!has_metadata) {
    cg_record r = make(record_type::consumer_group_metadata, id_);
    r.epoch = group_epoch_;
    r.subscription = subscription_;
    out.insert(out.begin(), std::move(r));
  }
  if (!has_target) {
    cg_record r = make(record_type::consumer_group_target_metadata, id_);
    r.epoch = assignment_epoch_;
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<cg_record> modern_group::tombstones() const {
  std::vector<cg_record> out;
  for (const auto& [id, m] : members_) {
    out.push_back(tombstone(record_type::consumer_group_current_assignment, id_, id));
    out.push_back(tombstone(record_type::consumer_group_target_member, id_, id));
    out.push_back(tombstone(record_type::consumer_group_member, id_, id));
  }
  out.push_back(tombstone(record_type::consumer_group_target_metadata, id_));
  out.push_back(tombstone(record_type::consumer_group_metadata, id_));
  return out;
}

}  // namespace sluice::broker::consumer_group
