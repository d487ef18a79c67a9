// DescribeConfigs (32), v0-4.
//
// Topic (resource type 2): every key of topic_configs.h (or the ones asked
// for; null keys = all, unknown keys are left out as Kafka does), with its
// override or its default. The source is Kafka's: DYNAMIC_TOPIC_CONFIG (1)
// for an override, STATIC_BROKER_CONFIG (4) when the broker's file or flags
// set one of its broker synonyms, DEFAULT_CONFIG (5) otherwise (v0: only
// is_default). Synonyms (v1+, when asked) in Kafka's order: the override,
// the broker synonyms that were set, then the broker synonyms' defaults
// (retention.ms: log.retention.ms, log.retention.minutes, log.retention.hours).
// v3+: config_type, and documentation when asked.
//
// Broker (type 4, name "" or this node's id): the broker's effective settings,
// all read-only: STATIC_BROKER_CONFIG when the file or a flag set them,
// DEFAULT_CONFIG otherwise. AlterConfigs cannot change them.
// Group (type 32, KIP-848/KIP-932 group configs, broker/group_configs.h):
// every group key with the group's override (source GROUP_CONFIG, 8) or the
// broker's value (DEFAULT_CONFIG, 5), as Kafka's ConfigHelper describes it:
// any group id, existing or not (Kafka's configs live apart from the
// group); the empty id is INVALID_REQUEST. Synonyms: the entry itself.
// Other resource types: INVALID_REQUEST in that resource's error.
#include <fmt/format.h>

#include "broker/api_table.h"
#include "broker/config.h"
#include "broker/group_config_store.h"
#include "broker/group_configs.h"
#include "broker/topic_configs.h"
#include "broker/topic_table.h"
#include "protocol/message.h"
#include "protocol/messages/describe_configs.h"

