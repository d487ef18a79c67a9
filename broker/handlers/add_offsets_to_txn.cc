// AddOffsetsToTxn (25), v0-4: adds a consumer group to the producer's
// transaction, so that its TxnOffsetCommit offsets commit or abort with it
// (Kafka adds the group's __consumer_offsets partition; here the
// transaction remembers the group, docs/transactions.md). Answered once durable.
#include "protocol/messages/add_offsets_to_txn.h"
#include "broker/api_table.h"
#include "broker/txn/coordinator.h"
#include "protocol/message.h"

namespace sluice::broker {

void handle_add_offsets_to_txn(shard_services& shard, request req, respond_fn respond) {
  const int16_t version = req.header.api_version;
  protocol::add_offsets_to_txn_request body;
  if (protocol::decode_message(req.body, version, body)) return respond(close_connection());
  auto answer = [req = std::move(req), respond, version](protocol::error_code e) {
    protocol::add_offsets_to_txn_response resp;
    resp.error_code = txn::fenced_for(e, version >= 2);
    respond(make_response(req, resp));
  };
  txn::coordinator* c = txn::coordinator_of(shard);
  if (c == nullptr) return answer(protocol::error_code::coordinator_not_available);
  if (body.group_id.empty()) return answer(protocol::error_code::invalid_group_id);
  c->add_group(body.transactional_id, body.producer_id, body.producer_epoch, body.group_id,
               std::move(answer));
}

}  // namespace sluice::broker
