#include <gtest/gtest.h>

#include "broker/api_table.h"
#include "protocol/messages/alter_configs.h"
#include "protocol/messages/describe_configs.h"
#include "tests/broker/fake_shard.h"

namespace sluice::broker {
namespace {

using protocol::alter_configs_request;
using protocol::alter_configs_response;
using protocol::error_code;

class alter_configs_handler : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(shard_.topics().create_topic("t", 2)); }

  alter_configs_response::alter_configs_resource_response alter(
      std::vector<alter_configs_request::alterable_config> configs, bool validate_only = false,
      int8_t type = protocol::config_resource_topic, std::string name = "t") {
    alter_configs_request r;
    r.resources.push_back({type, std::move(name), std::move(configs)});
    r.validate_only = validate_only;
    auto a = std::make_shared<test::answer>();
    handle_alter_configs(shard_, test::make_request(r, 1), test::capture(a));
    EXPECT_TRUE(a->called && a->value);
    return test::decode_answer<alter_configs_response>(*a->value, 1).responses.at(0);
  }

  test::fake_shard shard_;
};

TEST_F(alter_configs_handler, applies_to_every_partition_at_once) {
  EXPECT_EQ(
      alter({{"retention.ms", "1234"}, {"message.timestamp.type", "LogAppendTime"}}).error_code,
      error_code::none);
  for (int32_t p : {0, 1}) {
    EXPECT_EQ(shard_.topics().get("t", p)->config().retention_ms, 1234);
    EXPECT_TRUE(shard_.topics().get("t", p)->config().log_append_time);
  }
}

TEST_F(alter_configs_handler, the_set_replaces_every_override) {
  ASSERT_EQ(alter({{"retention.ms", "1234"}}).error_code, error_code::none);
  ASSERT_EQ(alter({{"retention.bytes", "99"}}).error_code, error_code::none);
  EXPECT_EQ(shard_.topics().configs().get("t"), (topic_overrides{{"retention.bytes", "99"}}));
  EXPECT_EQ(shard_.topics().get("t", 0)->config().retention_ms,
            shard_.config().log_retention_ms);  // back to the default
  ASSERT_EQ(alter({}).error_code, error_code::none);
  EXPECT_TRUE(shard_.topics().configs().get("t").empty());
}

TEST_F(alter_configs_handler, a_bad_value_changes_nothing) {
  ASSERT_EQ(alter({{"retention.ms", "1234"}}).error_code, error_code::none);
  auto r = alter({{"retention.ms", "1"}, {"cleanup.policy", "shred"}});
  EXPECT_EQ(r.error_code, error_code::invalid_config);
  EXPECT_TRUE(r.error_message->find("cleanup.policy") != std::string::npos);
  EXPECT_EQ(shard_.topics().get("t", 0)->config().retention_ms, 1234);
}

TEST_F(alter_configs_handler, validate_only_changes_nothing) {
  EXPECT_EQ(alter({{"retention.ms", "1"}}, true).error_code, error_code::none);
  EXPECT_TRUE(shard_.topics().configs().get("t").empty());
}

TEST_F(alter_configs_handler, unknown_topics_and_broker_resources_are_refused) {
  EXPECT_EQ(alter({}, false, protocol::config_resource_topic, "nope").error_code,
            error_code::unknown_topic_or_partition);
  EXPECT_EQ(
      alter({{"num.partitions", "3"}}, false, protocol::config_resource_broker, "0").error_code,
      error_code::policy_violation);
}

TEST_F(alter_configs_handler, an_internal_topic_is_topic_authorization_failed) {
  ASSERT_FALSE(shard_.topics().create_topic("__consumer_offsets", 1));
  for (bool validate_only : {false, true}) {
    EXPECT_EQ(alter({{"retention.ms", "1"}}, validate_only, protocol::config_resource_topic,
                    "__consumer_offsets")
                  .error_code,
              error_code::topic_authorization_failed);
  }
  EXPECT_TRUE(shard_.topics().configs().get("__consumer_offsets").empty());
  EXPECT_NE(shard_.topics().get("__consumer_offsets", 0)->config().retention_ms, 1);
}

}  // namespace
}  // namespace sluice::broker
