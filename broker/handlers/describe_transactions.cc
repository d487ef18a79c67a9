// DescribeTransactions (65), v0 (KIP-664): the coordinator's state of each
// named transactional id, as `kafka-transactions.sh describe` shows it: state
// name, timeout, start time, producer id and epoch, and the partitions of the
// ongoing transaction. An unknown id answers TRANSACTIONAL_ID_NOT_FOUND.
#include "protocol/messages/describe_transactions.h"
#include "broker/api_table.h"
#include "broker/txn/coordinator.h"
#include "protocol/message.h"

namespace sluice::broker {

void handle_describe_transactions(shard_services& shard, request req, respond_fn respond) {
  protocol::describe_transactions_request body;
  if (protocol::decode_message(req.body, req.header.api_version, body))
    return respond(close_connection());
  const txn::coordinator* c = txn::coordinator_of(shard);
  protocol::describe_transactions_response resp;
  for (const auto& id : body.transactional_ids) {
    auto& st = resp.transaction_states.emplace_back();
    st.transactional_id = id;
    if (c == nullptr) {
      st.error_code = protocol::error_code::coordinator_not_available;
      continue;
    }
    auto it = c->transactions().find(id);
    if (it == c->transactions().end()) {
      st.error_code = protocol::error_code::transactional_id_not_found;
      continue;
    }
    const txn::txn_metadata& m = it->second;
    st.transaction_state = std::string(txn::state_name(m.state));
    st.transaction_timeout_ms = m.timeout_ms;
    st.transaction_start_time_ms = m.start_ms;
    st.producer_id = m.producer_id;
    st.producer_epoch = m.producer_epoch;
    for (const auto& [topic, partition] : m.partitions) {
      if (st.topics.empty() || st.topics.back().topic != topic) st.topics.push_back({topic, {}});
      st.topics.back().partitions.push_back(partition);
    }
  }
  respond(make_response(req, resp));
}

}  // namespace sluice::broker
