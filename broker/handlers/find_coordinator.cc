// FindCoordinator (10), v0-6: this broker coordinates every group and every
// transactional id (one node).
// v0 must stay advertised: librdkafka 2.0.2 queries coordinators only then (G2).
// v4+ asks for a batch of keys (KIP-699) and is answered per key, in request
// order. key_type 0 (group) and 1 (transaction) are served; share-state
// coordinators (key_type 2) are Kafka-internal, so type 2 answers
// COORDINATOR_NOT_AVAILABLE; an undefined type INVALID_REQUEST, as Kafka.
#include "protocol/messages/find_coordinator.h"
#include "broker/api_table.h"
#include "broker/config.h"
#include "broker/group/coordinator.h"
#include "broker/txn/coordinator.h"
#include "protocol/message.h"

namespace sluice::broker {

namespace {

bool serves(shard_services& shard, int8_t key_type) {
  if (key_type == protocol::coordinator_key_type_group)
    return group::coordinator_of(shard) != nullptr;
  if (key_type == protocol::coordinator_key_type_transaction)
    return txn::coordinator_of(shard) != nullptr;
  return false;
}

}  // namespace

void handle_find_coordinator(shard_services& shard, request req, respond_fn respond) {
  const int16_t version = req.header.api_version;
  protocol::find_coordinator_request body;
  if (protocol::decode_message(req.body, version, body)) return respond(close_connection());
  using coordinator = protocol::find_coordinator_response::coordinator;
  auto answer = [&](const std::string& key) {
    coordinator c;
    c.key = key;
    if (body.key_type < 0 || body.key_type > 2) {
      // Kafka knows group (0), transaction (1) and share (2) keys only.
      c.error_code = protocol::error_code::invalid_request;
      c.node_id = -1;
      c.port = -1;
    } else if (!serves(shard, body.key_type)) {
      c.error_code = protocol::error_code::coordinator_not_available;
      c.node_id = -1;
      c.port = -1;
    } else {
      const endpoint adv = shard.config().advertised_endpoint();
      c.node_id = shard.config().node_id;
      c.host = adv.host;
      c.port = adv.port;
    }
    return c;
  };
  protocol::find_coordinator_response resp;
  if (version >= 4) {
    for (const auto& key : body.coordinator_keys) resp.coordinators.push_back(answer(key));
  } else {
    coordinator c = answer(body.key);
    resp.error_code = c.error_code;
    resp.node_id = c.node_id;
    resp.host = std::move(c.host);
    resp.port = c.port;
  }
  respond(make_response(req, resp));
}

}  // namespace sluice::broker
