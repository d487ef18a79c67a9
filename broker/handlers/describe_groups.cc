// DescribeGroups (15), v0-5: state, protocol and members of each group. An
// unknown group is described as Dead with no members (as Kafka does), and so
// is a KIP-848 group (Kafka describes those with ConsumerGroupDescribe).
#include "protocol/messages/describe_groups.h"
#include "broker/api_table.h"
#include "broker/group/coordinator.h"
#include "protocol/message.h"

namespace sluice::broker {

void handle_describe_groups(shard_services& shard, request req, respond_fn respond) {
  protocol::describe_groups_request body;
  if (protocol::decode_message(req.body, req.header.api_version, body)) {
    return respond(close_connection());
  }
  protocol::describe_groups_response resp;
  group::coordinator* c = group::coordinator_of(shard);
  for (const auto& id : body.groups) {
    auto& d = resp.groups.emplace_back();
    d.group_id = id;
    group::consumer_group* g = c ? c->find(id) : nullptr;
    if (c == nullptr) d.error_code = protocol::error_code::coordinator_not_available;
    if (g == nullptr) {
      d.group_state = "Dead";
      continue;
    }
    d.group_state = group::state_name(g->state());
    d.protocol_type = g->protocol_type();
    d.protocol_data = g->protocol_name();
    for (const auto& [mid, m] : g->members()) {
      auto& dm = d.members.emplace_back();
      dm.member_id = mid;
      dm.client_id = m.client_id;
      dm.group_instance_id = m.group_instance_id;
      dm.client_host = m.client_host;
      for (const auto& p : m.protocols) {
        if (p.name == g->protocol_name()) dm.member_metadata = p.metadata;
      }
      dm.member_assignment = m.assignment;
    }
  }
  respond(make_response(req, resp));
}

}  // namespace sluice::broker
