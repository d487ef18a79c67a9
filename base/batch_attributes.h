#pragma once
// The attributes field of a RecordBatch v2 header (int16 at byte 21; the
// layout is in log/record_batch.h and protocol/record_batch.h): the one
// copy of its bits, for the log's zero-copy view and header scans and for
// the wire codec, which may not include each other (D35).
//
//   bits 0-2  compression codec (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd)
//   bit 3     timestamp type: 1 = LogAppendTime (the broker's clock)
//   bit 4     transactional: the batch belongs to a transaction
//   bit 5     control: a commit or abort marker, never delivered as data
//
// Constants only; any thread.

#include <cstdint>

namespace sluice::base {

inline constexpr int16_t batch_compression_mask = 0x07;
inline constexpr int16_t batch_log_append_time_bit = 0x08;
inline constexpr int16_t batch_transactional_bit = 0x10;
inline constexpr int16_t batch_control_bit = 0x20;

}  // namespace sluice::base
