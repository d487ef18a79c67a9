#pragma once
// ListTransactions (key 66), versions 0-1, both flexible (KIP-664); v1 adds
// the request's duration_filter (KIP-994: only transactions running longer
// than that). No tagged fields.

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/error_code.h"
#include "protocol/reader.h"
#include "protocol/writer.h"

namespace sluice::protocol {

struct list_transactions_request {
  static constexpr api_key api = api_key::list_transactions;

  std::vector<std::string> state_filters;    // empty: every state
  std::vector<int64_t> producer_id_filters;  // empty: every producer
  int64_t duration_filter = -1;              // v1+; < 0: any duration

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const list_transactions_request&,
                         const list_transactions_request&) = default;
};

struct list_transactions_response {
  static constexpr api_key api = api_key::list_transactions;

  struct transaction_state {
    std::string transactional_id;
    int64_t producer_id = 0;
    std::string transaction_state;
    // `struct`: inside, the name is also Kafka's TransactionState field.
    friend bool operator==(const struct transaction_state&,
                           const struct transaction_state&) = default;
  };

  int32_t throttle_time_ms = 0;
  protocol::error_code error_code = protocol::error_code::none;
  std::vector<std::string> unknown_state_filters;
  std::vector<transaction_state> transaction_states;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const list_transactions_response&,
                         const list_transactions_response&) = default;
};

}  // namespace sluice::protocol
