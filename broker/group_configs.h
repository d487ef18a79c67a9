#pragma once
// Per-group configuration (KIP-848 / KIP-932 group configs, the GROUP config
// resource, type 32): every key Kafka's GroupConfig has that means something
// here, under Kafka's names, with its type, its validation (Kafka's ConfigDef
// type and validator, then the bounds the broker's group.share.* min/max
// keys set, then the cross-key rules: session timeout > heartbeat
// interval), its default (the broker's own setting of the matching broker
// key) and the typed view the coordinators read.
//
//   consumer.session.timeout.ms     int  (KIP-848 groups; Kafka's bounds
//   consumer.heartbeat.interval.ms  int   45000-60000 and 5000-15000)
//   share.session.timeout.ms        int  group.share.{min,max}.session.timeout.ms
//   share.heartbeat.interval.ms     int  group.share.{min,max}.heartbeat.interval.ms
//   share.record.lock.duration.ms   int  group.share.{min,max}.record.lock.duration.ms
//   share.delivery.count.limit      int  group.share.{min,max}.delivery.count.limit
//   share.auto.offset.reset         string  latest | earliest | by_duration:<ISO-8601>
//   share.isolation.level           string  read_uncommitted | read_committed
//
// An unknown key is INVALID_CONFIG ("Unknown group config name"), as Kafka.
// Stateless; the overrides live in group_config_store.

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "protocol/messages/describe_configs.h"

namespace sluice::broker {

struct broker_config;
class group_config_store;

// A group's overrides: key -> value, only the keys set for that group. The
// same type as topic_overrides, so the alter paths share their plumbing.
using group_overrides = std::map<std::string, std::string, std::less<>>;

struct group_config_key {
  std::string_view name;
  protocol::config_type type;
  std::string_view doc;  // one line, for DescribeConfigs v3+ include_documentation
};

// Every group key, in a stable order (DescribeConfigs lists them so).
std::span<const group_config_key> group_config_keys();
const group_config_key* find_group_config_key(std::string_view name);

// The value a group has without an override (the broker's setting).
std::string group_config_default(const broker_config& cfg, std::string_view name);

// Why `value` cannot be set for `name` on its own (unknown key, wrong type,
// out of the broker's bounds); nullopt if it can. The message names the key.
std::optional<std::string> validate_group_config(const broker_config& cfg, std::string_view name,
                                                 std::string_view value);
// Every key of `o`, then the cross-key rules over `o` with defaults filled in
// (share.session.timeout.ms > share.heartbeat.interval.ms, and the consumer
// pair); the first error.
std::optional<std::string> validate_group_overrides(const broker_config& cfg,
                                                    const group_overrides& o);

// share.auto.offset.reset, parsed.
struct share_offset_reset {
  enum class strategy { latest, earliest, by_duration } kind = strategy::latest;
  int64_t duration_ms = 0;  // by_duration: how far back from now
  bool operator==(const share_offset_reset&) const = default;
};
// nullopt: not latest, earliest or by_duration:<non-negative ISO-8601 duration>
// (Java's Duration syntax, [+]PnDTnHnMn.nS, letters in either case).
std::optional<share_offset_reset> parse_share_offset_reset(std::string_view value);
// ISO-8601 duration as java.time.Duration.parse reads it, in milliseconds
// (fractions below 1 ms dropped); nullopt when malformed.
std::optional<int64_t> parse_iso8601_duration_ms(std::string_view text);

// The typed settings of one group: broker defaults with its overrides.
struct group_config {
  int32_t consumer_session_timeout_ms = 45000;
  int32_t consumer_heartbeat_interval_ms = 5000;
  int32_t share_session_timeout_ms = 45000;
  int32_t share_heartbeat_interval_ms = 5000;
  int32_t share_record_lock_duration_ms = 30000;
  int32_t share_delivery_count_limit = 5;
  share_offset_reset share_auto_offset_reset;
  bool share_read_committed = false;
};
// The broker's defaults (its group.share.* and sluice.share.* settings).
group_config group_config_defaults(const broker_config& cfg);
// `base` with every valid override of `o` applied (an invalid one, which the
// store never holds, is skipped).
group_config apply_group_overrides(group_config base, const group_overrides& o);
group_config effective_group_config(const broker_config& cfg, const group_overrides& o);
// The same for `group` as stored; `store` may be null (broker defaults).
group_config effective_group_config(const broker_config& cfg, const group_config_store* store,
                                    std::string_view group);

}  // namespace sluice::broker
