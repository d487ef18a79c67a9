#pragma once
// What AlterConfigs and IncrementalAlterConfigs do with a GROUP resource
// (type 32, broker/group_configs.h), beside alter_topic_configs.h's topic
// path: the empty group id is INVALID_REQUEST (Kafka: default group
// resources are not allowed); any other id may be configured whether or not
// the group exists yet (as Kafka: a share group is commonly configured
// before its first member). `new_overrides` computes the group's complete
// new set (or fails the answer and returns nullopt, changing nothing); the
// set is validated whole (each key and the cross-key rules: INVALID_CONFIG
// with Kafka's message), then stored (group_config_store: durable before the
// answer). validate_only stops before storing. The coordinators read the
// store on every use, so the change applies at once.
//
// Thread: the shard's.

#include <string>

#include "broker/alter_topic_configs.h"

namespace sluice::broker {

// Fills every field of `out`.
void alter_group_resource(shard_services& shard, const std::string& group, bool validate_only,
                          const overrides_fn& new_overrides, alter_configs_result& out);

}  // namespace sluice::broker
