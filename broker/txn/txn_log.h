#pragma once
// The transaction coordinator's durable state: records in the internal
// partition `__transaction_state-0` (written through broker/internal_log.h,
// one uncompressed RecordBatch v2 per write). Sluice's own format, documented
// byte by byte in docs/transactions.md; integers big-endian, strings int16
// length + UTF-8 (protocol::writer in classic mode):
//
//   key   = int16 type | string transactional id ("" for type 1)
//   type 0, a transactional id's metadata; a null value is a tombstone (the
//   id expired):
//   value = int16 version (0 or 1) | int64 producer id | int64 previous producer id
//           | int16 producer epoch | int16 previous epoch | int32 timeout ms
//           | int8 state | int64 start timestamp | int64 last update timestamp
//           | int32 n | (string topic | int32 m | int32 partition * m) * n
//           | int32 g | string group * g
//           version 1 only (transactions V2, KIP-890 part 2):
//           | int64 next producer id | int8 client transaction version
//   Version 0 is still written while both v1 fields hold their defaults (-1,
//   0), so a TV1-only history stays readable by an older Sluice.
//   type 1, a reservation of producer ids:
//   value = int16 version (0) | int64 end (every id below it may be in use)
//
// Replay keeps the last metadata record per id and the largest end.
// Free functions on values; no state, any thread.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "base/topic_partition.h"
#include "broker/internal_batch.h"

namespace sluice::broker::txn {

// Kafka's TransactionState, with its names (ListTransactions filters and
// DescribeTransactions answer them).
enum class txn_state : int8_t {
  empty = 0,
  ongoing = 1,
  prepare_commit = 2,
  prepare_abort = 3,
  complete_commit = 4,
  complete_abort = 5,
  dead = 6,
  prepare_epoch_fence = 7,
};
std::string_view state_name(txn_state s);
std::optional<txn_state> state_from_name(std::string_view name);

using topic_partition = base::topic_partition;

struct txn_metadata {
  std::string transactional_id;
  int64_t producer_id = -1;
  int64_t previous_producer_id = -1;
  int16_t producer_epoch = -1;
  int16_t previous_epoch = -1;
  int32_t timeout_ms = 60000;
  txn_state state = txn_state::empty;
  int64_t start_ms = -1;  // when the ongoing transaction began; -1 when none
  int64_t last_update_ms = -1;
  std::set<topic_partition> partitions;
  std::set<std::string> groups;  // AddOffsetsToTxn: groups whose offsets it commits
  // Transactions V2: the id the producer moves to when this transaction
  // completes, allocated when its epoch would overflow (-1: none), and the
  // transaction version of the client that started or ended it (Kafka's
  // clientTransactionVersion: 2 bumps the epoch at every EndTxn).
  int64_t next_producer_id = -1;
  int8_t client_transaction_version = 0;
  friend bool operator==(const txn_metadata&, const txn_metadata&) = default;
};

// One decoded record: metadata (or its tombstone) or a producer id reservation.
struct txn_record {
  enum class kind : int16_t { metadata = 0, producer_ids = 1 } type = kind::metadata;
  std::string transactional_id;
  std::optional<txn_metadata> metadata;  // nullopt: tombstone
  int64_t producer_id_end = 0;           // producer_ids
  friend bool operator==(const txn_record&, const txn_record&) = default;
};

batch_record encode_txn_record(const txn_record& r, int64_t now_ms);
// nullopt for a record this version cannot read.
std::optional<txn_record> decode_txn_record(const batch_record& r);

}  // namespace sluice::broker::txn
