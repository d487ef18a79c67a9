#pragma once
// ListOffsets by timestamp, exact as Kafka's (LogSegment.findOffsetByTimestamp,
// FileRecords.searchForTimestamp): the answer for a target timestamp T is the
// FIRST RECORD whose timestamp is >= T, not the first batch.
//
// How a lookup reads: the log's time index and batch scan
// (partition_log::offset_for_timestamp) find the first batch whose max
// timestamp is >= T; this file then reads that one batch (one pread of its
// bytes), decompresses its records if the batch is compressed (read path
// only: the log never decompresses, and does not link the codecs) and walks
// them to the first record at or after T that lies at or above the log
// start offset. Cost: the index lookup, the scan to the batch, one batch read
// and, for a compressed batch, one decompression bounded by
// max_lookup_batch_bytes.
//
// A record's timestamp is base_timestamp + its delta, or the batch's max
// timestamp when the batch uses LogAppendTime (as Kafka reads it).
//
// Thread: the partition's shard; borrows the log for the call only.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "log/partition_log.h"
#include "protocol/error_code.h"

namespace sluice::broker {

// A decompressed batch larger than this is answered CORRUPT_MESSAGE rather
// than held in memory (a 1 MiB batch would need a ratio above 64:1).
inline constexpr size_t max_lookup_batch_bytes = size_t{64} << 20;

struct timestamp_and_offset {
  int64_t timestamp = -1;
  int64_t offset = -1;
};

struct timestamp_lookup {
  protocol::error_code error = protocol::error_code::none;
  std::optional<timestamp_and_offset> found;  // nullopt: no such record (offset -1)
};

// The first readable record (log start <= offset < high watermark) whose
// timestamp is >= `target`.
timestamp_lookup find_offset_by_timestamp(const log::partition_log& p, int64_t target);

// ListOffsets MAX_TIMESTAMP (-3): the record with the largest timestamp (the
// first of them if several share it), as Kafka's offsetOfMaxTimestamp.
timestamp_lookup find_max_timestamp(const log::partition_log& p);

// The records of one batch (header included) as (timestamp, offset) pairs, in
// offset order; decompresses when the batch is compressed. An error for a
// batch whose records do not parse. Exposed for tests.
struct batch_records {
  protocol::error_code error = protocol::error_code::none;
  std::vector<timestamp_and_offset> records;
};
batch_records read_batch_records(std::span<const std::byte> batch);

}  // namespace sluice::broker
