#include <gtest/gtest.h>

#include "broker/api_table.h"
#include "broker/config.h"
#include "broker/topic_configs.h"
#include "protocol/messages/describe_configs.h"
#include "tests/broker/fake_shard.h"

namespace sluice::broker {
namespace {

using protocol::describe_configs_request;
using protocol::describe_configs_response;
using protocol::error_code;

class describe_configs_handler : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(shard_.topics().create_topic("t", 1));
    ASSERT_FALSE(shard_.topics().configs().put("t", {{"retention.ms", "5000"}}));
  }

  describe_configs_response::describe_configs_result describe(
      int8_t type, std::string name, std::optional<std::vector<std::string>> keys = std::nullopt,
      int16_t version = 2, bool synonyms = false) {
    describe_configs_request r;
    r.resources.push_back({type, std::move(name), std::move(keys)});
    r.include_synonyms = synonyms;
    auto a = std::make_shared<test::answer>();
    handle_describe_configs(shard_, test::make_request(r, version), test::capture(a));
    EXPECT_TRUE(a->called && a->value);
    return test::decode_answer<describe_configs_response>(*a->value, version).results.at(0);
  }

  static const describe_configs_response::describe_configs_resource_result* find(
      const describe_configs_response::describe_configs_result& r, std::string_view name) {
    for (const auto& c : r.configs) {
      if (c.name == name) return &c;
    }
    return nullptr;
  }

  test::fake_shard shard_;
};

TEST_F(describe_configs_handler, a_topic_lists_every_key_with_overrides_marked) {
  auto r = describe(protocol::config_resource_topic, "t");
  EXPECT_EQ(r.error_code, error_code::none);
  EXPECT_EQ(r.configs.size(), topic_config_keys().size());
  const auto* retention = find(r, "retention.ms");
  ASSERT_NE(retention, nullptr);
  EXPECT_EQ(retention->value, "5000");
  EXPECT_EQ(retention->config_source, 1);
  const auto* segment = find(r, "segment.bytes");
  ASSERT_NE(segment, nullptr);
  EXPECT_EQ(segment->value, std::to_string(1ull << 30));
  EXPECT_EQ(segment->config_source, 5);
  EXPECT_EQ(find(r, "cleanup.policy")->value, "delete");
}

TEST_F(describe_configs_handler, named_keys_only_and_v0_is_default) {
  auto r = describe(protocol::config_resource_topic, "t",
                    std::vector<std::string>{"retention.ms", "segment.ms", "bogus"}, 0);
  ASSERT_EQ(r.configs.size(), 2u);
  EXPECT_FALSE(find(r, "retention.ms")->is_default);
  EXPECT_TRUE(find(r, "segment.ms")->is_default);
}

// Kafka's order: the override, then the broker keys' defaults (log.retention.ms
// and log.retention.minutes have none; log.retention.hours is 168).
TEST_F(describe_configs_handler, synonyms_name_the_override_and_the_broker_keys) {
  for (int16_t v : {1, 4}) {
    auto r = describe(protocol::config_resource_topic, "t",
                      std::vector<std::string>{"retention.ms", "segment.ms"}, v, true);
    const auto& s = r.configs.at(0).synonyms;
    ASSERT_EQ(s.size(), 2u);
    EXPECT_EQ(s[0].name, "retention.ms");
    EXPECT_EQ(s[0].source, protocol::config_source_dynamic_topic);
    EXPECT_EQ(s[1].name, "log.retention.hours");
    EXPECT_EQ(s[1].value, "168");
    EXPECT_EQ(s[1].source, protocol::config_source_default);
    const auto& segment = r.configs.at(1);
    EXPECT_EQ(segment.config_source, protocol::config_source_default);
    ASSERT_EQ(segment.synonyms.size(), 1u);
    EXPECT_EQ(segment.synonyms[0].name, "log.roll.hours");
  }
}

// A broker key set in the properties file makes the topic's value come from
// STATIC_BROKER_CONFIG, listed before the defaults.
TEST(describe_configs_handler_static, a_broker_file_setting_is_the_source) {
  broker_config cfg;
  std::vector<std::string> warnings;
  ASSERT_FALSE(apply_properties(cfg, "log.retention.ms=3600000\n", warnings));
  test::fake_shard shard(cfg);
  ASSERT_FALSE(shard.topics().create_topic("t", 1));
  describe_configs_request r;
  r.resources.push_back(
      {protocol::config_resource_topic, "t", std::vector<std::string>{"retention.ms"}});
  r.include_synonyms = true;
  auto a = std::make_shared<test::answer>();
  handle_describe_configs(shard, test::make_request(r, 4), test::capture(a));
  ASSERT_TRUE(a->called && a->value);
  auto res = test::decode_answer<describe_configs_response>(*a->value, 4).results.at(0);
  const auto& c = res.configs.at(0);
  EXPECT_EQ(c.value, "3600000");
  EXPECT_EQ(c.config_source, protocol::config_source_static_broker);
  ASSERT_EQ(c.synonyms.size(), 2u);
  EXPECT_EQ(c.synonyms[0].name, "log.retention.ms");
  EXPECT_EQ(c.synonyms[0].source, protocol::config_source_static_broker);
  EXPECT_EQ(c.synonyms[1].name, "log.retention.hours");
  EXPECT_EQ(c.config_type, static_cast<int8_t>(protocol::config_type::long_));
}

TEST_F(describe_configs_handler, v3_reports_types_and_documentation_when_asked) {
  describe_configs_request r;
  r.resources.push_back({protocol::config_resource_topic, "t",
                         std::vector<std::string>{"cleanup.policy", "preallocate"}});
  r.include_documentation = true;
  auto a = std::make_shared<test::answer>();
  handle_describe_configs(shard_, test::make_request(r, 3), test::capture(a));
  ASSERT_TRUE(a->called && a->value);
  auto res = test::decode_answer<describe_configs_response>(*a->value, 3).results.at(0);
  ASSERT_EQ(res.configs.size(), 2u);
  EXPECT_EQ(res.configs[0].config_type, static_cast<int8_t>(protocol::config_type::list));
  EXPECT_EQ(res.configs[1].config_type, static_cast<int8_t>(protocol::config_type::boolean));
  ASSERT_TRUE(res.configs[0].documentation);
  EXPECT_FALSE(res.configs[0].documentation->empty());
}

TEST_F(describe_configs_handler, unknown_topic_is_an_error_in_its_result) {
  EXPECT_EQ(describe(protocol::config_resource_topic, "nope").error_code,
            error_code::unknown_topic_or_partition);
}

TEST_F(describe_configs_handler, the_broker_shows_its_settings_read_only) {
  for (std::string name : {"", "0"}) {
    auto r = describe(protocol::config_resource_broker, name);
    EXPECT_EQ(r.error_code, error_code::none);
    const auto* n = find(r, "num.partitions");
    ASSERT_NE(n, nullptr);
    EXPECT_EQ(n->value, "1");
    EXPECT_TRUE(n->read_only);
    ASSERT_NE(find(r, "log.retention.ms"), nullptr);
    EXPECT_EQ(n->config_source, protocol::config_source_default);  // nobody set it
  }
  EXPECT_EQ(describe(protocol::config_resource_broker, "7").error_code,
            error_code::invalid_request);
}

}  // namespace
}  // namespace sluice::broker
