#pragma once
// Minimal RecordBatch v2 (magic 2) encoding and decoding for the records the
// broker writes and reads itself: committed offsets and group metadata in
// `__consumer_offsets` (broker/group/offsets_log), share-group state in
// `__share_group_state` and the records copied to a dead-letter topic
// (broker/share/).
//
// Batch layout (Kafka's, big-endian; CRC-32C covers attributes .. end):
//   int64 baseOffset | int32 batchLength | int32 partitionLeaderEpoch
//   | int8 magic=2 | uint32 crc | int16 attributes | int32 lastOffsetDelta
//   | int64 baseTimestamp | int64 maxTimestamp | int64 producerId
//   | int16 producerEpoch | int32 baseSequence | int32 recordCount | records
// Record: varint length | int8 attributes | varlong timestampDelta
//   | varint offsetDelta | varint keyLength | key | varint valueLength | value
//   | varint headerCount | (varint keyLength | key | varint valueLength | value)*
//
// Decoding reads uncompressed batches only (compressed ones are reported as
// such: the caller decides), checks the CRC and every length against the
// bytes present, and never trusts a count. Free functions; any thread.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace sluice::broker {

using bytes = std::vector<std::byte>;

struct batch_record {
  int64_t offset = 0;     // absolute on decode; ignored on encode
  int64_t timestamp = 0;  // absolute
  std::optional<bytes> key;
  std::optional<bytes> value;
  std::vector<std::pair<std::string, std::optional<bytes>>> headers;
};

// One uncompressed batch, base offset 0 (the log assigns the real one).
bytes encode_batch(const std::vector<batch_record>& records);

// The header fields a reader of fetched data needs.
struct batch_header {
  int64_t base_offset = 0;
  int64_t last_offset = 0;
  size_t size = 0;  // bytes of the whole batch
  int16_t attributes = 0;
  bool compressed() const { return (attributes & 0x07) != 0; }
  bool is_control() const { return (attributes & 0x20) != 0; }
};

// Headers of the back-to-back whole batches at the front of `data` (a
// truncated tail is ignored, as a Fetch may end in a partial batch).
std::vector<batch_header> scan_batches(std::span<const std::byte> data);

// Calls `fn` for each record of one uncompressed batch. False if the batch
// is malformed, compressed, or fails its CRC.
bool decode_batch(std::span<const std::byte> batch, const std::function<void(batch_record&&)>& fn);

}  // namespace sluice::broker
