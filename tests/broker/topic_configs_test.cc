#include "broker/topic_configs.h"

#include <gtest/gtest.h>

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

TEST(topic_configs, validation_follows_kafka_bounds) {
  EXPECT_FALSE(validate_topic_config("retention.ms", "-1"));
  EXPECT_TRUE(validate_topic_config("retention.ms", "-2"));
  EXPECT_TRUE(validate_topic_config("retention.ms", ""));
  EXPECT_TRUE(validate_topic_config("segment.bytes", "13"));
  EXPECT_TRUE(validate_topic_config("max.message.bytes", "4294967296"));
  EXPECT_FALSE(validate_topic_config("cleanup.policy", "delete"));
  EXPECT_TRUE(validate_topic_config("cleanup.policy", "compact"));
  EXPECT_TRUE(validate_topic_config("unknown.key", "1"));
}

TEST(topic_configs, defaults_are_shown_with_the_broker_values) {
  broker_config cfg;
  cfg.log_segment_bytes = 123456;
  EXPECT_EQ(topic_config_default(cfg, "segment.bytes"), "123456");
  EXPECT_EQ(topic_config_default(cfg, "message.timestamp.type"), "CreateTime");
}

}  // namespace
}  // namespace sluice::broker
