#pragma once
// What AlterConfigs and IncrementalAlterConfigs share: everything but how a
// topic's new set of overrides is worked out from a request entry. One
// resource at a time: a broker resource is refused (POLICY_VIOLATION: broker
// configs come from the properties file and --set), another type is
// INVALID_REQUEST, an internal topic TOPIC_AUTHORIZATION_FAILED
// (broker/internal_topics.h), an unknown topic UNKNOWN_TOPIC_OR_PARTITION; otherwise
// `new_overrides` computes the topic's complete new set (or fails the answer
// and returns nullopt, changing nothing), which is then stored
// (topic_config_store: durable before the answer) and applied to every
// partition at once (apply_topic_config). validate_only stops before storing.
//
// Thread: the shard's.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "broker/topic_configs.h"
#include "protocol/messages/alter_configs.h"

namespace sluice::broker {

class shard_services;

// One resource's answer; IncrementalAlterConfigs answers with the same struct.
using alter_configs_result = protocol::alter_configs_response::alter_configs_resource_response;
using overrides_fn = std::function<std::optional<topic_overrides>(alter_configs_result& out)>;

// Fills every field of `out`.
void alter_resource(shard_services& shard, int8_t resource_type, const std::string& resource_name,
                    bool validate_only, const overrides_fn& new_overrides,
                    alter_configs_result& out);

// Sets `out`'s error; returns nullopt, for `new_overrides` to return.
std::optional<topic_overrides> fail_resource(alter_configs_result& out, protocol::error_code code,
                                             std::string message);

}  // namespace sluice::broker
