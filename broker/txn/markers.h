#pragma once
// Transaction markers: the control batches that end a producer's transaction
// in one partition (Kafka's EndTransactionMarker). A marker is a RecordBatch
// v2 with the control and transactional attribute bits, the producer's id and
// epoch, and one record:
//   key   = int16 version (0) | int16 type (0: abort, 1: commit)
//   value = int16 version (0) | int32 coordinator epoch
// The partition's producer state (log/) ends the producer's transaction when
// it is appended; an abort also enters the aborted-transaction index.
//
// Written by the transaction coordinator (EndTxn, timeouts, recovery) and by
// WriteTxnMarkers, through the same partition_log::append as data.
// Thread: the shard's.

#include <cstdint>
#include <functional>
#include <string>
#include <system_error>

#include "broker/internal_batch.h"
#include "broker/request.h"

namespace sluice::broker::txn {

struct marker {
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  bool commit = false;
  int32_t coordinator_epoch = 0;
};

// The marker's batch, base offset 0 (the log assigns the real one).
bytes encode_marker(const marker& m, int64_t now_ms);

// Appends `m` to topic/partition with ack_level::flushed and calls `done`
// once it is durable. A partition that does not exist (its topic was
// deleted) has nothing to end: `done` gets log::errc::not_found and the
// caller decides. Errors of the log (an older epoch, storage offline) pass through.
void write_marker(shard_services& shard, const std::string& topic, int32_t partition,
                  const marker& m, std::function<void(std::error_code)> done);

}  // namespace sluice::broker::txn
