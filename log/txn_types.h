#pragma once
// Values the producer state of a partition hands to the broker: aborted
// transactions (Fetch read_committed) and the producers it knows
// (DescribeProducers). Kept apart from producer_state.h so that
// partition_log.h, which nearly everything includes, stays small.

#include <cstdint>

#include "log/types.h"

namespace sluice::log {

// One aborted transaction: its data lies in [first_offset, last_offset], the
// last being the ABORT marker; last_stable_offset is what the LSO was right
// after the marker (Kafka's AbortedTxn).
struct aborted_txn {
  int64_t producer_id = -1;
  offset first_offset;
  offset last_offset;
  offset last_stable_offset;
  bool operator==(const aborted_txn&) const = default;
};

struct producer_info {
  int64_t producer_id = -1;
  int16_t epoch = -1;
  int32_t last_sequence = -1;  // -1: no data batch in this epoch
  int64_t last_timestamp_ms = -1;
  int32_t coordinator_epoch = -1;
  offset current_txn_start_offset{-1};  // -1: none
};

}  // namespace sluice::log
