#pragma once
// What a deleted topic leaves behind in the coordinators, cleared after
// DeleteTopics removed its partitions: every classic group's committed offsets
// of the topic and every share group's state of its partitions, tombstoned in
// their internal logs, so a topic created again under the same name starts
// afresh (Kafka: GroupCoordinator.onPartitionsDeleted; share state there is
// keyed by topic id and so never matches a new topic).
//
// Not part of the DeleteTopics answer, as in Kafka: a failure is logged, and
// a crash before the tombstones are durable leaves the old state (a later
// DeleteTopics of the new topic, OffsetDelete or DeleteShareGroupOffsets
// clears it). Thread: the shard's.

#include <string>

namespace sluice::broker {

class shard_services;

void forget_deleted_topic(shard_services& shard, const std::string& topic);

}  // namespace sluice::broker
