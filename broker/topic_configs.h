#pragma once
// Per-topic configuration: the topic-level keys Sluice understands (Kafka's
// names), how each is validated, its broker-wide default and synonym, and the
// one function that turns broker defaults plus a topic's overrides into the
// log_config its partitions run with. Start-up (log_manager's config_for),
// CreateTopics, CreatePartitions and AlterConfigs all go through
// effective_log_config, so a setting means the same thing on every path.
//
// Stateless; the overrides themselves live in topic_config_store.

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "log/log_config.h"

namespace sluice::broker {

struct broker_config;
class topic_table;

// A topic's overrides: key -> value, only the keys set for that topic.
using topic_overrides = std::map<std::string, std::string, std::less<>>;

struct topic_config_key {
  std::string_view name;         // topic key, e.g. "retention.ms"
  std::string_view broker_name;  // the broker-wide default's key, e.g. "log.retention.ms"
  bool read_only;                // described but not settable to other values
};

// Every topic key DescribeConfigs lists, in a stable order.
std::span<const topic_config_key> topic_config_keys();
const topic_config_key* find_topic_config_key(std::string_view name);

// An error message for an unknown key or a value out of range; nullopt if good.
std::optional<std::string> validate_topic_config(std::string_view name, std::string_view value);
// The first error among `o`, prefixed by its key.
std::optional<std::string> validate_topic_overrides(const topic_overrides& o);

// The broker-wide default of a topic key, as DescribeConfigs shows it.
std::string topic_config_default(const broker_config& cfg, std::string_view name);

// Broker defaults with the (validated) overrides applied.
log::log_config effective_log_config(const broker_config& cfg, const topic_overrides& o);

// Applies effective_log_config to every partition of `topic`, keeping each
// partition's clock (tests inject one).
void apply_topic_config(topic_table& topics, const broker_config& cfg, const std::string& topic);

}  // namespace sluice::broker
