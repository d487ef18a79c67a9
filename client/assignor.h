#pragma once
// Kafka's classic consumer-group assignors, run by the group's leader over
// every member's subscription. Pure functions; any thread.
//
// range (RangeAssignor): per topic, the members subscribed to it sorted by
// member id get consecutive ranges of partitions; the first
// (partitions % members) members get one extra.
// roundrobin (RoundRobinAssignor): all subscribed partitions sorted by topic
// then partition are dealt one at a time to members in member id order,
// skipping members not subscribed to the partition's topic.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/record.h"

namespace sluice::client {

enum class assignor_kind : int8_t { range, roundrobin };

// Kafka's protocol names: "range", "roundrobin".
std::string_view assignor_name(assignor_kind a) noexcept;
std::optional<assignor_kind> parse_assignor(std::string_view name) noexcept;

// member id -> subscribed topics in; member id -> partitions out (every
// member present, possibly with none). partitions_per_topic gives each
// topic's partition count; topics missing from it get no partitions.
using subscriptions_map = std::map<std::string, std::vector<std::string>>;
using assignment_map = std::map<std::string, std::vector<topic_partition>>;

assignment_map assign_range(const subscriptions_map& subscriptions,
                            const std::map<std::string, int32_t>& partitions_per_topic);
assignment_map assign_roundrobin(const subscriptions_map& subscriptions,
                                 const std::map<std::string, int32_t>& partitions_per_topic);
assignment_map assign(assignor_kind a, const subscriptions_map& subscriptions,
                      const std::map<std::string, int32_t>& partitions_per_topic);

}  // namespace sluice::client
