// ListTransactions (66), v0-1 (KIP-664, KIP-994): the transactional ids this
// coordinator knows, filtered by state names, producer ids and (v1) by how
// long the transaction has been running. A state filter naming no Kafka
// state is listed back in unknown_state_filters, as Kafka does.
#include <algorithm>

#include "broker/api_table.h"
#include "broker/txn/coordinator.h"
#include "protocol/message.h"
#include "protocol/messages/list_transactions.h"

namespace sluice::broker {

void handle_list_transactions(shard_services& shard, request req, respond_fn respond) {
  protocol::list_transactions_request body;
  if (protocol::decode_message(req.body, req.header.api_version, body))
    return respond(close_connection());
  protocol::list_transactions_response resp;
  const txn::coordinator* c = txn::coordinator_of(shard);
  if (c == nullptr) {
    resp.error_code = protocol::error_code::coordinator_not_available;
    return respond(make_response(req, resp));
  }
  std::vector<txn::txn_state> states;
  for (const auto& name : body.state_filters) {
    if (auto s = txn::state_from_name(name)) {
      states.push_back(*s);
    } else {
      resp.unknown_state_filters.push_back(name);
    }
  }
  const int64_t now = shard.clock().wall_clock_ms();
  for (const auto& [id, m] : c->transactions()) {
    if (!body.state_filters.empty() && std::ranges::find(states, m.state) == states.end()) continue;
    if (!body.producer_id_filters.empty() &&
        std::ranges::find(body.producer_id_filters, m.producer_id) ==
            body.producer_id_filters.end())
      continue;
    // KIP-994: only transactions running for longer than the filter.
    if (body.duration_filter >= 0 && (m.start_ms < 0 || now - m.start_ms <= body.duration_filter))
      continue;
    resp.transaction_states.push_back({id, m.producer_id, std::string(txn::state_name(m.state))});
  }
  respond(make_response(req, resp));
}

}  // namespace sluice::broker
