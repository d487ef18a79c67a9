// FindCoordinator (10), v0-2: this broker coordinates every group (one node).
// v0 must stay advertised: librdkafka 2.0.2 queries coordinators only then (G2).
// Transaction coordinators do not exist yet: key_type 1 answers
// COORDINATOR_NOT_AVAILABLE.
#include "protocol/messages/find_coordinator.h"
#include "broker/api_table.h"
#include "broker/config.h"
#include "broker/group/coordinator.h"
#include "protocol/message.h"

namespace sluice::broker {

void handle_find_coordinator(shard_services& shard, request req, respond_fn respond) {
  protocol::find_coordinator_request body;
  if (protocol::decode_message(req.body, req.header.api_version, body)) {
    return respond(close_connection());
  }
  protocol::find_coordinator_response resp;
  if (body.key_type != protocol::coordinator_key_type_group ||
      group::coordinator_of(shard) == nullptr) {
    resp.error_code = protocol::error_code::coordinator_not_available;
    resp.node_id = -1;
    resp.port = -1;
  } else {
    const endpoint adv = shard.config().advertised_endpoint();
    resp.node_id = shard.config().node_id;
    resp.host = adv.host;
    resp.port = adv.port;
  }
  respond(make_response(req, resp));
}

}  // namespace sluice::broker
