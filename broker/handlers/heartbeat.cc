// Heartbeat (12), v0-4: keeps a member's session alive; the error code tells it
// to rejoin (REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID).
#include "protocol/messages/heartbeat.h"
#include "broker/api_table.h"
#include "broker/group/coordinator.h"
#include "protocol/message.h"

namespace sluice::broker {

void handle_heartbeat(shard_services& shard, request req, respond_fn respond) {
  protocol::heartbeat_request body;
  if (protocol::decode_message(req.body, req.header.api_version, body)) {
    return respond(close_connection());
  }
  protocol::heartbeat_response resp;
  group::coordinator* c = group::coordinator_of(shard);
  group::consumer_group* g = c ? c->find(body.group_id) : nullptr;
  if (c == nullptr)
    resp.error_code = protocol::error_code::coordinator_not_available;
  else if (g == nullptr)
    resp.error_code = protocol::error_code::unknown_member_id;
  else
    resp.error_code = g->heartbeat(body);
  respond(make_response(req, resp));
}

}  // namespace sluice::broker
