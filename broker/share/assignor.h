#pragma once
// Which share-group members get which partitions: every subscribed partition
// goes to at least one member, and every subscribing member gets at least one
// partition when there are any. With no more members than partitions, the
// partitions of a topic are dealt round-robin (each partition has exactly one
// member); with more members than partitions, members are dealt round-robin
// over the partitions (each partition has several members, which is what a
// share group allows and a consumer group does not).
//
// Deterministic: members are taken in member-id order, so every heartbeat
// computes the same answer for the same membership. A pure function.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sluice::broker::share {

// member id -> subscribed topic names
using subscriptions = std::map<std::string, std::vector<std::string>>;
// member id -> topic -> partitions (sorted)
using assignment_map = std::map<std::string, std::map<std::string, std::vector<int32_t>>>;
// The partitions of a topic, or nullopt when it does not exist.
using partitions_fn = std::function<std::optional<std::vector<int32_t>>(const std::string&)>;

assignment_map assign(const subscriptions& members, const partitions_fn& partitions_of);

}  // namespace sluice::broker::share
