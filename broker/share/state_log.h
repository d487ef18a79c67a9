#pragma once
// The share coordinator's durable state: records in the internal partition
// `__share_group_state-0`, one RecordBatch v2 per write (broker/internal_batch.h).
// Each record is a whole snapshot of one share partition, so replay keeps the
// last record per (group, topic, partition) and nothing else:
//
//   key   = int16 type (1: partition snapshot) | string group | string topic
//           | int32 partition
//   value = int16 version (0) | int64 start offset | int64 end offset
//           | int32 run count | run*
//   run   = int64 first offset | int64 last offset | int8 state
//           | int16 delivery count | int64 available-at (ms since the epoch)
//
// A record with the same key and a null value is a tombstone: the group no
// longer has state for that partition (DeleteShareGroupOffsets).
//
// Strings are int16 length + UTF-8; integers big-endian. The batch CRC covers
// everything; a batch that fails it stops the replay (docs/share-groups.md).
// Free functions on values; no state, any thread.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "broker/internal_batch.h"
#include "broker/internal_topics.h"
#include "broker/share/share_partition.h"

namespace sluice::broker::share {

inline constexpr const char* state_topic = "__share_group_state";
static_assert(std::string_view(state_topic) == share_group_state_topic);
inline bool is_state_topic(std::string_view topic) { return topic == state_topic; }

struct state_record {
  std::string group;
  std::string topic;
  int32_t partition = 0;
  partition_snapshot snapshot;
  bool tombstone = false;  // the partition's state is gone; snapshot unused
  friend bool operator==(const state_record&, const state_record&) = default;
};

batch_record encode_state_record(const state_record& r, int64_t now_ms);
// nullopt for a record this version cannot read.
std::optional<state_record> decode_state_record(const batch_record& r);

}  // namespace sluice::broker::share
