// ListGroups (16), v0-2: every live group this coordinator knows, share
// groups included with protocol type "share" (as Kafka lists them).
#include "protocol/messages/list_groups.h"
#include "broker/api_table.h"
#include "broker/group/coordinator.h"
#include "broker/share/coordinator.h"
#include "protocol/message.h"

namespace sluice::broker {

void handle_list_groups(shard_services& shard, request req, respond_fn respond) {
  protocol::list_groups_request body;
  if (protocol::decode_message(req.body, req.header.api_version, body)) {
    return respond(close_connection());
  }
  protocol::list_groups_response resp;
  if (group::coordinator* c = group::coordinator_of(shard)) {
    for (const auto& [id, g] : c->groups()) {
      if (g->state() == group::group_state::dead) continue;
      resp.groups.push_back({id, g->protocol_type()});
    }
  } else {
    resp.error_code = protocol::error_code::coordinator_not_available;
  }
  if (share::coordinator* s = share::coordinator_of(shard)) {
    for (const auto& [id, g] : s->groups()) resp.groups.push_back({id, "share"});
  }
  respond(make_response(req, resp));
}

}  // namespace sluice::broker
