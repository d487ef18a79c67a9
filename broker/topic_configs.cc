#include "broker/topic_configs.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <limits>

#include "broker/config.h"
#include "broker/topic_table.h"

namespace sluice::broker {
namespace {

using protocol::config_type;
using handling = topic_config_handling;

// How a value is checked, as Kafka's ConfigDef does for the key's type and
// validator: integers within [min, max]; a boolean; a ratio in [0, 1]; one
// word of `words` (comma-separated); a list of such words; a replica list for
// the throttles ("", "*" or partition:broker pairs); a metadata version.
enum class check { integer, boolean, ratio, word, word_list, replica_list, version };

struct key_spec {
  topic_config_key key;
  check how;
  int64_t min = 0;
  int64_t max = 0;
  std::string_view words;  // allowed words (word, word_list)
  // one_value keys: the only value Sluice accepts, and why.
  std::string_view only;
  std::string_view why;
  // Kafka's default for a key Sluice does not compute from its broker config.
  std::string_view fallback;
};

constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
constexpr std::string_view kLongMax = "9223372036854775807";

constexpr key_spec spec(std::string_view name, config_type type, handling h,
                        std::array<std::string_view, 3> synonyms,
                        std::array<std::string_view, 3> defaults, std::string_view doc, check how,
                        int64_t min = 0, int64_t max = 0, std::string_view words = {}) {
  key_spec s{};
  s.key = {name, type, h, synonyms, defaults, doc, false};
  s.how = how;
  s.min = min;
  s.max = max;
  s.words = words;
  return s;
}
constexpr key_spec only(key_spec s, std::string_view value, std::string_view why) {
  s.only = value;
  s.why = why;
  s.fallback = value;
  return s;
}
constexpr key_spec stored(key_spec s, std::string_view kafka_default) {
  s.fallback = kafka_default;
  return s;
}

// Kafka's keys, types, validators and synonyms (LogConfig, TopicConfig,
// ServerTopicConfigSynonyms), except segment.index.bytes: an index smaller
// than 1 KiB would roll a segment every few batches, so Sluice refuses it.
constexpr std::array kSpecs = {
    spec("cleanup.policy", config_type::list, handling::applied, {"log.cleanup.policy"}, {"delete"},
         "delete: old segments are deleted by retention; compact: the log cleaner keeps the "
         "latest record of each key",
         check::word_list, 0, 0, "compact,delete"),
    only(spec("compression.type", config_type::string, handling::one_value, {"compression.type"},
              {"producer"}, "producer: batches are kept as the producer compressed them",
              check::word, 0, 0, "uncompressed,zstd,lz4,snappy,gzip,producer"),
         "producer",
         "Sluice stores batches as the producer compressed them and does not recompress; only "
         "compression.type=producer is supported"),
    stored(spec("compression.gzip.level", config_type::int_, handling::stored,
                {"compression.gzip.level"}, {"-1"},
                "gzip level for broker-side recompression (inert: compression.type=producer)",
                check::integer, -1, 9),
           "-1"),
    stored(spec("compression.lz4.level", config_type::int_, handling::stored,
                {"compression.lz4.level"}, {"9"},
                "lz4 level for broker-side recompression (inert: compression.type=producer)",
                check::integer, 1, 17),
           "9"),
    stored(spec("compression.zstd.level", config_type::int_, handling::stored,
                {"compression.zstd.level"}, {"3"},
                "zstd level for broker-side recompression (inert: compression.type=producer)",
                check::integer, -131072, 22),
           "3"),
    spec("delete.retention.ms", config_type::long_, handling::applied,
         {"log.cleaner.delete.retention.ms"}, {"86400000"},
         "how long compaction keeps a tombstone after the round that first kept it", check::integer,
         0, kInt64Max),
    stored(spec("file.delete.delay.ms", config_type::long_, handling::stored,
                {"log.segment.delete.delay.ms"}, {"60000"},
                "delay before a deleted segment's files are removed (Sluice removes them at once; "
                "readers keep their open files)",
                check::integer, 0, kInt64Max),
           "60000"),
    spec("flush.messages", config_type::long_, handling::applied, {"log.flush.interval.messages"},
         {kLongMax}, "fdatasync after this many messages (page_cache durability)", check::integer,
         1, kInt64Max),
    spec("flush.ms", config_type::long_, handling::applied,
         {"log.flush.interval.ms", "log.flush.scheduler.interval.ms"}, {"", kLongMax},
         "fdatasync after this many ms (page_cache durability)", check::integer, 0, kInt64Max),
    stored(spec("follower.replication.throttled.replicas", config_type::list, handling::stored,
                {"follower.replication.throttled.replicas"}, {""},
                "replicas throttled when followers fetch (inert: one node, no followers)",
                check::replica_list),
           ""),
    spec("index.interval.bytes", config_type::int_, handling::applied, {"log.index.interval.bytes"},
         {"4096"}, "bytes between offset index entries", check::integer, 0, kInt32Max),
    stored(spec("leader.replication.throttled.replicas", config_type::list, handling::stored,
                {"leader.replication.throttled.replicas"}, {""},
                "replicas throttled on the leader side (inert: one node, no followers)",
                check::replica_list),
           ""),
    stored(spec("local.retention.bytes", config_type::long_, handling::stored,
                {"log.local.retention.bytes"}, {"-2"},
                "local retention with tiered storage (inert: no tiered storage)", check::integer,
                -2, kInt64Max),
           "-2"),
    stored(
        spec("local.retention.ms", config_type::long_, handling::stored, {"log.local.retention.ms"},
             {"-2"}, "local retention with tiered storage (inert: no tiered storage)",
             check::integer, -2, kInt64Max),
        "-2"),
    spec("max.compaction.lag.ms", config_type::long_, handling::applied,
         {"log.cleaner.max.compaction.lag.ms"}, {kLongMax},
         "longest time a record stays uncompacted", check::integer, 1, kInt64Max),
    spec("max.message.bytes", config_type::int_, handling::applied, {"message.max.bytes"},
         {"1048588"}, "largest record batch accepted", check::integer, 0, kInt32Max),
    stored(spec("message.downconversion.enable", config_type::boolean, handling::stored,
                {"log.message.downconversion.enable"}, {"true"},
                "down-conversion for old consumers (inert: Fetch below v4 is not served)",
                check::boolean),
           "true"),
    stored(spec("message.format.version", config_type::string, handling::stored,
                {"log.message.format.version"}, {"3.0-IV1"},
                "deprecated; record batches are always v2, as in Kafka 3.0+", check::version),
           "3.0-IV1"),
    only(spec("message.timestamp.after.max.ms", config_type::long_, handling::one_value,
              {"log.message.timestamp.after.max.ms"}, {kLongMax},
              "how far ahead of the broker's clock a CreateTime timestamp may be (not enforced)",
              check::integer, 0, kInt64Max),
         kLongMax, "Sluice does not check record timestamps against its clock yet"),
    only(spec("message.timestamp.before.max.ms", config_type::long_, handling::one_value,
              {"log.message.timestamp.before.max.ms"}, {kLongMax},
              "how far behind the broker's clock a CreateTime timestamp may be (not enforced)",
              check::integer, 0, kInt64Max),
         kLongMax, "Sluice does not check record timestamps against its clock yet"),
    only(spec("message.timestamp.difference.max.ms", config_type::long_, handling::one_value,
              {"log.message.timestamp.difference.max.ms"}, {kLongMax},
              "deprecated bound on CreateTime timestamps (not enforced)", check::integer, 0,
              kInt64Max),
         kLongMax, "Sluice does not check record timestamps against its clock yet"),
    spec("message.timestamp.type", config_type::string, handling::applied,
         {"log.message.timestamp.type"}, {"CreateTime"},
         "CreateTime keeps the producer's timestamps, LogAppendTime stamps the broker's",
         check::word, 0, 0, "CreateTime,LogAppendTime"),
    spec("min.cleanable.dirty.ratio", config_type::double_, handling::applied,
         {"log.cleaner.min.cleanable.ratio"}, {"0.5"}, "dirty ratio that triggers compaction",
         check::ratio),
    spec("min.compaction.lag.ms", config_type::long_, handling::applied,
         {"log.cleaner.min.compaction.lag.ms"}, {"0"}, "shortest time a record stays uncompacted",
         check::integer, 0, kInt64Max),
    only(
        spec("min.insync.replicas", config_type::int_, handling::one_value, {"min.insync.replicas"},
             {"1"}, "replicas that must have an acks=all write (one node: always 1)",
             check::integer, 1, kInt32Max),
        "1", "Sluice is a single-node broker: its in-sync replica set is always 1"),
    stored(spec("preallocate", config_type::boolean, handling::stored, {"log.preallocate"},
                {"false"}, "preallocate segment files (inert: a performance hint)", check::boolean),
           "false"),
    stored(spec("remote.log.copy.disable", config_type::boolean, handling::stored,
                {"remote.log.copy.disable"}, {"false"},
                "stop copying to tiered storage (inert: no tiered storage)", check::boolean),
           "false"),
    stored(spec("remote.log.delete.on.disable", config_type::boolean, handling::stored,
                {"remote.log.delete.on.disable"}, {"false"},
                "delete tiered data when disabled (inert: no tiered storage)", check::boolean),
           "false"),
    only(spec("remote.storage.enable", config_type::boolean, handling::one_value,
              {"remote.storage.enable"}, {"false"}, "tiered storage (not available in Sluice)",
              check::boolean),
         "false", "Sluice has no tiered storage"),
    spec("retention.bytes", config_type::long_, handling::applied, {"log.retention.bytes"}, {"-1"},
         "largest size of a partition before old segments are deleted (-1: no limit)",
         check::integer, kInt64Min, kInt64Max),
    spec("retention.ms", config_type::long_, handling::applied,
         {"log.retention.ms", "log.retention.minutes", "log.retention.hours"}, {"", "", "168"},
         "longest time a segment is kept (-1: no limit)", check::integer, -1, kInt64Max),
    spec("segment.bytes", config_type::int_, handling::applied, {"log.segment.bytes"},
         {"1073741824"}, "segment size before a new one is rolled", check::integer, 14, kInt32Max),
    spec("segment.index.bytes", config_type::int_, handling::applied, {"log.index.size.max.bytes"},
         {"10485760"}, "largest offset index of a segment", check::integer, 1024, kInt32Max),
    only(spec("segment.jitter.ms", config_type::long_, handling::one_value,
              {"log.roll.jitter.ms", "log.roll.jitter.hours"}, {"", "0"},
              "random jitter subtracted from segment.ms (Sluice rolls without jitter)",
              check::integer, 0, kInt64Max),
         "0", "Sluice rolls segments exactly at segment.ms, without jitter"),
    spec("segment.ms", config_type::long_, handling::applied, {"log.roll.ms", "log.roll.hours"},
         {"", "168"}, "age of a segment before a new one is rolled", check::integer, 1, kInt64Max),
    stored(spec("unclean.leader.election.enable", config_type::boolean, handling::stored,
                {"unclean.leader.election.enable"}, {"false"},
                "elect an out-of-sync replica (inert: one node, one replica)", check::boolean),
           "false"),
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
  text = trim_blanks(text);  // Kafka trims values before parsing them
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_word(std::string_view words, std::string_view w) {
  for (const std::string& allowed : split_config_list(words)) {
    if (allowed == w) return true;
  }
  return false;
}

// "0:1,1:1" or "*" or "": Kafka's ThrottledReplicaListValidator.
bool valid_replica_list(std::string_view value) {
  auto items = split_config_list(value);
  if (items.size() == 1 && items[0] == "*") return true;
  for (const std::string& item : items) {
    const size_t colon = item.find(':');
    if (colon == std::string::npos) return false;
    if (!parse_int(item.substr(0, colon)) || !parse_int(item.substr(colon + 1))) return false;
  }
  return true;
}

// "3.0", "3.0-IV1", "2.8-IV0", "0.10.2": Kafka's version strings.
bool valid_version(std::string_view v) {
  const size_t dash = v.find('-');
  std::string_view numbers = v.substr(0, dash);
  if (dash != std::string_view::npos) {
    std::string_view iv = v.substr(dash + 1);
    if (iv.size() < 3 || iv.substr(0, 2) != "IV" || !parse_int(iv.substr(2))) return false;
  }
  int parts = 0;
  while (!numbers.empty()) {
    const size_t dot = numbers.find('.');
    if (!parse_int(numbers.substr(0, dot))) return false;
    ++parts;
    if (dot == std::string_view::npos) break;
    numbers.remove_prefix(dot + 1);
    if (numbers.empty()) return false;
  }
  return parts >= 2 && parts <= 3;
}

// The value in the form used to compare with `only`; nullopt if invalid.
std::optional<std::string> normalise(const key_spec& s, std::string_view value,
                                     std::string& expected) {
  switch (s.how) {
    case check::integer: {
      expected = "an integer in [" + std::to_string(s.min) + ", " + std::to_string(s.max) + "]";
      auto v = parse_int(value);
      if (!v || *v < s.min || *v > s.max) return std::nullopt;
      return std::to_string(*v);
    }
    case check::boolean: {
      expected = "true or false";
      std::string b = lower(value);
      if (b != "true" && b != "false") return std::nullopt;
      return b;
    }
    case check::ratio: {
      expected = "a number in [0, 1]";
      double d = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), d);
      if (ec != std::errc{} || end != value.data() + value.size() || !(d >= 0 && d <= 1)) {
        return std::nullopt;
      }
      return std::string(value);
    }
    case check::word:
      expected = "one of " + std::string(s.words);
      if (!is_word(s.words, value)) return std::nullopt;
      return std::string(value);
    case check::word_list: {
      expected = "a list of " + std::string(s.words);
      auto items = split_config_list(value);
      if (items.empty()) return std::nullopt;
      for (const std::string& item : items) {
        if (!is_word(s.words, item)) return std::nullopt;
      }
      return join_config_list(items);
    }
    case check::replica_list:
      expected = "\"*\" or a list of partition:broker pairs";
      if (!valid_replica_list(value)) return std::nullopt;
      return std::string(value);
    case check::version:
      expected = "a version such as 3.0-IV1";
      if (!valid_version(value)) return std::nullopt;
      return std::string(value);
  }
  return std::nullopt;
}

// Shortest text that reads back as the same double ("0.5").
std::string format_ratio(double d) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  return ec == std::errc{} ? std::string(buf, end) : std::to_string(d);
}

}  // namespace

