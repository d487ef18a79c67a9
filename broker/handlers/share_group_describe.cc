// ShareGroupDescribe (77), v1: state, epochs and members of each share group.
// An unknown group is GROUP_ID_NOT_FOUND with state "Dead", as Kafka answers.
// Assignments name each topic by id and by name: the mapping a client of
// this broker needs for the ids in ShareGroupHeartbeat and ShareFetch. Each
// member also carries the records it holds (a Sluice tagged field).
#include "protocol/messages/share_group_describe.h"

#include "broker/share/coordinator.h"
#include "broker/share/handlers.h"
#include "broker/topic_table.h"
#include "protocol/message.h"

namespace sluice::broker {

void handle_share_group_describe(shard_services& shard, request req, respond_fn respond) {
  protocol::share_group_describe_request body;
  if (protocol::decode_message(req.body, req.header.api_version, body)) {
    return respond(close_connection());
  }
  protocol::share_group_describe_response resp;
  share::coordinator* c = share::coordinator_of(shard);
  const int64_t now = shard.clock().wall_clock_ms();
  for (const auto& id : body.group_ids) {
    auto& d = resp.groups.emplace_back();
    d.group_id = id;
    if (c == nullptr) {
      d.error_code = protocol::error_code::coordinator_not_available;
      continue;
    }
    if (id.empty()) {
      d.error_code = protocol::error_code::invalid_group_id;
      continue;
    }
    share::share_group* g = c->find(id);
    if (g == nullptr) {
      d.error_code = protocol::error_code::group_id_not_found;
      d.error_message = "Group " + id + " not found.";
      d.group_state = "Dead";
      continue;
    }
    c->expire_members(*g, now);
    d.group_state = g->state_name();
    d.group_epoch = g->group_epoch();
    d.assignment_epoch = g->group_epoch();
    d.assignor_name = "simple";
    for (const auto& [mid, m] : g->members()) {
      auto& dm = d.members.emplace_back();
      dm.member_id = mid;
      dm.rack_id = m.rack_id;
      dm.member_epoch = m.member_epoch;
      dm.client_id = m.client_id;
      dm.client_host = m.client_host;
      dm.subscribed_topic_names = m.subscribed_topic_names;
      dm.acquired_records = g->acquired_by(mid);
      for (const auto& [topic, partitions] : m.assignment) {
        dm.assignment.push_back({shard.topics().topic_id_or_zero(topic), topic, partitions});
      }
    }
  }
  respond(make_response(req, resp));
}

}  // namespace sluice::broker
