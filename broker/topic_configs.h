#pragma once
// Per-topic configuration: every topic-level key Kafka has (Kafka's names,
// TopicConfig/LogConfig), how each value is validated (type and range, as
// Kafka's ConfigDef does), what Sluice does with it, its default, its broker
// synonyms in Kafka's order, and the one function that turns broker defaults
// plus a topic's overrides into the log_config its partitions run with.
// Start-up (log_manager's config_for), CreateTopics, CreatePartitions,
// AlterConfigs and IncrementalAlterConfigs all go through
// effective_log_config, so a setting means the same thing on every path.
//
// What Sluice does with a key (docs/broker.md, "Topic configuration"):
//   applied:  the log runs with the value (retention.ms, segment.bytes, ...);
//   stored:   any valid value is accepted, stored and described, and has no
//             effect because the behaviour it tunes is a no-op here (one node:
//             replication throttles; compaction-only keys under
//             cleanup.policy=delete, the only policy; tiered-storage keys
//             without tiered storage), as in Kafka in the same situation;
//   one value: only the value matching what Sluice does is accepted; any
//             other valid value is refused with INVALID_CONFIG and a message
//             naming the key and why (cleanup.policy=compact: no compaction).
//
// Stateless; the overrides themselves live in topic_config_store.

#include <array>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "log/log_config.h"
#include "protocol/messages/describe_configs.h"

namespace sluice::broker {

struct broker_config;
class topic_table;

// A topic's overrides: key -> value, only the keys set for that topic.
using topic_overrides = std::map<std::string, std::string, std::less<>>;

enum class topic_config_handling { applied, stored, one_value };

struct topic_config_key {
  std::string_view name;  // topic key, e.g. "retention.ms"
  protocol::config_type type;
  topic_config_handling handling;
  // The broker keys that give its default, in Kafka's order of precedence
  // (retention.ms: log.retention.ms, log.retention.minutes, log.retention.hours).
  std::array<std::string_view, 3> broker_synonyms;
  // Kafka's default of each synonym ("" where Kafka has none: log.retention.ms).
  std::array<std::string_view, 3> synonym_defaults;
  std::string_view doc;  // one line, for DescribeConfigs v3+ include_documentation
  bool read_only = false;
};

// Every topic key, in a stable order (DescribeConfigs lists them so).
std::span<const topic_config_key> topic_config_keys();
const topic_config_key* find_topic_config_key(std::string_view name);

// Why `value` cannot be set for `name` (an unknown key, a value of the wrong
// type or out of range, or a value whose behaviour Sluice does not have);
// nullopt if it can. The message names the key.
std::optional<std::string> validate_topic_config(std::string_view name, std::string_view value);
// The first error among `o`.
std::optional<std::string> validate_topic_overrides(const topic_overrides& o);

// The value a topic has without an override, as DescribeConfigs shows it.
std::string topic_config_default(const broker_config& cfg, std::string_view name);

// One synonym as DescribeConfigs lists it: the topic override, then each
// broker key the broker's file or flags set, then each broker key's default.
struct config_synonym {
  std::string name;
  std::string value;
  int8_t source;  // protocol::config_source_*
};
std::vector<config_synonym> topic_config_synonyms(const broker_config& cfg,
                                                  const topic_overrides& o,
                                                  const topic_config_key& key);

// A key as a topic has it, for DescribeConfigs and CreateTopics v5+: the
// override or the default, and where it comes from (the first synonym's
// source, DEFAULT_CONFIG without one).
struct described_config {
  std::string value;
  int8_t source;  // protocol::config_source_*
  std::vector<config_synonym> synonyms;
};
described_config describe_topic_config(const broker_config& cfg, const topic_overrides& o,
                                       const topic_config_key& key);

// Broker defaults with the (validated) overrides applied.
log::log_config effective_log_config(const broker_config& cfg, const topic_overrides& o);

// Applies effective_log_config to every partition of `topic`, keeping each
// partition's clock (tests inject one).
void apply_topic_config(topic_table& topics, const broker_config& cfg, const std::string& topic);

}  // namespace sluice::broker
