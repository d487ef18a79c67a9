#include "broker/alter_topic_configs.h"

#include <spdlog/spdlog.h>

#include "broker/error_mapping.h"
#include "broker/internal_topics.h"
#include "broker/request.h"
#include "broker/topic_table.h"
#include "protocol/messages/describe_configs.h"

namespace sluice::broker {

using protocol::error_code;

std::optional<topic_overrides> fail_resource(alter_configs_result& out, error_code code,
                                             std::string message) {
  out.error_code = code;
  out.error_message = std::move(message);
  return std::nullopt;
}

void alter_resource(shard_services& shard, int8_t resource_type, const std::string& resource_name,
                    bool validate_only, const overrides_fn& new_overrides,
                    alter_configs_result& out) {
  out.resource_type = resource_type;
  out.resource_name = resource_name;
  if (resource_type == protocol::config_resource_broker) {
    (void)fail_resource(
        out, error_code::policy_violation,
        "broker configs are read-only in Sluice: set them in the properties file or with --set");
    return;
  }
  if (resource_type != protocol::config_resource_topic) {
    (void)fail_resource(out, error_code::invalid_request, "Sluice alters topic (2) resources only");
    return;
  }
  const std::string& topic = resource_name;
  if (is_internal_topic(topic)) {
    // retention.ms=1 on __consumer_offsets would delete every commit; the
    // shape of an internal topic is fixed (broker/internal_topics.h).
    (void)fail_resource(out, error_code::topic_authorization_failed, internal_topic_refusal(topic));
    return;
  }
  if (!shard.topics().partitions(topic)) {
    (void)fail_resource(out, error_code::unknown_topic_or_partition,
                        "unknown topic '" + topic + "'");
    return;
  }
  std::optional<topic_overrides> overrides = new_overrides(out);
  if (!overrides || validate_only) return;
  if (auto ec = shard.topics().configs().put(topic, *overrides)) {
    spdlog::warn("event=alter_configs_failed topic={} error=\"{}\"", topic, ec.message());
    (void)fail_resource(out, to_kafka_error(ec),
                        "storing the topic's configs failed: " + ec.message());
    return;
  }
  apply_topic_config(shard.topics(), shard.config(), topic);
  spdlog::info("event=topic_configs_altered topic={} overrides={}", topic, overrides->size());
}

}  // namespace sluice::broker