namespace sluice::broker {
namespace {

using protocol::describe_configs_request;
using protocol::describe_configs_response;
using entry = describe_configs_response::describe_configs_resource_result;

using protocol::config_source_default;
using protocol::config_source_dynamic_topic;
using protocol::config_source_static_broker;

bool wanted(const describe_configs_request::describe_configs_resource& r, std::string_view key) {
  if (!r.configuration_keys) return true;
  for (const auto& k : *r.configuration_keys) {
    if (k == key) return true;
  }
  return false;
}

void describe_topic(shard_services& shard, const describe_configs_request& body,
                    const describe_configs_request::describe_configs_resource& rq,
                    describe_configs_response::describe_configs_result& out) {
  if (!shard.topics().partitions(rq.resource_name)) {
    out.error_code = protocol::error_code::unknown_topic_or_partition;
    out.error_message = "unknown topic '" + rq.resource_name + "'";
    return;
  }
  const topic_overrides& overrides = shard.topics().configs().get(rq.resource_name);
  for (const topic_config_key& key : topic_config_keys()) {
    if (!wanted(rq, key.name)) continue;
    described_config d = describe_topic_config(shard.config(), overrides, key);
    entry e;
    e.name = std::string(key.name);
    e.value = std::move(d.value);
    e.read_only = key.read_only;
    e.config_source = d.source;
    e.is_default = e.config_source == config_source_default;
    if (body.include_synonyms) {
      for (auto& s : d.synonyms) e.synonyms.push_back({s.name, s.value, s.source});
    }
    e.config_type = static_cast<int8_t>(key.type);
    if (body.include_documentation) e.documentation = std::string(key.doc);
    out.configs.push_back(std::move(e));
  }
}

// What the broker runs with, under Kafka's key names.
std::vector<std::pair<std::string, std::string>> broker_settings(const broker_config& cfg) {
  const endpoint adv = cfg.advertised_endpoint();
  std::vector<std::pair<std::string, std::string>> s = {
      {"broker.id", std::to_string(cfg.node_id)},
      {"node.id", std::to_string(cfg.node_id)},
      {"listeners", fmt::format("PLAINTEXT://{}:{}", cfg.listener.host, cfg.listener.port)},
      {"advertised.listeners", fmt::format("PLAINTEXT://{}:{}", adv.host, adv.port)},
      {"log.dirs", fmt::format("{}", fmt::join(cfg.log_dirs, ","))},
      {"num.partitions", std::to_string(cfg.num_partitions)},
      {"default.replication.factor", "1"},
      {"auto.create.topics.enable", cfg.auto_create_topics ? "true" : "false"},
      {"log.retention.check.interval.ms", std::to_string(cfg.log_retention_check_interval_ms)},
      {"socket.request.max.bytes", std::to_string(cfg.socket_request_max_bytes)},
      {"queued.max.request.bytes", std::to_string(cfg.queued_max_request_bytes)},
      {"connections.max.idle.ms", std::to_string(cfg.connections_max_idle_ms)},
      {"max.connections", std::to_string(cfg.max_connections)},
      {"max.connections.per.ip", std::to_string(cfg.max_connections_per_ip)},
  };
  // The defaults of every topic key, under their first broker synonym.
  for (const topic_config_key& key : topic_config_keys()) {
    s.emplace_back(std::string(key.broker_synonyms[0]), topic_config_default(cfg, key.name));
  }
  return s;
}

void describe_broker(shard_services& shard, const describe_configs_request& body,
                     const describe_configs_request::describe_configs_resource& rq,
                     describe_configs_response::describe_configs_result& out) {
  const std::string self = std::to_string(shard.config().node_id);
  if (!rq.resource_name.empty() && rq.resource_name != self) {
    out.error_code = protocol::error_code::invalid_request;
    out.error_message = "this is broker " + self;
    return;
  }
  const broker_config& cfg = shard.config();
  for (auto& [name, value] : broker_settings(cfg)) {
    if (!wanted(rq, name)) continue;
    const bool set = cfg.explicit_settings.count(name) != 0;
    entry e;
    e.name = name;
    e.value = value;
    e.read_only = true;
    e.config_source = set ? config_source_static_broker : config_source_default;
    e.is_default = !set;
    if (body.include_synonyms) e.synonyms.push_back({name, value, e.config_source});
    out.configs.push_back(std::move(e));
  }
}

void describe_group(shard_services& shard, const describe_configs_request& body,
                    const describe_configs_request::describe_configs_resource& rq,
                    describe_configs_response::describe_configs_result& out) {
  if (rq.resource_name.empty()) {
    out.error_code = protocol::error_code::invalid_request;
    out.error_message = "Group name must not be empty";
    return;
  }
  static const group_overrides kNone;
  const group_config_store* store = group_configs_of(shard);
  const group_overrides& overrides = store != nullptr ? store->overrides(rq.resource_name) : kNone;
  for (const group_config_key& key : group_config_keys()) {
    if (!wanted(rq, key.name)) continue;
    auto it = overrides.find(key.name);
    entry e;
    e.name = std::string(key.name);
    e.value = it != overrides.end() ? it->second : group_config_default(shard.config(), key.name);
    e.read_only = false;
    e.config_source = it != overrides.end() ? protocol::config_source_group : config_source_default;
    e.is_default = it == overrides.end();
    if (body.include_synonyms) e.synonyms.push_back({e.name, e.value, e.config_source});
    e.config_type = static_cast<int8_t>(key.type);
    if (body.include_documentation) e.documentation = std::string(key.doc);
    out.configs.push_back(std::move(e));
  }
}

}  // namespace

void handle_describe_configs(shard_services& shard, request req, respond_fn respond) {
  const int16_t version = req.header.api_version;
  describe_configs_request body;
  if (protocol::decode_message(req.body, version, body)) return respond(close_connection());
  if (version < 1) body.include_synonyms = false;
  if (version < 3) body.include_documentation = false;

  describe_configs_response resp;
  for (const auto& rq : body.resources) {
    auto& out = resp.results.emplace_back();
    out.resource_type = rq.resource_type;
    out.resource_name = rq.resource_name;
    if (rq.resource_type == protocol::config_resource_topic) {
      describe_topic(shard, body, rq, out);
    } else if (rq.resource_type == protocol::config_resource_broker) {
      describe_broker(shard, body, rq, out);
    } else if (rq.resource_type == protocol::config_resource_group) {
      describe_group(shard, body, rq, out);
    } else {
      out.error_code = protocol::error_code::invalid_request;
      out.error_message = "Sluice describes topic (2), broker (4) and group (32) resources only";
    }
  }
  respond(make_response(req, resp));
}

}  // namespace sluice::broker
