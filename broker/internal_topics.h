#pragma once
// Topics the broker writes for itself: committed offsets and group metadata
// (broker/group/), share-group delivery state (broker/share/) and
// transaction state (broker/txn/). Each is written by one coordinator
// through broker/internal_log.h, which creates it on its first append with
// the fixed shape below; no client request creates or reshapes one.
//
// Kafka's rules, as a Kafka cluster answers a client that is not the broker
// itself (docs/broker.md "Internal topics", docs/decisions.md D19):
//   - Metadata lists them with is_internal and never auto-creates them;
//   - Produce and DeleteRecords: INVALID_TOPIC_EXCEPTION (Kafka's
//     ReplicaManager refuses both for every client);
//   - CreateTopics, DeleteTopics, CreatePartitions, AlterConfigs and
//     IncrementalAlterConfigs of an internal name: TOPIC_AUTHORIZATION_FAILED
//     (in Kafka only a super user may, and Sluice's only super user is the
//     broker), before any other check, validate_only included;
//   - Fetch, ListOffsets, DescribeConfigs may still read them.
// A foreign record would break replay, and a deletion, a new partition the
// coordinator never reads, or a retention override would lose commits and
// acknowledgements at the next restart.
#include <string>
#include <string_view>

#include "broker/topic_configs.h"

namespace sluice::broker {

inline constexpr std::string_view consumer_offsets_topic = "__consumer_offsets";
inline constexpr std::string_view share_group_state_topic = "__share_group_state";
inline constexpr std::string_view transaction_state_topic = "__transaction_state";

inline bool is_internal_topic(std::string_view topic) {
  return topic == consumer_offsets_topic || topic == share_group_state_topic ||
         topic == transaction_state_topic;
}

// The fixed shape: one partition (each coordinator reads partition 0 only),
// replication factor 1, and no time or size retention. The coordinator moves
// the log start itself (internal_log's snapshot compaction) once a snapshot
// of its live state is durable; the broker's retention would instead delete
// a segment holding the only copy of an old commit.
inline constexpr int32_t internal_topic_partitions = 1;
inline topic_overrides internal_topic_overrides() {
  return {{"retention.bytes", "-1"}, {"retention.ms", "-1"}};
}

// The message of every TOPIC_AUTHORIZATION_FAILED answer above.
inline std::string internal_topic_refusal(std::string_view topic) {
  return "'" + std::string(topic) +
         "' is an internal topic: only its coordinator creates, deletes or alters it";
}

}  // namespace sluice::broker
