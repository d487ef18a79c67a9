// Static membership (KIP-345) for consumer_group: the rules are the comment
// at the top of group.h.
#include <spdlog/spdlog.h>

#include "broker/group/group.h"

namespace sluice::broker::group {

using protocol::error_code;

bool consumer_group::fenced(const std::string& member_id,
                            const std::optional<std::string>& instance_id) const {
  if (!instance_id) return false;
  auto it = static_members_.find(*instance_id);
  return it != static_members_.end() && it->second != member_id;
}

void consumer_group::replace_static_member(const protocol::join_group_request& req, int16_t version,
                                           const std::string& client_id, join_callback done) {
  const std::string& instance = *req.group_instance_id;
  const std::string old_id = static_members_.at(instance);
  if (!supports(req, old_id)) {
    protocol::join_group_response r;
    r.error_code = error_code::inconsistent_group_protocol;
    return done(std::move(r));
  }
  const std::string new_id = new_member_id(client_id);
  auto node = members_.extract(old_id);
  // The old incarnation's parked requests will never be completed for it.
  if (node.mapped().awaiting_join) {
    protocol::join_group_response r;
    r.error_code = error_code::fenced_instance_id;
    r.member_id = old_id;
    std::exchange(node.mapped().awaiting_join, nullptr)(std::move(r));
  }
  if (node.mapped().awaiting_sync) {
    protocol::sync_group_response r;
    r.error_code = error_code::fenced_instance_id;
    std::exchange(node.mapped().awaiting_sync, nullptr)(std::move(r));
  }
  node.key() = new_id;
  member& m = members_.insert(std::move(node)).position->second;
  m.id = new_id;
  static_members_[instance] = new_id;
  const std::string old_leader = leader_;
  if (leader_ == old_id) leader_ = new_id;
  const bool same = m.protocols == req.protocols;
  m.client_id = client_id;
  m.session_timeout_ms = req.session_timeout_ms;
  m.rebalance_timeout_ms =
      req.rebalance_timeout_ms < 0 ? req.session_timeout_ms : req.rebalance_timeout_ms;
  m.protocols = req.protocols;
  touch(m);
  spdlog::info("event=group_static_member_replaced group={} instance={} old={} new={}", id_,
               instance, old_id, new_id);
  if (state_ == group_state::stable && same) {
    // Same generation, same assignment (SyncGroup hands it out). A returning
    // leader must not compute an assignment the Stable group would never
    // distribute: v9 says so with skip_assignment (KIP-814); before v9 the
    // old leader id is named, so the member does not think it leads.
    auto r = join_answer(m);
    if (version >= 9) {
      r.skip_assignment = m.id == leader_;
    } else {
      r.leader = old_leader;
      r.members.clear();
    }
    persist();  // the new member id, so a restart does not bring back the old one
    return done(std::move(r));
  }
  m.awaiting_join = std::move(done);
  if (state_ == group_state::preparing_rebalance) return try_complete_join();
  prepare_rebalance();
}

}  // namespace sluice::broker::group
