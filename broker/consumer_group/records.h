#pragma once
// The durable records of a KIP-848 consumer group, in __consumer_offsets-0
// beside the classic groups' (broker/group/offsets_log.h frames them: key =
// int16 type | string group [| string member id], value = the bytes below,
// null for a tombstone). Kafka's record set and key versions, Sluice's
// encoding (docs/groups.md "Consumer-protocol groups"): big-endian ints,
// int16-length strings (-1 null), int32 counts, and each value starting
// with an int16 version (0).
//
//   5 member metadata (key + member id):
//       nullable instance id | nullable rack id | string client id
//       | string client host | int32 n | n string subscribed topic names
//       | nullable subscribed topic regex | nullable server assignor
//       | int32 rebalance timeout ms
//   6 target assignment metadata:  int32 assignment epoch
//   7 target assignment member (key + member id):  assignment
//   8 current member assignment (key + member id):
//       int32 member epoch | int32 previous member epoch | int8 state
//       | assignment assigned | assignment pending revocation
//   9 group metadata (Kafka's key version 3, taken here by transactional
//     offsets; Kafka's partition metadata record 4 folded in):
//       int32 group epoch | int32 n | n (string topic | int32 partitions)
//   assignment = int32 n | n (string topic | int32 m | m int32 partition)
// Topics are named, not identified: a topic deleted and created again under
// its name is the same topic to the group.
//
// A member is removed by tombstones of 8, 7 and 5 in that order; the group
// by those of every member, then 6 and 9.
//
// Free functions on values; no state, any thread.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "broker/consumer_group/assignor.h"
#include "broker/group/offsets_log.h"

namespace sluice::broker::consumer_group {

// Kafka's MemberState byte values.
enum class member_state : int8_t {
  unrevoked_partitions = 0,
  unreleased_partitions = 1,
  stable = 2,
};

struct member_metadata {
  std::optional<std::string> instance_id;
  std::optional<std::string> rack_id;
  std::string client_id;
  std::string client_host;
  std::vector<std::string> subscribed_topic_names;  // sorted
  std::optional<std::string> subscribed_topic_regex;
  std::optional<std::string> server_assignor;
  int32_t rebalance_timeout_ms = -1;
  friend bool operator==(const member_metadata&, const member_metadata&) = default;
};

struct current_assignment {
  int32_t member_epoch = 0;
  int32_t previous_member_epoch = 0;
  member_state state = member_state::stable;
  topic_assignment assigned;
  topic_assignment pending_revocation;
  friend bool operator==(const current_assignment&, const current_assignment&) = default;
};

struct cg_record {
  group::record_type type = group::record_type::consumer_group_metadata;
  std::string group;
  std::string member_id;  // types 5, 7, 8
  bool tombstone = false;
  int32_t epoch = 0;                    // 9: group epoch; 6: assignment epoch
  topic_partition_counts subscription;  // 9
  member_metadata metadata;             // 5
  topic_assignment target;              // 7
  current_assignment current;           // 8
  friend bool operator==(const cg_record&, const cg_record&) = default;
};

group::offsets_record to_offsets_record(const cg_record& r);
// nullopt for a record whose value cannot be read (the replay stops there).
std::optional<cg_record> from_offsets_record(const group::offsets_record& r);

}  // namespace sluice::broker::consumer_group
