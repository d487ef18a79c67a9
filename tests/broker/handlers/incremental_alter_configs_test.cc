#include <gtest/gtest.h>

#include "broker/api_table.h"
#include "protocol/messages/describe_configs.h"
#include "protocol/messages/incremental_alter_configs.h"
#include "tests/broker/fake_shard.h"

namespace sluice::broker {
namespace {

using protocol::config_operation;
using protocol::error_code;
using protocol::incremental_alter_configs_request;
using protocol::incremental_alter_configs_response;
using entry = incremental_alter_configs_request::alterable_config;

entry op(std::string name, config_operation o, std::optional<std::string> value = std::nullopt) {
  return {std::move(name), static_cast<int8_t>(o), std::move(value)};
}

class incremental_alter_configs_handler : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(shard_.topics().create_topic("t", 2));
    ASSERT_FALSE(shard_.topics().configs().put("t", {{"segment.ms", "60000"}}));
  }

  incremental_alter_configs_response::alter_configs_resource_response alter(
      std::vector<entry> configs, bool validate_only = false, int16_t version = 1,
      int8_t type = protocol::config_resource_topic, std::string name = "t") {
    incremental_alter_configs_request r;
    r.resources.push_back({type, std::move(name), std::move(configs)});
    r.validate_only = validate_only;
    auto a = std::make_shared<test::answer>();
    handle_incremental_alter_configs(shard_, test::make_request(r, version), test::capture(a));
    EXPECT_TRUE(a->called && a->value);
    return test::decode_answer<incremental_alter_configs_response>(*a->value, version)
        .responses.at(0);
  }
  const topic_overrides& stored() { return shard_.topics().configs().get("t"); }

  test::fake_shard shard_;
};

TEST_F(incremental_alter_configs_handler, set_changes_one_key_and_keeps_the_others) {
  for (int16_t v : {0, 1}) {
    auto r = alter({op("retention.ms", config_operation::set, "1234")}, false, v);
    EXPECT_EQ(r.error_code, error_code::none);
    EXPECT_EQ(stored(), (topic_overrides{{"retention.ms", "1234"}, {"segment.ms", "60000"}}));
    for (int32_t p : {0, 1}) {
      EXPECT_EQ(shard_.topics().get("t", p)->config().retention_ms, 1234);
      EXPECT_EQ(shard_.topics().get("t", p)->config().roll_ms, 60000);
    }
  }
}

TEST_F(incremental_alter_configs_handler, delete_returns_a_key_to_its_default) {
  EXPECT_EQ(alter({op("segment.ms", config_operation::delete_)}).error_code, error_code::none);
  EXPECT_TRUE(stored().empty());
  EXPECT_EQ(shard_.topics().get("t", 0)->config().roll_ms, broker_config{}.log_roll_ms);
}

TEST_F(incremental_alter_configs_handler, append_and_subtract_edit_list_values) {
  auto r = alter({op("leader.replication.throttled.replicas", config_operation::append, "0:0")});
  EXPECT_EQ(r.error_code, error_code::none);
  r = alter({op("leader.replication.throttled.replicas", config_operation::append, "1:0,0:0")});
  EXPECT_EQ(r.error_code, error_code::none);
  EXPECT_EQ(stored().at("leader.replication.throttled.replicas"), "0:0,1:0");
  r = alter({op("leader.replication.throttled.replicas", config_operation::subtract, "0:0")});
  EXPECT_EQ(r.error_code, error_code::none);
  EXPECT_EQ(stored().at("leader.replication.throttled.replicas"), "1:0");
}

TEST_F(incremental_alter_configs_handler, append_to_a_scalar_is_invalid_config) {
  auto r = alter({op("retention.ms", config_operation::append, "5")});
  EXPECT_EQ(r.error_code, error_code::invalid_config);
  EXPECT_EQ(stored().count("retention.ms"), 0u);
}

// cleanup.policy APPEND shred gives "delete,shred": refused by name, and
// nothing of the resource changes.
TEST_F(incremental_alter_configs_handler, a_bad_policy_is_refused_by_name_and_nothing_changes) {
  auto r = alter({op("retention.ms", config_operation::set, "99"),
                  op("cleanup.policy", config_operation::append, "shred")});
  EXPECT_EQ(r.error_code, error_code::invalid_config);
  ASSERT_TRUE(r.error_message);
  EXPECT_NE(r.error_message->find("cleanup.policy"), std::string::npos);
  EXPECT_EQ(stored(), (topic_overrides{{"segment.ms", "60000"}}));
  EXPECT_NE(shard_.topics().get("t", 0)->config().retention_ms, 99);
}

TEST_F(incremental_alter_configs_handler, validate_only_changes_nothing) {
  EXPECT_EQ(alter({op("retention.ms", config_operation::set, "1")}, true).error_code,
            error_code::none);
  EXPECT_EQ(stored().count("retention.ms"), 0u);
}

TEST_F(incremental_alter_configs_handler, bad_requests_are_refused) {
  EXPECT_EQ(alter({op("retention.ms", config_operation::set, "1"),
                   op("retention.ms", config_operation::delete_)})
                .error_code,
            error_code::invalid_request);
  EXPECT_EQ(alter({{"retention.ms", 9, "1"}}).error_code, error_code::invalid_request);
  EXPECT_EQ(alter({op("no.such.key", config_operation::set, "1")}).error_code,
            error_code::invalid_config);
  EXPECT_EQ(alter({op("retention.ms", config_operation::set, "-7")}).error_code,
            error_code::invalid_config);
  EXPECT_EQ(alter({op("retention.ms", config_operation::set, "1")}, false, 1,
                  protocol::config_resource_topic, "nope")
                .error_code,
            error_code::unknown_topic_or_partition);
  EXPECT_EQ(alter({op("log.retention.ms", config_operation::set, "1")}, false, 1,
                  protocol::config_resource_broker, "0")
                .error_code,
            error_code::policy_violation);
}

TEST_F(incremental_alter_configs_handler, an_internal_topic_is_topic_authorization_failed) {
  ASSERT_FALSE(shard_.topics().create_topic("__consumer_offsets", 1));
  auto r = alter({op("retention.ms", config_operation::set, "1")}, false, 1,
                 protocol::config_resource_topic, "__consumer_offsets");
  EXPECT_EQ(r.error_code, error_code::topic_authorization_failed);
  EXPECT_TRUE(shard_.topics().configs().get("__consumer_offsets").empty());
}

}  // namespace
}  // namespace sluice::broker
