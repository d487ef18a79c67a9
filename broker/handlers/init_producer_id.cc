// InitProducerId (22), v0-5: a producer id and epoch for an idempotent
// producer (no transactional id: a fresh id each time), or for a
// transactional id (its id with the epoch bumped, fencing older instances).
// The transaction coordinator decides (broker/txn/coordinator.h); the answer
// comes once its record is durable.
#include "protocol/messages/init_producer_id.h"
#include "broker/api_table.h"
#include "broker/txn/coordinator.h"
#include "protocol/message.h"

namespace sluice::broker {

void handle_init_producer_id(shard_services& shard, request req, respond_fn respond) {
  const int16_t version = req.header.api_version;
  protocol::init_producer_id_request body;
  if (protocol::decode_message(req.body, version, body)) return respond(close_connection());
  auto answer = [req = std::move(req), respond, version](protocol::error_code e, int64_t id,
                                                         int16_t epoch) {
    protocol::init_producer_id_response resp;
    resp.error_code = txn::fenced_for(e, version >= 4);
    resp.producer_id = id;
    resp.producer_epoch = epoch;
    respond(make_response(req, resp));
  };
  txn::coordinator* c = txn::coordinator_of(shard);
  if (c == nullptr) return answer(protocol::error_code::coordinator_not_available, -1, -1);
  c->init_producer_id(body.transactional_id, body.transaction_timeout_ms, body.producer_id,
                      body.producer_epoch, std::move(answer));
}

}  // namespace sluice::broker
