#pragma once
// AddPartitionsToTxn (key 24), versions 0-5; v3 is the first flexible
// version. No tagged fields.
//
// The shape changes at v4 (KIP-890 part 1): v0-3 carry one transaction at the
// top level (the v3_and_below_* fields, sent by producers); v4+ carry a batch
// of `transactions`, each with `verify_only` (brokers asking the coordinator
// whether partitions are already in a transaction before appending a
// transactional Produce). Likewise the response: `results_by_topic_v3_and_below`
// at v0-3, a top-level `error_code` plus `results_by_transaction` at v4+.
// Both forms live in the struct; each version reads and writes only its own,
// so which one a decoded message carries follows from its version. v5 is v4
// on the wire (the client can handle TRANSACTION_ABORTABLE); v1 and v2 are v0
// (v2: PRODUCER_FENCED).

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/error_code.h"
#include "protocol/reader.h"
#include "protocol/writer.h"

namespace sluice::protocol {

struct add_partitions_to_txn_request {
  static constexpr api_key api = api_key::add_partitions_to_txn;

  struct add_partitions_to_txn_topic {
    std::string name;
    std::vector<int32_t> partitions;
    friend bool operator==(const add_partitions_to_txn_topic&,
                           const add_partitions_to_txn_topic&) = default;
  };
  struct add_partitions_to_txn_transaction {
    std::string transactional_id;
    int64_t producer_id = 0;
    int16_t producer_epoch = 0;
    bool verify_only = false;
    std::vector<add_partitions_to_txn_topic> topics;
    friend bool operator==(const add_partitions_to_txn_transaction&,
                           const add_partitions_to_txn_transaction&) = default;
  };

  std::vector<add_partitions_to_txn_transaction> transactions;   // v4+
  std::string v3_and_below_transactional_id;                     // v0-3
  int64_t v3_and_below_producer_id = 0;                          // v0-3
  int16_t v3_and_below_producer_epoch = 0;                       // v0-3
  std::vector<add_partitions_to_txn_topic> v3_and_below_topics;  // v0-3

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const add_partitions_to_txn_request&,
                         const add_partitions_to_txn_request&) = default;
};

struct add_partitions_to_txn_response {
  static constexpr api_key api = api_key::add_partitions_to_txn;

  struct add_partitions_to_txn_partition_result {
    int32_t partition_index = 0;
    protocol::error_code partition_error_code = protocol::error_code::none;
    friend bool operator==(const add_partitions_to_txn_partition_result&,
                           const add_partitions_to_txn_partition_result&) = default;
  };
  struct add_partitions_to_txn_topic_result {
    std::string name;
    std::vector<add_partitions_to_txn_partition_result> results_by_partition;
    friend bool operator==(const add_partitions_to_txn_topic_result&,
                           const add_partitions_to_txn_topic_result&) = default;
  };
  struct add_partitions_to_txn_result {
    std::string transactional_id;
    std::vector<add_partitions_to_txn_topic_result> topic_results;
    friend bool operator==(const add_partitions_to_txn_result&,
                           const add_partitions_to_txn_result&) = default;
  };

  int32_t throttle_time_ms = 0;
  protocol::error_code error_code = protocol::error_code::none;                   // v4+
  std::vector<add_partitions_to_txn_result> results_by_transaction;               // v4+
  std::vector<add_partitions_to_txn_topic_result> results_by_topic_v3_and_below;  // v0-3

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const add_partitions_to_txn_response&,
                         const add_partitions_to_txn_response&) = default;
};

}  // namespace sluice::protocol
