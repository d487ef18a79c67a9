// LeaveGroup (13), v0-5: v0-2 one member, v3+ a batch answered per member
// (v5 adds each one's reason, which is logged).
// A leave moves a Stable group to PreparingRebalance. A v3 member may be named
// by group_instance_id alone (a static member); a wrong pair is FENCED_INSTANCE_ID.
#include "protocol/messages/leave_group.h"

#include <spdlog/spdlog.h>

#include "broker/api_table.h"
#include "broker/group/coordinator.h"
#include "protocol/message.h"

namespace sluice::broker {

void handle_leave_group(shard_services& shard, request req, respond_fn respond) {
  const int16_t version = req.header.api_version;
  protocol::leave_group_request body;
  if (protocol::decode_message(req.body, version, body)) return respond(close_connection());
  protocol::leave_group_response resp;
  group::coordinator* c = group::coordinator_of(shard);
  group::consumer_group* g = c ? c->find(body.group_id) : nullptr;
  auto leave = [&](const std::string& member_id, const std::optional<std::string>& instance_id) {
    if (c == nullptr) return protocol::error_code::coordinator_not_available;
    if (g == nullptr) return protocol::error_code::unknown_member_id;
    return g->leave(member_id, instance_id);
  };
  if (version < 3) {
    resp.error_code = leave(body.member_id, std::nullopt);
  } else {
    for (const auto& m : body.members) {
      if (m.reason) {
        spdlog::info("event=group_leave_reason group={} member={} reason=\"{}\"", body.group_id,
                     m.member_id, *m.reason);
      }
      auto& r = resp.members.emplace_back();
      r.member_id = m.member_id;
      r.group_instance_id = m.group_instance_id;
      r.error_code = leave(m.member_id, m.group_instance_id);
    }
  }
  respond(make_response(req, resp));
}

}  // namespace sluice::broker