std::span<const topic_config_key> topic_config_keys() { return kKeys; }

const topic_config_key* find_topic_config_key(std::string_view name) {
  const key_spec* s = find_spec(name);
  return s == nullptr ? nullptr : &s->key;
}

std::optional<std::string> validate_topic_config(std::string_view name, std::string_view value) {
  const key_spec* s = find_spec(name);
  if (s == nullptr) return "unknown topic config " + std::string(name);
  std::string expected;
  auto normal = normalise(*s, value, expected);
  if (!normal) {
    return "invalid value '" + std::string(value) + "' for " + std::string(name) + ": expected " +
           expected;
  }
  if (!s->only.empty() && *normal != s->only) {
    return std::string(name) + "=" + std::string(value) +
           " is not supported: " + std::string(s->why);
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
  if (name == "cleanup.policy") return log::cleanup_policy_name(d);
  if (name == "delete.retention.ms") return std::to_string(d.delete_retention_ms);
  if (name == "max.compaction.lag.ms") return std::to_string(d.max_compaction_lag_ms);
  if (name == "min.compaction.lag.ms") return std::to_string(d.min_compaction_lag_ms);
  if (name == "min.cleanable.dirty.ratio") return format_ratio(d.min_cleanable_dirty_ratio);
  const key_spec* s = find_spec(name);
  return s != nullptr ? std::string(s->fallback) : std::string();
}

described_config describe_topic_config(const broker_config& cfg, const topic_overrides& o,
                                       const topic_config_key& key) {
  described_config d;
  auto it = o.find(key.name);
  d.value = it != o.end() ? it->second : topic_config_default(cfg, key.name);
  d.synonyms = topic_config_synonyms(cfg, o, key);
  d.source = d.synonyms.empty() ? protocol::config_source_default : d.synonyms.front().source;
  return d;
}

std::vector<config_synonym> topic_config_synonyms(const broker_config& cfg,
                                                  const topic_overrides& o,
                                                  const topic_config_key& key) {
  std::vector<config_synonym> out;
  if (auto it = o.find(key.name); it != o.end()) {
    out.push_back({std::string(key.name), it->second, protocol::config_source_dynamic_topic});
  }
  // Kafka lists every synonym the broker's file set, in precedence order,
  // then every synonym's built-in default.
  for (std::string_view broker_key : key.broker_synonyms) {
    if (broker_key.empty()) continue;
    if (auto it = cfg.explicit_settings.find(broker_key); it != cfg.explicit_settings.end()) {
      out.push_back({std::string(broker_key), it->second, protocol::config_source_static_broker});
    }
  }
  for (size_t i = 0; i < key.broker_synonyms.size(); ++i) {
    if (key.broker_synonyms[i].empty() || key.synonym_defaults[i].empty()) continue;
    out.push_back({std::string(key.broker_synonyms[i]), std::string(key.synonym_defaults[i]),
                   protocol::config_source_default});
  }
  return out;
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
    if (name == "cleanup.policy") {
      log::apply_cleanup_policy(value, c);
      continue;
    }
    if (name == "min.cleanable.dirty.ratio") {
      c.min_cleanable_dirty_ratio = std::strtod(value.c_str(), nullptr);
      continue;
    }
    if (name == "delete.retention.ms") c.delete_retention_ms = parse_int(value).value_or(0);
    if (name == "min.compaction.lag.ms") c.min_compaction_lag_ms = parse_int(value).value_or(0);
    if (name == "max.compaction.lag.ms") {
      c.max_compaction_lag_ms = parse_int(value).value_or(INT64_MAX);
    }
    const int64_t v = parse_int(value).value_or(0);
    if (name == "flush.messages") c.flush_interval_messages = v;
    if (name == "flush.ms") c.flush_interval_ms = v;
    if (name == "index.interval.bytes") c.index_interval_bytes = static_cast<uint32_t>(v);
    if (name == "max.message.bytes") c.max_message_bytes = static_cast<uint32_t>(v);
    // Kafka reads any negative retention.bytes as "no limit".
    if (name == "retention.bytes") c.retention_bytes = v < 0 ? -1 : v;
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
    p->update_config(c);
  }
}

}  // namespace sluice::broker
