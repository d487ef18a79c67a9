#pragma once
// What a client may do, as the "authorized operations" bit fields of
// Metadata, DescribeTopicPartitions and DescribeCluster report it. Sluice has
// no ACLs yet, so every operation Kafka defines for the resource is allowed,
// which is what Kafka's brokers answer without an authorizer. Bits are
// Kafka's AclOperation codes, one bit each.

#include <cstdint>

namespace sluice::broker {

// READ 3, WRITE 4, CREATE 5, DELETE 6, ALTER 7, DESCRIBE 8, DESCRIBE_CONFIGS
// 10, ALTER_CONFIGS 11.
inline constexpr int32_t all_topic_operations =
    (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 8) | (1 << 10) | (1 << 11);

// CREATE 5, ALTER 7, DESCRIBE 8, CLUSTER_ACTION 9, DESCRIBE_CONFIGS 10,
// ALTER_CONFIGS 11, IDEMPOTENT_WRITE 12.
inline constexpr int32_t all_cluster_operations =
    (1 << 5) | (1 << 7) | (1 << 8) | (1 << 9) | (1 << 10) | (1 << 11) | (1 << 12);

}  // namespace sluice::broker
