// AlterConfigs (33), v0-1, Kafka's non-incremental semantics: a topic's
// request lists its complete new set of overrides; keys left out return to the
// broker default (a null value counts as left out). Every value is validated
// first (INVALID_CONFIG names the key; nothing of that resource changes), then
// the set is written to the topic's config file (topic_config_store) and
// applied at once to every partition (apply_topic_config). validate_only
// checks and changes nothing.
//
// Broker resources are read-only in Sluice (they come from the properties
// file and --set flags at start): POLICY_VIOLATION with a message saying so.
// Other resource types: INVALID_REQUEST.
#include <spdlog/spdlog.h>

#include "broker/api_table.h"
#include "broker/config.h"
#include "broker/error_mapping.h"
#include "broker/topic_configs.h"
#include "broker/topic_table.h"
#include "protocol/message.h"
#include "protocol/messages/alter_configs.h"
#include "protocol/messages/describe_configs.h"

namespace sluice::broker {
namespace {

using protocol::alter_configs_request;
using protocol::alter_configs_response;
using protocol::error_code;

void alter_topic(shard_services& shard, bool validate_only,
                 const alter_configs_request::alter_configs_resource& rq,
                 alter_configs_response::alter_configs_resource_response& out) {
  auto fail = [&](error_code code, std::string message) {
    out.error_code = code;
    out.error_message = std::move(message);
  };
  const std::string& topic = rq.resource_name;
  if (!shard.topics().partitions(topic)) {
    return fail(error_code::unknown_topic_or_partition, "unknown topic '" + topic + "'");
  }
  topic_overrides overrides;
  for (const auto& c : rq.configs) {
    if (!c.value) continue;
    if (auto err = validate_topic_config(c.name, *c.value)) {
      return fail(error_code::invalid_config, *err);
    }
    if (!overrides.emplace(c.name, *c.value).second) {
      return fail(error_code::invalid_request, c.name + " given more than once");
    }
  }
  if (validate_only) return;
  if (auto ec = shard.topics().configs().put(topic, overrides)) {
    spdlog::warn("event=alter_configs_failed topic={} error=\"{}\"", topic, ec.message());
    return fail(to_kafka_error(ec), "storing the topic's configs failed: " + ec.message());
  }
  apply_topic_config(shard.topics(), shard.config(), topic);
  spdlog::info("event=topic_configs_altered topic={} overrides={}", topic, overrides.size());
}

}  // namespace

void handle_alter_configs(shard_services& shard, request req, respond_fn respond) {
  const int16_t version = req.header.api_version;
  alter_configs_request body;
  if (protocol::decode_message(req.body, version, body)) return respond(close_connection());

  alter_configs_response resp;
  for (const auto& rq : body.resources) {
    auto& out = resp.responses.emplace_back();
    out.resource_type = rq.resource_type;
    out.resource_name = rq.resource_name;
    if (rq.resource_type == protocol::config_resource_topic) {
      alter_topic(shard, body.validate_only, rq, out);
    } else if (rq.resource_type == protocol::config_resource_broker) {
      out.error_code = error_code::policy_violation;
      out.error_message =
          "broker configs are read-only in Sluice: set them in the properties file or with --set";
    } else {
      out.error_code = error_code::invalid_request;
      out.error_message = "Sluice alters topic (2) resources only";
    }
  }
  respond(make_response(req, resp));
}

}  // namespace sluice::broker
