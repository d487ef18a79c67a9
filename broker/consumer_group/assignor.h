#pragma once
// Server-side assignors of KIP-848 consumer groups: the coordinator computes
// each member's target assignment with one of them (group.consumer.assignors;
// the member's ServerAssignor picks one, the first listed is the default).
//
// - "uniform": every subscribed partition to exactly one subscriber, counts
//   balanced within one across the members that can take it, and sticky: a
//   member keeps the partitions of its previous target that it may still own
//   and that balance allows, so a join moves only what must move.
// - "range": per topic, its partitions in contiguous ranges over the topic's
//   subscribers in member-id order (the first `n % m` take one more), as
//   Kafka's RangeAssignor; sticky only where the ranges agree.
//
// Pure functions of their inputs and deterministic (members taken in
// member-id order), so every coordinator computes the same target for the
// same group.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::broker::consumer_group {

// topic -> partitions, sorted
using topic_assignment = std::map<std::string, std::vector<int32_t>>;

struct member_spec {
  std::string member_id;
  std::vector<std::string> subscribed_topics;  // resolved names (regex expanded)
  topic_assignment previous;                   // the member's current target
};

// member id -> its target assignment (every member present, maybe empty)
using group_assignment = std::map<std::string, topic_assignment>;

// topic name -> partition count, for every topic that exists; a subscribed
// topic missing here is ignored.
using topic_partition_counts = std::map<std::string, int32_t>;

using assign_fn = group_assignment (*)(const std::vector<member_spec>& members,
                                       const topic_partition_counts& topics);

group_assignment assign_uniform(const std::vector<member_spec>& members,
                                const topic_partition_counts& topics);
group_assignment assign_range(const std::vector<member_spec>& members,
                              const topic_partition_counts& topics);

// "uniform" or "range"; nullptr for any other name (the caller answers
// UNSUPPORTED_ASSIGNOR).
assign_fn find_assignor(std::string_view name);

}  // namespace sluice::broker::consumer_group
