// EndTxn (26), v0-5: commits or aborts the producer's ongoing transaction.
// Answered once the decision is durable and every marker has been written
// (broker/txn/completion.cc). v5 is transactions V2 (KIP-890 part 2, Kafka
// 4.0's default): the end bumps the epoch and the answer carries the producer
// id and epoch to go on with; the request version, as in Kafka, is what makes
// a transaction TV2 (docs/transactions.md).
#include "protocol/messages/end_txn.h"
#include "broker/api_table.h"
#include "broker/txn/coordinator.h"
#include "protocol/message.h"

namespace sluice::broker {

void handle_end_txn(shard_services& shard, request req, respond_fn respond) {
  const int16_t version = req.header.api_version;
  protocol::end_txn_request body;
  if (protocol::decode_message(req.body, version, body)) return respond(close_connection());
  auto answer = [req = std::move(req), respond, version](protocol::error_code e,
                                                         int64_t producer_id, int16_t epoch) {
    protocol::end_txn_response resp;
    resp.error_code = txn::fenced_for(e, version >= 2);
    resp.producer_id = producer_id;
    resp.producer_epoch = epoch;
    respond(make_response(req, resp));
  };
  txn::coordinator* c = txn::coordinator_of(shard);
  if (c == nullptr) return answer(protocol::error_code::coordinator_not_available, -1, -1);
  c->end_txn(body.transactional_id, body.producer_id, body.producer_epoch, body.committed,
             version >= 5, std::move(answer));
}

}  // namespace sluice::broker
