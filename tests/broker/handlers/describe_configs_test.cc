#include <gtest/gtest.h>

#include "broker/api_table.h"
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

TEST_F(describe_configs_handler, synonyms_name_the_override_and_the_broker_key) {
  auto r = describe(protocol::config_resource_topic, "t", std::vector<std::string>{"retention.ms"},
                    1, true);
  const auto& s = r.configs.at(0).synonyms;
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].name, "retention.ms");
  EXPECT_EQ(s[1].name, "log.retention.ms");
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
  }
  EXPECT_EQ(describe(protocol::config_resource_broker, "7").error_code,
            error_code::invalid_request);
}

}  // namespace
}  // namespace sluice::broker
