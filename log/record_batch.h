#pragma once
// A view over Kafka RecordBatch v2 (magic 2) bytes, exactly as they travel on the
// wire and lie on disk. The storage engine never re-encodes or decompresses a
// batch: it validates the header and CRC, then patches baseOffset in place.
//
// Layout (all integers big-endian):
//
//   offset  size  field
//        0     8  baseOffset            written by the broker at append
//        8     4  batchLength           bytes after this field (total = 12 + batchLength)
//       12     4  partitionLeaderEpoch  not covered by the CRC
//       16     1  magic                 must be 2
//       17     4  crc                   CRC32C of bytes [21, end)
//       21     2  attributes            bits 0-2 compression, 3 timestamp type,
//                                       4 transactional, 5 control, 6 delete horizon
//       23     4  lastOffsetDelta
//       27     8  baseTimestamp
//       35     8  maxTimestamp
//       43     8  producerId
//       51     2  producerEpoch
//       53     4  baseSequence
//       57     4  recordCount
//       61     -  records (varint-framed; compressed as one block when bits 0-2 != 0)

#include <cstddef>
#include <cstdint>
#include <span>
#include <system_error>
#include <vector>

#include "base/batch_layout.h"
#include "log/types.h"

namespace sluice::log {

// The log's names for base/batch_layout.h's offsets.
inline constexpr size_t batch_header_size = base::batch_header_bytes;
inline constexpr size_t batch_length_field_end = base::batch_length_end;
inline constexpr size_t batch_crc_start =
    base::batch_attributes_at;  // the CRC covers attributes..end
using base::batch_magic_v2;

enum class compression_type : uint8_t { none = 0, gzip = 1, snappy = 2, lz4 = 3, zstd = 4 };

// Reads header fields of one batch. The bytes must outlive the view. Field
// accessors require size() >= batch_header_size; validate() checks everything else.
class record_batch_view {
 public:
  explicit record_batch_view(std::span<const std::byte> bytes) : bytes_(bytes) {}

  offset base_offset() const;
  int32_t batch_length() const;
  int32_t partition_leader_epoch() const;
  int8_t magic() const;
  uint32_t crc() const;
  int16_t attributes() const;
  int32_t last_offset_delta() const;
  timestamp_ms base_timestamp() const;
  timestamp_ms max_timestamp() const;
  int64_t producer_id() const;
  int16_t producer_epoch() const;
  int32_t base_sequence() const;
  int32_t record_count() const;

  compression_type compression() const;
  bool log_append_time() const { return (attributes() & base::batch_log_append_time_bit) != 0; }
  bool is_transactional() const { return (attributes() & base::batch_transactional_bit) != 0; }
  bool is_control() const { return (attributes() & base::batch_control_bit) != 0; }

  offset last_offset() const { return base_offset() + last_offset_delta(); }
  offset next_offset() const { return last_offset() + 1; }
  // Whole batch size in bytes: 12 + batchLength.
  size_t size_in_bytes() const {
    return batch_length_field_end + static_cast<uint32_t>(batch_length());
  }
  std::span<const std::byte> bytes() const { return bytes_.first(size_in_bytes()); }

  // CRC32C over attributes..end, as stored data must carry it.
  uint32_t compute_crc() const;

 private:
  std::span<const std::byte> bytes_;
};

// Checks one batch that must fill `bytes` exactly: header bounds, batchLength equal
// to the bytes, magic 2, CRC32C, recordCount >= 1 and lastOffsetDelta ==
// recordCount - 1, and (for uncompressed batches) that the varint-framed records
// add up to the bytes after the header. Returns errc::corrupt_batch on any failure.
std::error_code validate_batch(std::span<const std::byte> bytes);

// Splits a buffer of back-to-back batches (a Produce request's records field, or
// a region of a .log file). Stops at the first incomplete or malformed header.
class batch_iterator {
 public:
  explicit batch_iterator(std::span<const std::byte> bytes) : rest_(bytes) {}
  // The next whole batch by its length prefix (not CRC-checked), or false at the
  // end or when the remaining bytes do not hold a whole batch.
  bool next(record_batch_view& out);
  size_t consumed() const { return consumed_; }
  std::span<const std::byte> remaining() const { return rest_; }

 private:
  std::span<const std::byte> rest_;
  size_t consumed_ = 0;
};

// In-place edits at append. set_base_offset does not touch the CRC (baseOffset is
// outside it); set_log_append_time rewrites timestamp type and maxTimestamp, so it
// recomputes the CRC.
void set_base_offset(std::span<std::byte> batch, offset base);
void set_partition_leader_epoch(std::span<std::byte> batch, int32_t epoch);
void set_log_append_time(std::span<std::byte> batch, timestamp_ms now);
// Sets attributes, producerId, producerEpoch and baseSequence (what an
// idempotent or transactional producer's batch, or a transaction marker,
// carries) and recomputes the CRC.
void set_producer_fields(std::span<std::byte> batch, int16_t attributes, int64_t producer_id,
                         int16_t producer_epoch, int32_t base_sequence);

}  // namespace sluice::log
