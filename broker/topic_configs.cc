#include "broker/topic_configs.h"

#include <array>
#include <charconv>
#include <cstdint>
#include <limits>

#include "broker/config.h"
#include "broker/topic_table.h"

namespace sluice::broker {
namespace {

// How a key's value is checked: an integer within [min, max], or one of a
// fixed set of words (when `words` is not empty).
struct key_spec {
  topic_config_key key;
  int64_t min;
  int64_t max;
  std::array<std::string_view, 2> words;
};

constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

// Kafka's bounds (LogConfig), except segment.index.bytes: an index smaller
// than 1 KiB would roll a segment every few batches, so Sluice refuses it.
// cleanup.policy accepts only "delete" (no compaction) and compression.type
// only "producer" (Sluice never recompresses): both are listed so clients
// that send Kafka's defaults are accepted.
constexpr std::array kSpecs = {
    key_spec{{"cleanup.policy", "log.cleanup.policy", false}, 0, 0, {"delete", ""}},
    key_spec{{"compression.type", "compression.type", false}, 0, 0, {"producer", ""}},
    key_spec{{"flush.messages", "log.flush.interval.messages", false}, 1, kInt64Max, {}},
    key_spec{{"flush.ms", "log.flush.interval.ms", false}, 0, kInt64Max, {}},
    key_spec{{"index.interval.bytes", "log.index.interval.bytes", false}, 0, kInt32Max, {}},
    key_spec{{"max.message.bytes", "message.max.bytes", false}, 0, kInt32Max, {}},
    key_spec{{"message.timestamp.type", "log.message.timestamp.type", false},
             0,
             0,
             {"CreateTime", "LogAppendTime"}},
    key_spec{{"retention.bytes", "log.retention.bytes", false}, -1, kInt64Max, {}},
    key_spec{{"retention.ms", "log.retention.ms", false}, -1, kInt64Max, {}},
    key_spec{{"segment.bytes", "log.segment.bytes", false}, 14, kInt32Max, {}},
    key_spec{{"segment.index.bytes", "log.index.size.max.bytes", false}, 1024, kInt32Max, {}},
    key_spec{{"segment.ms", "log.roll.ms", false}, 1, kInt64Max, {}},
};

constexpr std::array<topic_config_key, kSpecs.size()> make_keys() {
  std::array<topic_config_key, kSpecs.size()> out{};
  for (size_t i = 0; i < kSpecs.size(); ++i) out[i] = kSpecs[i].key;
  return out;
}
constexpr auto kKeys = make_keys();

const key_spec* find_spec(std::string_view name) {
  for (const key_spec& s : kSpecs) {
    if (s.key.name == name) return &s;
  }
  return nullptr;
}

std::optional<int64_t> parse_int(std::string_view text) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

}  // namespace

std::span<const topic_config_key> topic_config_keys() { return kKeys; }

const topic_config_key* find_topic_config_key(std::string_view name) {
  const key_spec* s = find_spec(name);
  return s == nullptr ? nullptr : &s->key;
}

std::optional<std::string> validate_topic_config(std::string_view name, std::string_view value) {
  const key_spec* s = find_spec(name);
  if (s == nullptr) return "unknown or unsupported topic config " + std::string(name);
  if (!s->words[0].empty()) {
    for (std::string_view w : s->words) {
      if (!w.empty() && w == value) return std::nullopt;
    }
    std::string allowed(s->words[0]);
    if (!s->words[1].empty()) allowed += " or " + std::string(s->words[1]);
    return "invalid value '" + std::string(value) + "' for " + std::string(name) +
           ": Sluice supports " + allowed;
  }
  auto v = parse_int(value);
  if (!v || *v < s->min || *v > s->max) {
    return "invalid value '" + std::string(value) + "' for " + std::string(name) +
           ": expected an integer in [" + std::to_string(s->min) + ", " + std::to_string(s->max) +
           "]";
  }
  return std::nullopt;
}

std::optional<std::string> validate_topic_overrides(const topic_overrides& o) {
  for (const auto& [k, v] : o) {
    if (auto err = validate_topic_config(k, v)) return err;
  }
  return std::nullopt;
}

std::string topic_config_default(const broker_config& cfg, std::string_view name) {
  const log::log_config d = cfg.topic_log_config();
  if (name == "cleanup.policy") return "delete";
  if (name == "compression.type") return "producer";
  if (name == "flush.messages") return std::to_string(d.flush_interval_messages);
  if (name == "flush.ms") return std::to_string(d.flush_interval_ms);
  if (name == "index.interval.bytes") return std::to_string(d.index_interval_bytes);
  if (name == "max.message.bytes") return std::to_string(d.max_message_bytes);
  if (name == "message.timestamp.type") return d.log_append_time ? "LogAppendTime" : "CreateTime";
  if (name == "retention.bytes") return std::to_string(d.retention_bytes);
  if (name == "retention.ms") return std::to_string(d.retention_ms);
  if (name == "segment.bytes") return std::to_string(d.segment_bytes);
  if (name == "segment.index.bytes") return std::to_string(d.max_index_bytes);
  if (name == "segment.ms") return std::to_string(d.roll_ms);
  return {};
}

log::log_config effective_log_config(const broker_config& cfg, const topic_overrides& o) {
  log::log_config c = cfg.topic_log_config();
  for (const auto& [name, value] : o) {
    // Values were validated when stored; a bad one (a hand-edited file) is skipped.
    if (validate_topic_config(name, value)) continue;
    if (name == "message.timestamp.type") {
      c.log_append_time = value == "LogAppendTime";
      continue;
    }
    const int64_t v = parse_int(value).value_or(0);
    if (name == "flush.messages") c.flush_interval_messages = v;
    if (name == "flush.ms") c.flush_interval_ms = v;
    if (name == "index.interval.bytes") c.index_interval_bytes = static_cast<uint32_t>(v);
    if (name == "max.message.bytes") c.max_message_bytes = static_cast<uint32_t>(v);
    if (name == "retention.bytes") c.retention_bytes = v;
    if (name == "retention.ms") c.retention_ms = v;
    if (name == "segment.bytes") c.segment_bytes = static_cast<uint64_t>(v);
    if (name == "segment.index.bytes") c.max_index_bytes = static_cast<uint32_t>(v);
    if (name == "segment.ms") c.roll_ms = v;
  }
  return c;
}

void apply_topic_config(topic_table& topics, const broker_config& cfg, const std::string& topic) {
  auto ids = topics.partitions(topic);
  if (!ids) return;
  const log::log_config c = effective_log_config(cfg, topics.configs().get(topic));
  for (int32_t id : *ids) {
    log::partition_log* p = topics.get(topic, id);
    if (p == nullptr) continue;
    log::log_config mine = c;
    mine.clock = p->config().clock;
    p->update_config(mine);
  }
}

}  // namespace sluice::broker
