#pragma once
// Topics the broker writes for itself: committed offsets and group metadata
// (broker/group/) and share-group delivery state (broker/share/). Kafka's
// rules for internal topics apply to both: Metadata lists them with
// is_internal, a client's Metadata never auto-creates them, and a client's
// Produce and DeleteTopics are refused (INVALID_TOPIC_EXCEPTION), since a
// foreign record would break replay and a deletion would lose every commit
// and acknowledgement at the next restart. Fetch may still read them.
#include <string_view>

namespace sluice::broker {

inline constexpr std::string_view consumer_offsets_topic = "__consumer_offsets";
inline constexpr std::string_view share_group_state_topic = "__share_group_state";
inline constexpr std::string_view transaction_state_topic = "__transaction_state";

inline bool is_internal_topic(std::string_view topic) {
  return topic == consumer_offsets_topic || topic == share_group_state_topic ||
         topic == transaction_state_topic;
}

}  // namespace sluice::broker
