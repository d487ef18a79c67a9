#pragma once
// The coordinator's durable state: records in the internal partition
// `__consumer_offsets-0`, on the same storage engine as every topic. The
// format is Sluice's own (docs/groups.md "Record format", byte by byte): each
// write is one uncompressed RecordBatch v2 whose records carry
//   key   = int16 type | string group [| string topic | int32 partition]
//   value = int16 version | int64 offset | int32 leader epoch
//           | nullable string metadata | int64 commit timestamp    (type 1)
// with a null value meaning "deleted" (a tombstone).
//
// Free functions on values; no state, any thread.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::broker::group {

inline constexpr const char* offsets_topic = "__consumer_offsets";
// Kafka's internal topics: listed by Metadata with is_internal, never
// auto-created for a client, refused to client Produce and DeleteTopics.
inline bool is_internal_topic(std::string_view topic) { return topic == offsets_topic; }

enum class record_type : int16_t {
  offset_commit = 1,  // key: group, topic, partition; value: committed_offset or null (deleted)
  group_deleted = 2,  // key: group; value null: every offset of the group is gone
};

struct committed_offset {
  int64_t offset = -1;
  int32_t leader_epoch = -1;
  std::optional<std::string> metadata;
  int64_t commit_timestamp_ms = -1;
  friend bool operator==(const committed_offset&, const committed_offset&) = default;
};

// One logical record, decoded.
struct offsets_record {
  record_type type = record_type::offset_commit;
  std::string group;
  std::string topic;                      // offset_commit only
  int32_t partition = -1;                 // offset_commit only
  std::optional<committed_offset> value;  // nullopt: tombstone
  friend bool operator==(const offsets_record&, const offsets_record&) = default;
};

// One RecordBatch v2 (magic 2, no compression, CRC32C set, base offset 0:
// the log assigns the real one) holding `records` in order.
std::vector<std::byte> encode_batch(const std::vector<offsets_record>& records, int64_t now_ms);

// Calls `fn` for each record of the back-to-back batches in `bytes`. Returns
// false if a batch or record cannot be read (wrong magic, compression, CRC,
// bounds, unknown record type): the caller stops there.
bool decode_batches(std::span<const std::byte> bytes,
                    const std::function<void(const offsets_record&)>& fn);

}  // namespace sluice::broker::group
