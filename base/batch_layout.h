#pragma once
// The RecordBatch v2 header (Kafka's DefaultRecordBatch): where each field
// sits and what the attribute bits mean. The one copy of both, for the log's
// zero-copy view and header scans and for the wire codec, which may not
// include each other (D35).
//
//   0  baseOffset int64          27 baseTimestamp int64
//   8  batchLength int32         35 maxTimestamp int64
//  12  partitionLeaderEpoch      43 producerId int64
//  16  magic int8 (2)            51 producerEpoch int16
//  17  crc uint32 (CRC32C of     53 baseSequence int32
//      attributes..end)          57 recordsCount int32
//  21  attributes int16          61 the records
//  23  lastOffsetDelta int32
//
// Attributes:
//   bits 0-2  compression codec (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd)
//   bit 3     timestamp type: 1 = LogAppendTime (the broker's clock)
//   bit 4     transactional: the batch belongs to a transaction
//   bit 5     control: a commit or abort marker, never delivered as data
//
// Constants only; any thread.

#include <cstddef>
#include <cstdint>

namespace sluice::base {

inline constexpr size_t batch_length_at = 8;
inline constexpr size_t batch_length_end =
    12;  // baseOffset + batchLength: what batchLength excludes
inline constexpr size_t batch_leader_epoch_at = 12;
inline constexpr size_t batch_magic_at = 16;
inline constexpr size_t batch_crc_at = 17;
inline constexpr size_t batch_attributes_at = 21;  // also where the CRC's coverage starts
inline constexpr size_t batch_last_offset_delta_at = 23;
inline constexpr size_t batch_base_timestamp_at = 27;
inline constexpr size_t batch_max_timestamp_at = 35;
inline constexpr size_t batch_producer_id_at = 43;
inline constexpr size_t batch_producer_epoch_at = 51;
inline constexpr size_t batch_base_sequence_at = 53;
inline constexpr size_t batch_records_count_at = 57;
inline constexpr size_t batch_header_bytes = 61;
inline constexpr int8_t batch_magic_v2 = 2;

inline constexpr int16_t batch_compression_mask = 0x07;
inline constexpr int16_t batch_log_append_time_bit = 0x08;
inline constexpr int16_t batch_transactional_bit = 0x10;
inline constexpr int16_t batch_control_bit = 0x20;

}  // namespace sluice::base
