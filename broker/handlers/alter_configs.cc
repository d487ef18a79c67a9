// AlterConfigs (33), v0-2 (v2 flexible), Kafka's non-incremental semantics:
// a topic's request lists its complete new set of overrides; keys left out return to the
// broker default (a null value counts as left out). Every value is validated
// first (INVALID_CONFIG names the key; nothing of that resource changes), then
// the set is written to the topic's config file (topic_config_store) and
// applied at once to every partition (apply_topic_config). validate_only
// checks and changes nothing.
//
// Group resources (type 32) as Kafka's controller takes them: the request
// is the group's complete new set of overrides, validated as a whole
// (broker/group_configs.h) and stored by alter_group_resource.
//
// Broker resources are read-only in Sluice (they come from the properties
// file and --set flags at start): POLICY_VIOLATION with a message saying so.
// Other resource types: INVALID_REQUEST.
#include "protocol/messages/alter_configs.h"
#include "broker/alter_group_configs.h"
#include "broker/alter_topic_configs.h"
#include "broker/api_table.h"
#include "broker/group_configs.h"
#include "broker/request.h"
#include "protocol/message.h"

namespace sluice::broker {
namespace {

using protocol::alter_configs_request;
using protocol::error_code;

// The resource's entries as its complete new set of overrides.
std::optional<topic_overrides> overrides_of(const broker_config& cfg,
                                            const alter_configs_request::alter_configs_resource& rq,
                                            alter_configs_result& out) {
  const bool group = rq.resource_type == protocol::config_resource_group;
  topic_overrides overrides;
  for (const auto& c : rq.configs) {
    if (!c.value) continue;
    if (auto err = group ? validate_group_config(cfg, c.name, *c.value)
                         : validate_topic_config(c.name, *c.value)) {
      return fail_resource(out, error_code::invalid_config, *err);
    }
    if (!overrides.emplace(c.name, *c.value).second) {
      return fail_resource(out, error_code::invalid_request, c.name + " given more than once");
    }
  }
  return overrides;
}

}  // namespace

void handle_alter_configs(shard_services& shard, request req, respond_fn respond) {
  const int16_t version = req.header.api_version;
  alter_configs_request body;
  if (protocol::decode_message(req.body, version, body)) return respond(close_connection());

  protocol::alter_configs_response resp;
  for (const auto& rq : body.resources) {
    auto fn = [&](alter_configs_result& out) { return overrides_of(shard.config(), rq, out); };
    if (rq.resource_type == protocol::config_resource_group) {
      alter_group_resource(shard, rq.resource_name, body.validate_only, fn,
                           resp.responses.emplace_back());
    } else {
      alter_resource(shard, rq.resource_type, rq.resource_name, body.validate_only, fn,
                     resp.responses.emplace_back());
    }
  }
  respond(make_response(req, resp));
}

}  // namespace sluice::broker
