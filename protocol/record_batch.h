#pragma once
// Kafka RecordBatch v2 (magic 2): the one encoder and decoder of batches and
// their records, used by the client (produce, fetch) and by the broker's own
// internal logs (__consumer_offsets, __transaction_state, share state, dead
// letters). The log never decodes records; it reads headers through its own
// view (log/record_batch.h). Compression is the caller's: this codec reads and
// writes the records section as it lies in the batch. Byte layout, all
// integers big-endian:
//
//   offset  size  field
//        0     8  base_offset
//        8     4  batch_length            bytes after this field
//       12     4  partition_leader_epoch
//       16     1  magic = 2
//       17     4  crc                     CRC-32C of bytes 21..end
//       21     2  attributes              bits 0-2 compression, 3 timestamp
//                                         type, 4 transactional, 5 control
//       23     4  last_offset_delta
//       27     8  base_timestamp (first_timestamp)
//       35     8  max_timestamp
//       43     8  producer_id
//       51     2  producer_epoch
//       53     4  base_sequence
//       57     4  records_count
//       61     -  records (compressed as a whole when attributes say so)
//
//   record: length varint | attributes int8 | timestamp_delta varlong |
//           offset_delta varint | key_length varint, key | value_length
//           varint, value | headers_count varint, then per header:
//           key_length varint, key | value_length varint, value
//           (-1 lengths are null)
//
// Decoding checks every length against the bytes present and never trusts a
// count. Pure functions; any thread.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/batch_layout.h"
#include "base/result.h"

namespace sluice::protocol {

// The codec's names for base/batch_layout.h's offsets.
inline constexpr size_t record_batch_header_bytes = base::batch_header_bytes;
inline constexpr size_t record_batch_length_end = base::batch_length_end;
inline constexpr size_t record_batch_crc_at = base::batch_crc_at;
inline constexpr size_t record_batch_crc_from =
    base::batch_attributes_at;  // the CRC covers attributes..end
inline constexpr int8_t record_batch_magic_v2 = base::batch_magic_v2;

using base::batch_compression_mask;
using base::batch_control_bit;
using base::batch_log_append_time_bit;
using base::batch_transactional_bit;

using record_bytes = std::vector<std::byte>;

struct record_header {
  std::string key;
  std::optional<record_bytes> value;
  friend bool operator==(const record_header&, const record_header&) = default;
};

// One record. On decode offset and timestamp are absolute (a LogAppendTime
// batch gives every record its max_timestamp); on encode offset is ignored
// (records take offset deltas 0, 1, ...) and timestamps become deltas from the
// first record's.
struct batch_record {
  int64_t offset = 0;
  int64_t timestamp = 0;  // ms since the epoch
  std::optional<record_bytes> key;
  std::optional<record_bytes> value;
  std::vector<record_header> headers;
};

// The fixed header, decoded. last_offset and size are in absolute terms
// (base_offset + last_offset_delta, 12 + batch_length).
struct batch_header {
  int64_t base_offset = 0;
  int64_t last_offset = 0;
  size_t size = 0;
  int32_t partition_leader_epoch = -1;
  int8_t magic = record_batch_magic_v2;
  uint32_t crc = 0;
  int16_t attributes = 0;
  int64_t base_timestamp = 0;
  int64_t max_timestamp = 0;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  int32_t base_sequence = -1;
  int32_t record_count = 0;

  int compression() const { return attributes & batch_compression_mask; }
  bool compressed() const { return compression() != 0; }
  bool log_append_time() const { return (attributes & batch_log_append_time_bit) != 0; }
  bool is_transactional() const { return (attributes & batch_transactional_bit) != 0; }
  bool is_control() const { return (attributes & batch_control_bit) != 0; }
};

// A sentence saying what is wrong with a batch, for CORRUPT_MESSAGE answers.
using batch_status = base::basic_result<void, std::string>;

// --- encoding ----------------------------------------------------------------

// The bytes one record takes in an uncompressed records section, its length
// prefix included (for batch sizing before encoding).
size_t record_encoded_size(const std::optional<record_bytes>& key,
                           const std::optional<record_bytes>& value,
                           const std::vector<record_header>& headers, int64_t timestamp_delta,
                           int32_t offset_delta);
size_t record_encoded_size(const batch_record& r, int64_t timestamp_delta, int32_t offset_delta);

// Appends the records section for `records` (offset delta i for records[i],
// timestamp deltas from records.front()).
void append_records(std::vector<std::byte>& out, std::span<const batch_record> records);

// A whole batch: `header`'s fields (size, crc and last_offset are derived
// here: last_offset_delta = record_count - 1) followed by `records`, a
// records section already compressed when the attributes say so.
std::vector<std::byte> seal_batch(const batch_header& header, std::span<const std::byte> records);

// One uncompressed batch of `records`, base offset 0 (the log assigns the real
// one), no producer id: what the broker writes to its internal logs.
std::vector<std::byte> encode_batch(std::span<const batch_record> records);

// --- decoding ----------------------------------------------------------------

// The header of the batch at the front of `data`; nullopt when `data` holds
// fewer than 61 bytes or batch_length is too small to hold the header. Checks
// neither magic nor CRC nor that the whole batch is present (size says).
std::optional<batch_header> read_batch_header(std::span<const std::byte> data);

// Whether the CRC-32C of `batch` (one whole batch) matches its crc field.
bool crc_matches(std::span<const std::byte> batch);

// Headers of the back-to-back whole batches at the front of `data` (a
// truncated tail is ignored, as a Fetch may end in a partial batch).
std::vector<batch_header> scan_batches(std::span<const std::byte> data);

// Calls fn for each of header.record_count records in an uncompressed records
// section (the bytes after the header, or what they inflate to).
batch_status decode_records(std::span<const std::byte> records, const batch_header& header,
                            const std::function<void(batch_record&&)>& fn);

// One whole uncompressed batch: its size, magic and CRC checked, then each
// record passed to fn.
batch_status decode_batch(std::span<const std::byte> batch,
                          const std::function<void(batch_record&&)>& fn);

}  // namespace sluice::protocol
