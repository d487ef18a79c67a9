// consumer_group's side of persistence: the type 2 record it hands to the
// coordinator, and the group rebuilt from one at start-up (group.h).
#include "broker/group/group.h"

namespace sluice::broker::group {

void consumer_group::persist(persist_done done) const {
  if (persist_) return persist_(metadata(), std::move(done));
  if (done) done({});
}

group_metadata consumer_group::metadata() const {
  group_metadata g;
  g.protocol_type = protocol_type_;
  g.generation = generation_;
  if (!protocol_.empty()) g.protocol = protocol_;
  if (!leader_.empty()) g.leader = leader_;
  g.state_timestamp_ms = state_since_ms_;
  for (const auto& [id, m] : members_) {
    auto& gm = g.members.emplace_back();
    gm.member_id = id;
    gm.group_instance_id = m.group_instance_id;
    gm.client_id = m.client_id;
    gm.rebalance_timeout_ms = m.rebalance_timeout_ms;
    gm.session_timeout_ms = m.session_timeout_ms;
    for (const auto& p : m.protocols) {
      if (p.name == protocol_) gm.subscription = p.metadata;
    }
    gm.assignment = m.assignment;
  }
  return g;
}

void consumer_group::restore(const group_metadata& g) {
  // Not a transition: a new group takes the state its record describes.
  protocol_type_ = g.protocol_type;
  generation_ = g.generation;
  protocol_ = g.protocol.value_or("");
  leader_ = g.leader.value_or("");
  state_since_ms_ = g.state_timestamp_ms;
  for (const auto& gm : g.members) {
    member& m = members_[gm.member_id];
    m.id = gm.member_id;
    m.group_instance_id = gm.group_instance_id;
    if (m.group_instance_id) static_members_[*m.group_instance_id] = m.id;
    m.client_id = gm.client_id;
    m.rebalance_timeout_ms = gm.rebalance_timeout_ms;
    m.session_timeout_ms = gm.session_timeout_ms;
    m.protocols = {{protocol_, gm.subscription}};
    m.assignment = gm.assignment;
    touch(m);
  }
  state_ = members_.empty() ? group_state::empty : group_state::stable;
  if (state_ == group_state::stable && !members_.count(leader_)) leader_ = members_.begin()->first;
}

}  // namespace sluice::broker::group
