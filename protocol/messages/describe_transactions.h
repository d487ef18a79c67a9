#pragma once
// DescribeTransactions (key 65), version 0, flexible (KIP-664: admin tools
// inspect the transaction coordinator's state for each transactional id).
// No tagged fields.

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/error_code.h"
#include "protocol/reader.h"
#include "protocol/writer.h"

namespace sluice::protocol {

struct describe_transactions_request {
  static constexpr api_key api = api_key::describe_transactions;

  std::vector<std::string> transactional_ids;  // empty: no results

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const describe_transactions_request&,
                         const describe_transactions_request&) = default;
};

struct describe_transactions_response {
  static constexpr api_key api = api_key::describe_transactions;

  struct topic_data {
    std::string topic;
    std::vector<int32_t> partitions;
    friend bool operator==(const topic_data&, const topic_data&) = default;
  };
  struct transaction_state {
    protocol::error_code error_code = protocol::error_code::none;
    std::string transactional_id;
    std::string transaction_state;  // Kafka's state name: "Ongoing", "PrepareCommit", ...
    int32_t transaction_timeout_ms = 0;
    int64_t transaction_start_time_ms = 0;
    int64_t producer_id = 0;
    int16_t producer_epoch = 0;
    std::vector<topic_data> topics;  // partitions still without markers
    // `struct`: inside, the name is also Kafka's TransactionState field.
    friend bool operator==(const struct transaction_state&,
                           const struct transaction_state&) = default;
  };

  int32_t throttle_time_ms = 0;
  std::vector<transaction_state> transaction_states;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const describe_transactions_response&,
                         const describe_transactions_response&) = default;
};

}  // namespace sluice::protocol
