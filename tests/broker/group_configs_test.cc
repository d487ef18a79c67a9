#include "broker/group_configs.h"

#include <gtest/gtest.h>

#include "broker/config.h"
#include "broker/group_config_store.h"

namespace sluice::broker {
namespace {

using strategy = share_offset_reset::strategy;

TEST(share_offset_reset, the_three_strategies_parse) {
  EXPECT_EQ(parse_share_offset_reset("latest"), share_offset_reset{});
  EXPECT_EQ(parse_share_offset_reset("EARLIEST")->kind, strategy::earliest);
  auto d = parse_share_offset_reset("by_duration:PT1H30M");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->kind, strategy::by_duration);
  EXPECT_EQ(d->duration_ms, 5400000);
  EXPECT_EQ(parse_share_offset_reset("by_duration:P1DT0.25S")->duration_ms, 86400250);
  EXPECT_EQ(parse_share_offset_reset("by_duration:PT0S")->duration_ms, 0);
}

TEST(share_offset_reset, what_kafka_refuses_is_refused) {
  for (const char* v :
       {"", "hello", "1.0", "none", "by_duration:", "by_duration:1h", "by_duration:-PT1H",
        "by_duration:PT-1H", "by_duration:P", "by_duration:PT", "by_duration:P1H",
        "by_duration:PT1D", "by_duration:PT1M1H", "by_duration:P1W", "by_duration:PT1.5H"}) {
    EXPECT_FALSE(parse_share_offset_reset(v)) << v;
  }
}

TEST(group_configs, unknown_keys_and_bad_values_are_refused_with_the_key_named) {
  broker_config cfg;
  auto err = validate_group_config(cfg, "share.no.such", "1");
  ASSERT_TRUE(err);
  EXPECT_NE(err->find("Unknown group config name: share.no.such"), std::string::npos);
  EXPECT_TRUE(validate_group_config(cfg, "share.isolation.level", "serializable"));
  EXPECT_FALSE(validate_group_config(cfg, "share.isolation.level", "read_committed"));
  EXPECT_TRUE(validate_group_config(cfg, "share.record.lock.duration.ms", "abc"));
  EXPECT_TRUE(validate_group_config(cfg, "share.record.lock.duration.ms", "1.5"));
  EXPECT_FALSE(validate_group_config(cfg, "share.record.lock.duration.ms", "15000"));
}

TEST(group_configs, bounds_come_from_the_brokers_min_and_max_keys) {
  broker_config cfg;
  auto low = validate_group_config(cfg, "share.record.lock.duration.ms", "14999");
  ASSERT_TRUE(low);
  EXPECT_NE(low->find("group.share.min.record.lock.duration.ms"), std::string::npos) << *low;
  EXPECT_TRUE(validate_group_config(cfg, "share.record.lock.duration.ms", "60001"));
  cfg.group_share_min_record_lock_duration_ms = 1000;
  EXPECT_FALSE(validate_group_config(cfg, "share.record.lock.duration.ms", "2000"));
  EXPECT_TRUE(validate_group_config(cfg, "share.heartbeat.interval.ms", "4999"));
  EXPECT_TRUE(validate_group_config(cfg, "consumer.session.timeout.ms", "70000"));
}

TEST(group_configs, the_session_timeout_must_exceed_the_heartbeat_interval) {
  broker_config cfg;
  cfg.group_share_max_heartbeat_interval_ms = 60000;
  EXPECT_TRUE(validate_group_overrides(cfg, {{"share.heartbeat.interval.ms", "45000"}}));
  EXPECT_FALSE(validate_group_overrides(cfg, {{"share.heartbeat.interval.ms", "15000"}}));
}

TEST(group_configs, defaults_are_the_brokers_settings_and_overrides_win) {
  broker_config cfg;
  cfg.share_auto_offset_reset = "earliest";
  cfg.group_share_record_lock_duration_ms = 20000;
  EXPECT_EQ(group_config_default(cfg, "share.auto.offset.reset"), "earliest");
  EXPECT_EQ(group_config_default(cfg, "share.record.lock.duration.ms"), "20000");
  EXPECT_EQ(group_config_default(broker_config{}, "share.auto.offset.reset"), "latest");
  group_config_store store;
  ASSERT_FALSE(store.put("g", {{"share.auto.offset.reset", "by_duration:PT10M"},
                               {"share.isolation.level", "read_committed"}}));
  const group_config g = effective_group_config(cfg, &store, "g");
  EXPECT_EQ(g.share_auto_offset_reset.kind, strategy::by_duration);
  EXPECT_EQ(g.share_auto_offset_reset.duration_ms, 600000);
  EXPECT_TRUE(g.share_read_committed);
  EXPECT_EQ(g.share_record_lock_duration_ms, 20000);
  EXPECT_EQ(effective_group_config(cfg, &store, "other").share_auto_offset_reset.kind,
            strategy::earliest);
}

TEST(group_configs, the_broker_key_takes_the_same_values) {
  broker_config cfg;
  std::vector<std::string> warnings;
  EXPECT_FALSE(apply_setting(cfg, "sluice.share.auto.offset.reset", "by_duration:PT1H", warnings));
  EXPECT_EQ(cfg.share_auto_offset_reset, "by_duration:PT1H");
  EXPECT_TRUE(apply_setting(cfg, "sluice.share.auto.offset.reset", "yesterday", warnings));
}

}  // namespace
}  // namespace sluice::broker
