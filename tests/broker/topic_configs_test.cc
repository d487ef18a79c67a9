#include "broker/topic_configs.h"

#include <gtest/gtest.h>

#include <set>

#include "broker/config.h"

namespace sluice::broker {
namespace {

TEST(topic_configs, overrides_replace_the_broker_defaults) {
  broker_config cfg;
  cfg.log_retention_ms = 1000;
  auto c = effective_log_config(cfg, {});
  EXPECT_EQ(c.retention_ms, 1000);
  c = effective_log_config(cfg, {{"retention.ms", "5"},
                                 {"segment.bytes", "4096"},
                                 {"segment.ms", "60000"},
                                 {"max.message.bytes", "100"},
                                 {"message.timestamp.type", "LogAppendTime"}});
  EXPECT_EQ(c.retention_ms, 5);
  EXPECT_EQ(c.segment_bytes, 4096u);
  EXPECT_EQ(c.roll_ms, 60000);
  EXPECT_EQ(c.max_message_bytes, 100u);
  EXPECT_TRUE(c.log_append_time);
}

TEST(topic_configs, validation_follows_kafka_types_and_bounds) {
  EXPECT_FALSE(validate_topic_config("retention.ms", "-1"));
  EXPECT_TRUE(validate_topic_config("retention.ms", "-2"));
  EXPECT_TRUE(validate_topic_config("retention.ms", ""));
  EXPECT_TRUE(validate_topic_config("retention.ms", "1h"));
  EXPECT_FALSE(validate_topic_config("retention.bytes", "-5"));  // any long, as Kafka
  EXPECT_TRUE(validate_topic_config("segment.bytes", "13"));
  EXPECT_TRUE(validate_topic_config("max.message.bytes", "4294967296"));  // an int
  EXPECT_FALSE(validate_topic_config("unclean.leader.election.enable", "TRUE"));
  EXPECT_TRUE(validate_topic_config("preallocate", "yes"));
  EXPECT_FALSE(validate_topic_config("min.cleanable.dirty.ratio", "0.25"));
  EXPECT_TRUE(validate_topic_config("min.cleanable.dirty.ratio", "1.5"));
  EXPECT_FALSE(validate_topic_config("leader.replication.throttled.replicas", "0:0,1:0"));
  EXPECT_FALSE(validate_topic_config("follower.replication.throttled.replicas", "*"));
  EXPECT_TRUE(validate_topic_config("leader.replication.throttled.replicas", "0-0"));
  EXPECT_FALSE(validate_topic_config("message.format.version", "3.0-IV1"));
  EXPECT_FALSE(validate_topic_config("message.format.version", "2.8"));
  EXPECT_TRUE(validate_topic_config("message.format.version", "three"));
  EXPECT_FALSE(validate_topic_config("local.retention.ms", "-2"));
  EXPECT_TRUE(validate_topic_config("local.retention.ms", "-3"));
  EXPECT_TRUE(validate_topic_config("compression.gzip.level", "10"));
  auto unknown = validate_topic_config("unknown.key", "1");
  ASSERT_TRUE(unknown);
  EXPECT_NE(unknown->find("unknown.key"), std::string::npos);
}

// Keys whose behaviour Sluice lacks are refused with a message naming the
// key and why, never accepted and ignored.
TEST(topic_configs, behaviour_sluice_lacks_is_refused_by_name) {
  EXPECT_FALSE(validate_topic_config("cleanup.policy", "delete"));
  // Compaction exists (log/cleaner.h): both policies are accepted.
  EXPECT_FALSE(validate_topic_config("cleanup.policy", "compact"));
  EXPECT_FALSE(validate_topic_config("cleanup.policy", "compact,delete"));
  for (auto [key, value] : std::vector<std::pair<std::string, std::string>>{
           {"compression.type", "zstd"},
           {"remote.storage.enable", "true"},
           {"min.insync.replicas", "2"},
           {"segment.jitter.ms", "1000"},
           {"message.timestamp.difference.max.ms", "3600000"},
           {"message.timestamp.before.max.ms", "1"},
           {"message.timestamp.after.max.ms", "1"}}) {
    auto err = validate_topic_config(key, value);
    ASSERT_TRUE(err) << key << "=" << value;
    EXPECT_NE(err->find(key), std::string::npos) << *err;
    EXPECT_NE(err->find("not supported"), std::string::npos) << *err;
  }
  // The value that matches what Sluice does is accepted (clients send defaults).
  EXPECT_FALSE(validate_topic_config("message.timestamp.difference.max.ms", "9223372036854775807"));
  EXPECT_FALSE(validate_topic_config("min.insync.replicas", "1"));
  EXPECT_FALSE(validate_topic_config("compression.type", "producer"));
  EXPECT_FALSE(validate_topic_config("remote.storage.enable", "FALSE"));
  // A value of the wrong type is a type error, not a "not supported".
  auto err = validate_topic_config("cleanup.policy", "shred");
  ASSERT_TRUE(err);
  EXPECT_EQ(err->find("not supported"), std::string::npos);
}

TEST(topic_configs, every_kafka_topic_key_is_known_once) {
  std::set<std::string_view> names;
  for (const auto& k : topic_config_keys()) {
    EXPECT_TRUE(names.insert(k.name).second) << k.name;
    EXPECT_FALSE(k.broker_synonyms[0].empty()) << k.name;
    // Every key's described default is a value it accepts.
    broker_config cfg;
    EXPECT_FALSE(validate_topic_config(k.name, topic_config_default(cfg, k.name))) << k.name;
  }
  for (std::string_view k : {"cleanup.policy",
                             "compression.type",
                             "delete.retention.ms",
                             "file.delete.delay.ms",
                             "flush.messages",
                             "flush.ms",
                             "follower.replication.throttled.replicas",
                             "index.interval.bytes",
                             "leader.replication.throttled.replicas",
                             "local.retention.bytes",
                             "local.retention.ms",
                             "max.compaction.lag.ms",
                             "max.message.bytes",
                             "message.downconversion.enable",
                             "message.format.version",
                             "message.timestamp.after.max.ms",
                             "message.timestamp.before.max.ms",
                             "message.timestamp.difference.max.ms",
                             "message.timestamp.type",
                             "min.cleanable.dirty.ratio",
                             "min.compaction.lag.ms",
                             "min.insync.replicas",
                             "preallocate",
                             "remote.storage.enable",
                             "retention.bytes",
                             "retention.ms",
                             "segment.bytes",
                             "segment.index.bytes",
                             "segment.jitter.ms",
                             "segment.ms",
                             "unclean.leader.election.enable"}) {
    EXPECT_EQ(names.count(k), 1u) << k;
  }
}

TEST(topic_configs, defaults_are_shown_with_the_broker_values) {
  broker_config cfg;
  cfg.log_segment_bytes = 123456;
  EXPECT_EQ(topic_config_default(cfg, "segment.bytes"), "123456");
  EXPECT_EQ(topic_config_default(cfg, "message.timestamp.type"), "CreateTime");
  EXPECT_EQ(topic_config_default(cfg, "delete.retention.ms"), "86400000");
  EXPECT_EQ(topic_config_default(cfg, "min.insync.replicas"), "1");
}

// Kafka's order: the topic override, the broker keys the file set (in
// precedence order), then the broker keys' own defaults.
TEST(topic_configs, synonyms_follow_kafkas_order_and_sources) {
  broker_config cfg;
  const topic_config_key* key = find_topic_config_key("retention.ms");
  ASSERT_NE(key, nullptr);
  auto s = topic_config_synonyms(cfg, {}, *key);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].name, "log.retention.hours");
  EXPECT_EQ(s[0].value, "168");
  EXPECT_EQ(s[0].source, protocol::config_source_default);

  std::vector<std::string> warnings;
  ASSERT_FALSE(apply_setting(cfg, "log.retention.ms", "3600000", warnings));
  s = topic_config_synonyms(cfg, {{"retention.ms", "5000"}}, *key);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].name, "retention.ms");
  EXPECT_EQ(s[0].source, protocol::config_source_dynamic_topic);
  EXPECT_EQ(s[1].name, "log.retention.ms");
  EXPECT_EQ(s[1].value, "3600000");
  EXPECT_EQ(s[1].source, protocol::config_source_static_broker);
  EXPECT_EQ(s[2].name, "log.retention.hours");
}

TEST(topic_configs, list_values_split_on_commas_and_trim) {
  EXPECT_EQ(split_config_list(" compact , delete,"),
            (std::vector<std::string>{"compact", "delete"}));
  EXPECT_TRUE(split_config_list("").empty());
}

}  // namespace
}  // namespace sluice::broker
