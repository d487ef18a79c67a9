#pragma once
// The record-level work of the log cleaner (log/cleaner.h): reading the
// records of a RecordBatch v2 and writing a batch from some of them. The rest
// of the storage engine never looks inside a batch; only compaction must, to
// find each record's key.
//
// Compressed batches: log/ does not link the codecs (compression/ is outside
// its boundary), so the owner hands them in as a batch_codec. Without one, a
// compressed batch is kept whole, and its keys do not enter the offset map.
//
// Offsets never change: a rewritten batch keeps each surviving record's
// absolute offset. Records that survive with offset gaps between them are
// written as one batch per run of consecutive offsets, so that every batch
// still has lastOffsetDelta == recordCount - 1 (what validate_batch and
// recovery check) and gaps only ever lie between batches.
//
// Thread: stateless functions; any thread.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "log/record_batch.h"
#include "log/types.h"

namespace sluice::log {

// Decompression and compression of a records block, by the batch's codec.
// nullopt: cannot (unknown codec, corrupt input).
struct batch_codec {
  std::function<std::optional<std::vector<std::byte>>(compression_type, std::span<const std::byte>)>
      decompress;
  std::function<std::optional<std::vector<std::byte>>(compression_type, std::span<const std::byte>)>
      compress;
};

// Attribute bit 6 (Kafka's KIP-534): baseTimestamp holds the time after which
// the cleaner may remove the batch's tombstones.
inline constexpr int16_t delete_horizon_flag = 0x40;

struct record_entry {
  offset off;                  // absolute: baseOffset + offsetDelta
  timestamp_ms timestamp = 0;  // absolute: baseTimestamp + timestampDelta
  int8_t attributes = 0;       // the record's own attributes byte
  bool has_key = false;
  bool has_value = false;           // false: a tombstone (null value)
  std::span<const std::byte> key;   // empty when !has_key
  std::span<const std::byte> tail;  // keyLength .. end of headers, verbatim
};

// The records of `batch` (a whole, CRC-checked batch). Compressed records are
// decompressed into `scratch`, which the entries then point into. False when
// the records do not parse or cannot be decompressed.
bool read_records(record_batch_view batch, const batch_codec& codec,
                  std::vector<std::byte>& scratch, std::vector<record_entry>& out);

// Appends to `out` one batch holding `records` (non-empty, consecutive
// offsets, in order), with `header`'s partition leader epoch, producer id and
// epoch, `attributes` (codec bits included), baseTimestamp `base_timestamp`
// and the base sequence shifted to the first record. The records are
// compressed with the attributes' codec. False if compression fails.
bool write_batch(record_batch_view header, std::span<const record_entry> records,
                 int16_t attributes, timestamp_ms base_timestamp, const batch_codec& codec,
                 std::vector<std::byte>& out);

}  // namespace sluice::log
