#pragma once
// The coordinator's durable state: records in the internal partition
// `__consumer_offsets-0`, on the same storage engine as every topic. The
// format is Sluice's own (docs/groups.md "Record format", byte by byte): each
// write is one uncompressed RecordBatch v2 whose records carry
//   key   = int16 type | string group [| string topic | int32 partition]
//   value = int16 version | int64 offset | int32 leader epoch
//           | nullable string metadata | int64 commit timestamp
//           [| int64 expire timestamp: version 1 only]            (type 1)
//   value = int16 version | string protocol type | int32 generation
//           | nullable string protocol | nullable string leader
//           | int64 state timestamp | int32 n | n members         (type 2)
//   member = string member id | nullable string instance id | string client id
//           | int32 rebalance timeout | int32 session timeout
//           | bytes subscription | bytes assignment (int32 length + bytes)
//   key   = int16 type | string group | string topic | int32 partition
//           | int64 producer id                                    (type 3)
//   value = int16 version (0) | int16 producer epoch | int8 flags (bit 0:
//           superseded by a later plain commit) | int64 offset
//           | int32 leader epoch | nullable string metadata
//           | int64 commit timestamp                               (type 3)
//   key   = int16 type | string group | int64 producer id          (type 4)
//   value = int16 version (0) | int8 result (0 abort, 1 commit)    (type 4)
// with a null value meaning "deleted" (a tombstone): of one offset (type 1,
// and of the staged transactional offsets of that partition), of the whole
// group and its offsets (type 2). Types 3 and 4 always carry a value.
//
// Free functions on values; no state, any thread.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "broker/internal_batch.h"
#include "broker/internal_topics.h"

namespace sluice::broker::group {

inline constexpr const char* offsets_topic = "__consumer_offsets";
static_assert(std::string_view(offsets_topic) == consumer_offsets_topic);

enum class record_type : int16_t {
  // key: group, topic, partition; value: committed_offset or null (deleted).
  offset_commit = 1,
  // key: group; value: group_metadata, or null: the group and its offsets are gone.
  group_metadata = 2,
  // The null-valued form of group_metadata, as DeleteGroups and retention write it.
  group_deleted = group_metadata,
  // key: group, topic, partition, producer id; value: an offset staged by
  // TxnOffsetCommit, invisible to OffsetFetch until the transaction commits.
  txn_offset_staged = 3,
  // key: group, producer id; value: the transaction's result for the group:
  // commit makes its staged offsets committed, abort drops them.
  txn_offsets_end = 4,
  // KIP-848 consumer groups (broker/consumer_group/records.h): Kafka's key
  // versions 5-8 for the same records; the group's epoch record is 9 here
  // (Kafka's 3 is taken above). key: group [| member id: 5, 7, 8]; value:
  // the bytes records.h encodes, or null (a tombstone).
  consumer_group_member = 5,
  consumer_group_target_metadata = 6,
  consumer_group_target_member = 7,
  consumer_group_current_assignment = 8,
  consumer_group_metadata = 9,
};

// Types 5-9: the records of KIP-848 consumer groups.
inline bool is_consumer_group_record(record_type t) {
  return static_cast<int16_t>(t) >= 5 && static_cast<int16_t>(t) <= 9;
}

struct committed_offset {
  int64_t offset = -1;
  int32_t leader_epoch = -1;
  std::optional<std::string> metadata;
  int64_t commit_timestamp_ms = -1;
  // OffsetCommit v2-4's retention_time_ms made absolute; -1: the broker's
  // offsets.retention.minutes rules (every later version).
  int64_t expire_timestamp_ms = -1;
  friend bool operator==(const committed_offset&, const committed_offset&) = default;
};

// What Kafka persists of a group (its type 2 record): written when a round
// of rebalancing ends (Stable with the leader's assignments) and when the
// group becomes Empty; replayed at start-up to restore the group (group.h).
struct group_metadata {
  struct member {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    std::string client_id;
    int32_t rebalance_timeout_ms = 0;
    int32_t session_timeout_ms = 0;
    std::vector<std::byte> subscription;  // the metadata of the selected protocol
    std::vector<std::byte> assignment;
    friend bool operator==(const member&, const member&) = default;
  };
  std::string protocol_type;
  int32_t generation = 0;
  std::optional<std::string> protocol;  // null while Empty
  std::optional<std::string> leader;
  int64_t state_timestamp_ms = -1;  // when the group entered its state (Empty: retention starts)
  std::vector<member> members;
  friend bool operator==(const group_metadata&, const group_metadata&) = default;
};

// One logical record, decoded.
struct offsets_record {
  record_type type = record_type::offset_commit;
  std::string group;
  std::string topic;                       // offset_commit only
  int32_t partition = -1;                  // offset_commit only
  std::optional<committed_offset> value;   // offset_commit; nullopt: tombstone
  std::optional<group_metadata> metadata;  // group_metadata; nullopt: tombstone
  int64_t producer_id = -1;                // txn_offset_staged, txn_offsets_end
  int16_t producer_epoch = -1;             // txn_offset_staged
  bool superseded = false;                 // txn_offset_staged (compaction snapshots)
  bool commit = false;                     // txn_offsets_end: true commit, false abort
  std::string member_id;  // consumer_group_member, _target_member, _current_assignment
  std::optional<std::vector<std::byte>> cg_value;  // types 5-9; nullopt: tombstone
  friend bool operator==(const offsets_record&, const offsets_record&) = default;
};

// A type 3 record: `value` staged by `producer_id` for one partition of `group`.
offsets_record staged_offset_record(const std::string& group,
                                    const std::pair<std::string, int32_t>& tp, int64_t producer_id,
                                    int16_t producer_epoch, committed_offset value,
                                    bool superseded = false);

// One record of the internal partition (broker/internal_log.h), and back.
// decode_record: nullopt for a record this version cannot read.
batch_record encode_record(const offsets_record& r, int64_t now_ms);
std::optional<offsets_record> decode_record(const batch_record& b);

// One RecordBatch v2 (magic 2, no compression, CRC32C set, base offset 0:
// the log assigns the real one) holding `records` in order.
std::vector<std::byte> encode_batch(const std::vector<offsets_record>& records, int64_t now_ms);

// Calls `fn` for each record of the back-to-back batches in `bytes`. Returns
// false if a batch or record cannot be read (wrong magic, compression, CRC,
// bounds, unknown record type): the caller stops there.
bool decode_batches(std::span<const std::byte> bytes,
                    const std::function<void(const offsets_record&)>& fn);

}  // namespace sluice::broker::group
