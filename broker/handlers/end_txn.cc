// EndTxn (26), v0-4: commits or aborts the producer's ongoing transaction.
// Answered once the decision is durable and every marker has been written
// (broker/txn/completion.cc). v5 (transactions V2, unstable in Kafka's tree)
// is not advertised.
#include "protocol/messages/end_txn.h"
#include "broker/api_table.h"
#include "broker/txn/coordinator.h"
#include "protocol/message.h"

namespace sluice::broker {

void handle_end_txn(shard_services& shard, request req, respond_fn respond) {
  const int16_t version = req.header.api_version;
  protocol::end_txn_request body;
  if (protocol::decode_message(req.body, version, body)) return respond(close_connection());
  auto answer = [req = std::move(req), respond, version](protocol::error_code e) {
    protocol::end_txn_response resp;
    resp.error_code = txn::fenced_for(e, version >= 2);
    respond(make_response(req, resp));
  };
  txn::coordinator* c = txn::coordinator_of(shard);
  if (c == nullptr) return answer(protocol::error_code::coordinator_not_available);
  c->end_txn(body.transactional_id, body.producer_id, body.producer_epoch, body.committed,
             std::move(answer));
}

}  // namespace sluice::broker
