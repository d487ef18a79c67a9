#include "broker/group_configs.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <limits>

#include "broker/config.h"
#include "broker/group_config_store.h"

namespace sluice::broker {
namespace {

using protocol::config_type;

constexpr std::string_view kConsumerSession = "consumer.session.timeout.ms";
constexpr std::string_view kConsumerHeartbeat = "consumer.heartbeat.interval.ms";
constexpr std::string_view kShareSession = "share.session.timeout.ms";
constexpr std::string_view kShareHeartbeat = "share.heartbeat.interval.ms";
constexpr std::string_view kShareLock = "share.record.lock.duration.ms";
constexpr std::string_view kShareDeliveryLimit = "share.delivery.count.limit";
constexpr std::string_view kShareOffsetReset = "share.auto.offset.reset";
constexpr std::string_view kShareIsolation = "share.isolation.level";

// KIP-848 consumer groups: the defaults are the broker's
// group.consumer.session.timeout.ms / .heartbeat.interval.ms; the bounds are
// Kafka's defaults of group.consumer.{min,max}.*, which Sluice has no keys for.
constexpr int32_t kConsumerSessionMin = 45000, kConsumerSessionMax = 60000;
constexpr int32_t kConsumerHeartbeatMin = 5000, kConsumerHeartbeatMax = 15000;

constexpr std::array<group_config_key, 8> kKeys = {{
    {kConsumerSession, config_type::int_,
     "The timeout to detect client failures when using the consumer group protocol."},
    {kConsumerHeartbeat, config_type::int_,
     "The heartbeat interval given to the members of a consumer group."},
    {kShareSession, config_type::int_,
     "The timeout to detect client failures when using the share group protocol."},
    {kShareHeartbeat, config_type::int_,
     "The heartbeat interval given to the members of a share group."},
    {kShareLock, config_type::int_,
     "The record acquisition lock duration in milliseconds for share groups."},
    {kShareDeliveryLimit, config_type::int_,
     "The maximum number of delivery attempts for a record delivered to a share group."},
    {kShareOffsetReset, config_type::string,
     "The strategy to initialize the share-partition start offset: earliest, latest, or "
     "by_duration:<ISO-8601 duration> (from the current timestamp; not negative)."},
    {kShareIsolation, config_type::string,
     "Controls how to read records written transactionally: read_committed delivers only "
     "committed transactional records, read_uncommitted all of them."},
}};

struct bounds {
  int64_t min;
  int64_t max;
  std::string_view min_key;  // the broker key naming the bound ("" for Kafka's constant)
  std::string_view max_key;
};

std::optional<bounds> bounds_of(const broker_config& c, std::string_view key) {
  if (key == kConsumerSession) return bounds{kConsumerSessionMin, kConsumerSessionMax, "", ""};
  if (key == kConsumerHeartbeat) {
    return bounds{kConsumerHeartbeatMin, kConsumerHeartbeatMax, "", ""};
  }
  if (key == kShareSession) {
    return bounds{c.group_share_min_session_timeout_ms, c.group_share_max_session_timeout_ms,
                  "group.share.min.session.timeout.ms", "group.share.max.session.timeout.ms"};
  }
  if (key == kShareHeartbeat) {
    return bounds{c.group_share_min_heartbeat_interval_ms, c.group_share_max_heartbeat_interval_ms,
                  "group.share.min.heartbeat.interval.ms", "group.share.max.heartbeat.interval.ms"};
  }
  if (key == kShareLock) {
    return bounds{
        c.group_share_min_record_lock_duration_ms, c.group_share_max_record_lock_duration_ms,
        "group.share.min.record.lock.duration.ms", "group.share.max.record.lock.duration.ms"};
  }
  if (key == kShareDeliveryLimit) {
    return bounds{c.group_share_min_delivery_count_limit, c.group_share_max_delivery_count_limit,
                  "group.share.min.delivery.count.limit", "group.share.max.delivery.count.limit"};
  }
  return std::nullopt;
}

// Kafka's INT parse: optional sign, decimal digits, fits an int32; blanks trimmed.
std::optional<int32_t> parse_int(std::string_view v) {
  v = trim_blanks(v);
  if (!v.empty() && v.front() == '+') v.remove_prefix(1);
  int32_t out = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (v.empty() || ec != std::errc() || p != v.data() + v.size()) return std::nullopt;
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::span<const group_config_key> group_config_keys() { return kKeys; }

const group_config_key* find_group_config_key(std::string_view name) {
  for (const auto& k : kKeys) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

std::optional<int64_t> parse_iso8601_duration_ms(std::string_view t) {
  // [+]P[nD][T[nH][nM][n[.f]S]], at least one part; a '-' anywhere is a
  // negative duration, which share.auto.offset.reset refuses, so it is malformed here.
  if (!t.empty() && t.front() == '+') t.remove_prefix(1);
  if (t.empty() || std::toupper(static_cast<unsigned char>(t.front())) != 'P') return std::nullopt;
  t.remove_prefix(1);
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max() / 1000;
  __int128 ms = 0;
  bool in_time = false, any = false;
  std::string_view order = "DHMS";  // each unit at most once, in this order
  size_t next_unit = 0;
  while (!t.empty()) {
    char c = static_cast<char>(std::toupper(static_cast<unsigned char>(t.front())));
    if (c == 'T') {
      if (in_time) return std::nullopt;
      in_time = true;
      t.remove_prefix(1);
      if (t.empty()) return std::nullopt;  // "PT" alone
      next_unit = std::max<size_t>(next_unit, 1);
      continue;
    }
    size_t digits = 0;
    while (digits < t.size() && std::isdigit(static_cast<unsigned char>(t[digits]))) ++digits;
    if (digits == 0 || digits > 18) return std::nullopt;
    int64_t whole = 0;
    std::from_chars(t.data(), t.data() + digits, whole);
    t.remove_prefix(digits);
    int64_t frac_ms = 0;
    bool fraction = false;
    if (!t.empty() && (t.front() == '.' || t.front() == ',')) {
      t.remove_prefix(1);
      size_t f = 0;
      while (f < t.size() && std::isdigit(static_cast<unsigned char>(t[f]))) ++f;
      if (f == 0 || f > 9) return std::nullopt;
      for (size_t i = 0; i < 3; ++i) frac_ms = frac_ms * 10 + (i < f ? t[i] - '0' : 0);
      t.remove_prefix(f);
      fraction = true;
    }
    if (t.empty()) return std::nullopt;
    const char unit = static_cast<char>(std::toupper(static_cast<unsigned char>(t.front())));
    t.remove_prefix(1);
    size_t at = order.find(unit);
    if (at == std::string_view::npos || at < next_unit || (at == 0) == in_time) return std::nullopt;
    if (fraction && unit != 'S') return std::nullopt;
    next_unit = at + 1;
    static constexpr int64_t kUnitMs[] = {86400000, 3600000, 60000, 1000};
    ms += static_cast<__int128>(whole) * kUnitMs[at] + frac_ms;
    if (ms > static_cast<__int128>(kMax) * 1000) return std::nullopt;
    any = true;
  }
  if (!any) return std::nullopt;
  return static_cast<int64_t>(ms);
}

std::optional<share_offset_reset> parse_share_offset_reset(std::string_view v) {
  v = trim_blanks(v);
  if (iequals(v, "latest")) return share_offset_reset{};
  if (iequals(v, "earliest")) return share_offset_reset{share_offset_reset::strategy::earliest, 0};
  constexpr std::string_view kBy = "by_duration:";
  if (v.size() > kBy.size() && iequals(v.substr(0, kBy.size()), kBy)) {
    auto ms = parse_iso8601_duration_ms(trim_blanks(v.substr(kBy.size())));
    if (!ms) return std::nullopt;
    return share_offset_reset{share_offset_reset::strategy::by_duration, *ms};
  }
  return std::nullopt;
}

std::string group_config_default(const broker_config& c, std::string_view name) {
  if (name == kConsumerSession) return std::to_string(c.group_consumer_session_timeout_ms);
  if (name == kConsumerHeartbeat) return std::to_string(c.group_consumer_heartbeat_interval_ms);
  if (name == kShareSession) return std::to_string(c.group_share_session_timeout_ms);
  if (name == kShareHeartbeat) return std::to_string(c.group_share_heartbeat_interval_ms);
  if (name == kShareLock) return std::to_string(c.group_share_record_lock_duration_ms);
  if (name == kShareDeliveryLimit) return std::to_string(c.group_share_delivery_count_limit);
  if (name == kShareOffsetReset) return c.share_auto_offset_reset;
  if (name == kShareIsolation) {
    return c.share_isolation_read_committed ? "read_committed" : "read_uncommitted";
  }
  return {};
}

std::optional<std::string> validate_group_config(const broker_config& cfg, std::string_view name,
                                                 std::string_view value) {
  const group_config_key* key = find_group_config_key(name);
  const std::string n(name);
  if (key == nullptr) return "Unknown group config name: " + n;
  if (name == kShareOffsetReset) {
    if (parse_share_offset_reset(value)) return std::nullopt;
    return "Invalid value " + std::string(value) + " for configuration " + n +
           ": must be latest, earliest or by_duration:<ISO-8601 duration, not negative>";
  }
  if (name == kShareIsolation) {
    if (value == "read_committed" || value == "read_uncommitted") return std::nullopt;
    return "Invalid value " + std::string(value) + " for configuration " + n +
           ": String must be one of: read_committed, read_uncommitted";
  }
  auto v = parse_int(value);
  if (!v) {
    return "Invalid value " + std::string(value) + " for configuration " + n +
           ": Not a number of type INT";
  }
  auto b = bounds_of(cfg, name);
  if (b && *v < b->min) {
    return n + " must be greater than or equal to " +
           (b->min_key.empty() ? std::to_string(b->min)
                               : std::string(b->min_key) + " (" + std::to_string(b->min) + ")");
  }
  if (b && *v > b->max) {
    return n + " must be less than or equal to " +
           (b->max_key.empty() ? std::to_string(b->max)
                               : std::string(b->max_key) + " (" + std::to_string(b->max) + ")");
  }
  return std::nullopt;
}

std::optional<std::string> validate_group_overrides(const broker_config& cfg,
                                                    const group_overrides& o) {
  for (const auto& [k, v] : o) {
    if (auto err = validate_group_config(cfg, k, v)) return err;
  }
  const group_config g = effective_group_config(cfg, o);
  if (g.consumer_session_timeout_ms <= g.consumer_heartbeat_interval_ms) {
    return std::string(kConsumerSession) + " must be greater than " +
           std::string(kConsumerHeartbeat);
  }
  if (g.share_session_timeout_ms <= g.share_heartbeat_interval_ms) {
    return std::string(kShareSession) + " must be greater than " + std::string(kShareHeartbeat);
  }
  return std::nullopt;
}

group_config group_config_defaults(const broker_config& c) {
  group_config g;
  g.consumer_session_timeout_ms = c.group_consumer_session_timeout_ms;
  g.consumer_heartbeat_interval_ms = c.group_consumer_heartbeat_interval_ms;
  g.share_session_timeout_ms = c.group_share_session_timeout_ms;
  g.share_heartbeat_interval_ms = c.group_share_heartbeat_interval_ms;
  g.share_record_lock_duration_ms = static_cast<int32_t>(std::clamp<int64_t>(
      c.group_share_record_lock_duration_ms, 1, std::numeric_limits<int32_t>::max()));
  g.share_delivery_count_limit = c.group_share_delivery_count_limit;
  g.share_auto_offset_reset =
      parse_share_offset_reset(c.share_auto_offset_reset).value_or(share_offset_reset{});
  g.share_read_committed = c.share_isolation_read_committed;
  return g;
}

group_config apply_group_overrides(group_config g, const group_overrides& o) {
  auto set_int = [&](std::string_view key, int32_t& field) {
    if (auto it = o.find(key); it != o.end()) {
      if (auto v = parse_int(it->second)) field = *v;
    }
  };
  set_int(kConsumerSession, g.consumer_session_timeout_ms);
  set_int(kConsumerHeartbeat, g.consumer_heartbeat_interval_ms);
  set_int(kShareSession, g.share_session_timeout_ms);
  set_int(kShareHeartbeat, g.share_heartbeat_interval_ms);
  set_int(kShareLock, g.share_record_lock_duration_ms);
  set_int(kShareDeliveryLimit, g.share_delivery_count_limit);
  if (auto it = o.find(kShareOffsetReset); it != o.end()) {
    if (auto r = parse_share_offset_reset(it->second)) g.share_auto_offset_reset = *r;
  }
  if (auto it = o.find(kShareIsolation); it != o.end()) {
    g.share_read_committed = it->second == "read_committed";
  }
  return g;
}

group_config effective_group_config(const broker_config& cfg, const group_overrides& o) {
  return apply_group_overrides(group_config_defaults(cfg), o);
}

group_config effective_group_config(const broker_config& cfg, const group_config_store* store,
                                    std::string_view group) {
  if (store == nullptr) return group_config_defaults(cfg);
  return effective_group_config(cfg, store->overrides(group));
}

}  // namespace sluice::broker
