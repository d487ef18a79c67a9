// The compaction keys: broker defaults (log.cleaner.*, log.cleanup.policy)
// and topic overrides reach the partition's log_config with Kafka's defaults.
#include <gtest/gtest.h>

#include "broker/config.h"
#include "broker/topic_configs.h"

namespace sluice::broker {
namespace {

TEST(log_cleaner_config, kafka_defaults_when_nothing_is_set) {
  broker_config cfg;
  const log::log_config c = effective_log_config(cfg, {});
  EXPECT_TRUE(c.cleanup_delete);
  EXPECT_FALSE(c.cleanup_compact);
  EXPECT_DOUBLE_EQ(c.min_cleanable_dirty_ratio, 0.5);
  EXPECT_EQ(c.min_compaction_lag_ms, 0);
  EXPECT_EQ(c.max_compaction_lag_ms, INT64_MAX);
  EXPECT_EQ(c.delete_retention_ms, 86400000);
  EXPECT_TRUE(cfg.log_cleaner_enable);
  EXPECT_EQ(cfg.log_cleaner_backoff_ms, 15000);
  EXPECT_EQ(topic_config_default(cfg, "cleanup.policy"), "delete");
  EXPECT_EQ(topic_config_default(cfg, "min.cleanable.dirty.ratio"), "0.5");
}

std::optional<std::string> set(broker_config& cfg, std::string_view k, std::string_view v) {
  std::vector<std::string> warnings;
  return apply_setting(cfg, k, v, warnings);
}

TEST(log_cleaner_config, broker_keys_set_the_defaults_and_topic_keys_override_them) {
  broker_config cfg;
  ASSERT_FALSE(set(cfg, "log.cleanup.policy", "compact"));
  ASSERT_FALSE(set(cfg, "log.cleaner.min.cleanable.ratio", "0.25"));
  ASSERT_FALSE(set(cfg, "log.cleaner.delete.retention.ms", "1000"));
  ASSERT_FALSE(set(cfg, "log.cleaner.backoff.ms", "50"));
  ASSERT_FALSE(set(cfg, "log.cleaner.enable", "false"));
  EXPECT_TRUE(set(cfg, "log.cleanup.policy", "shred"));
  EXPECT_TRUE(set(cfg, "log.cleaner.min.cleanable.ratio", "2"));
  log::log_config c = effective_log_config(cfg, {});
  EXPECT_TRUE(c.cleanup_compact);
  EXPECT_FALSE(c.cleanup_delete);
  EXPECT_DOUBLE_EQ(c.min_cleanable_dirty_ratio, 0.25);
  EXPECT_EQ(c.delete_retention_ms, 1000);
  EXPECT_EQ(cfg.log_cleaner_backoff_ms, 50);
  EXPECT_FALSE(cfg.log_cleaner_enable);

  c = effective_log_config(cfg, {{"cleanup.policy", "compact,delete"},
                                 {"min.cleanable.dirty.ratio", "0.01"},
                                 {"min.compaction.lag.ms", "5"},
                                 {"max.compaction.lag.ms", "6000"},
                                 {"delete.retention.ms", "7"}});
  EXPECT_TRUE(c.cleanup_compact);
  EXPECT_TRUE(c.cleanup_delete);
  EXPECT_DOUBLE_EQ(c.min_cleanable_dirty_ratio, 0.01);
  EXPECT_EQ(c.min_compaction_lag_ms, 5);
  EXPECT_EQ(c.max_compaction_lag_ms, 6000);
  EXPECT_EQ(c.delete_retention_ms, 7);
  EXPECT_FALSE(validate_topic_config("cleanup.policy", "delete,compact"));
  EXPECT_TRUE(validate_topic_config("cleanup.policy", "shred"));
}

}  // namespace
}  // namespace sluice::broker
