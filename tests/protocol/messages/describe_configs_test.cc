#include "protocol/messages/describe_configs.h"

#include <gtest/gtest.h>

#include "tests/protocol/byte_helpers.h"
#include "tests/protocol/message_test_helpers.h"

namespace sluice::protocol {
namespace {

using testing::body_of;
using testing::bytes_builder;

// kafka-python 2.0.2 (admin, v2, config names None) and kafkajs 2.2.4 (v2,
// which writes an empty name list as null) send the same bytes: describe
// every config of topic "t".
TEST(describe_configs_request, v2_golden_bytes_asking_for_all_keys) {
  // clang-format off
  const auto body = bytes_builder()
                        .be32(1).u8s({config_resource_topic}).be16(1).text("t")
                        .be32(-1)                 // configuration_keys: null, all of them
                        .u8s({0x00})              // include_synonyms (v1+)
                        .take();
  // clang-format on
  describe_configs_request expected;
  expected.resources = {{config_resource_topic, "t", std::nullopt}};
  testing::expect_golden(body, 2, expected);
}

TEST(describe_configs_request, v0_has_no_include_synonyms) {
  describe_configs_request m;
  m.resources = {{config_resource_broker, "1", std::vector<std::string>{"log.retention.ms"}}};
  m.include_synonyms = true;
  // clang-format off
  EXPECT_EQ(body_of(m, 0), bytes_builder()
                               .be32(1).u8s({4}).be16(1).text("1")
                               .be32(1).be16(16).text("log.retention.ms")
                               .take());
  // clang-format on
}

TEST(describe_configs_response, v0_has_is_default_and_no_synonyms) {
  describe_configs_response m;
  describe_configs_response::describe_configs_resource_result c;
  c.name = "retention.ms";
  c.value = "1000";
  c.is_default = true;
  m.results = {{error_code::none, std::nullopt, config_resource_topic, "t", {c}}};
  // clang-format off
  const auto body = bytes_builder()
                        .be32(0)                                       // throttle_time_ms
                        .be32(1).be16(0).be16(-1).u8s({2}).be16(1).text("t")
                        .be32(1).be16(12).text("retention.ms").be16(4).text("1000")
                        .u8s({0x00, 0x01, 0x00})                       // read_only, is_default, sensitive
                        .take();
  // clang-format on
  testing::expect_golden(body, 0, m);
}

TEST(describe_configs_response, v1_replaces_is_default_with_source_and_synonyms) {
  describe_configs_response m;
  describe_configs_response::describe_configs_resource_result c;
  c.name = "retention.ms";
  c.value = "1000";
  c.config_source = 1;  // DYNAMIC_TOPIC_CONFIG
  c.synonyms = {{"retention.ms", "1000", 1}, {"log.retention.ms", std::nullopt, 5}};
  m.throttle_time_ms = 2;
  m.results = {{error_code::none, std::nullopt, config_resource_topic, "t", {c}}};
  // clang-format off
  const auto body = bytes_builder()
                        .be32(2)
                        .be32(1).be16(0).be16(-1).u8s({2}).be16(1).text("t")
                        .be32(1).be16(12).text("retention.ms").be16(4).text("1000")
                        .u8s({0x00})                                   // read_only
                        .u8s({0x01})                                   // config_source
                        .u8s({0x00})                                   // is_sensitive
                        .be32(2)
                        .be16(12).text("retention.ms").be16(4).text("1000").u8s({1})
                        .be16(16).text("log.retention.ms").be16(-1).u8s({5})
                        .take();
  // clang-format on
  testing::expect_golden(body, 1, m);
  testing::expect_golden(body, 2, m);
}

TEST(describe_configs_response, lying_synonym_count_is_refused) {
  // One result, one config, whose synonyms claim 1,000,000 entries.
  // clang-format off
  const auto body = bytes_builder()
                        .be32(0).be32(1).be16(0).be16(-1).u8s({2}).be16(1).text("t")
                        .be32(1).be16(1).text("k").be16(-1).u8s({0, 1, 0})
                        .be32(1000000).fill(32, 0)
                        .take();
  // clang-format on
  testing::expect_refused<describe_configs_response>(body, 1, codec_errc::truncated);
}

// v3 adds include_documentation to the request and config_type and
// documentation to each config; v4 is v3 in the flexible encoding.
TEST(describe_configs_request, v4_golden_bytes) {
  // clang-format off
  const auto body = bytes_builder()
                        .u8s({2}).u8s({config_resource_topic}).u8s({2}).text("t")
                        .u8s({0})                 // configuration_keys: null
                        .u8s({0})                 // resource's tags
                        .u8s({0x01, 0x01})        // include_synonyms, include_documentation
                        .u8s({0})
                        .take();
  // clang-format on
  describe_configs_request expected;
  expected.resources = {{config_resource_topic, "t", std::nullopt}};
  expected.include_synonyms = true;
  expected.include_documentation = true;
  testing::expect_golden(body, 4, expected);
}

TEST(describe_configs_response, v4_golden_bytes_with_type_and_documentation) {
  describe_configs_response m;
  describe_configs_response::describe_configs_resource_result c;
  c.name = "retention.ms";
  c.value = "1000";
  c.config_source = config_source_dynamic_topic;
  c.synonyms = {{"retention.ms", "1000", config_source_dynamic_topic}};
  c.config_type = static_cast<int8_t>(config_type::long_);
  c.documentation = "doc";
  m.results = {{error_code::none, std::nullopt, config_resource_topic, "t", {c}}};
  // clang-format off
  const auto body = bytes_builder()
                        .be32(0)
                        .u8s({2}).be16(0).u8s({0}).u8s({2}).u8s({2}).text("t")
                        .u8s({2})
                        .u8s({13}).text("retention.ms").u8s({5}).text("1000")
                        .u8s({0x00, 0x01, 0x00})  // read_only, config_source, is_sensitive
                        .u8s({2}).u8s({13}).text("retention.ms").u8s({5}).text("1000").u8s({1})
                        .u8s({0})                 // synonym's tags
                        .u8s({5})                 // config_type: LONG
                        .u8s({4}).text("doc")
                        .u8s({0})                 // config's tags
                        .u8s({0})                 // result's tags
                        .u8s({0})
                        .take();
  // clang-format on
  testing::expect_golden(body, 4, m);
}

TEST(describe_configs_response, v3_is_classic_with_type_and_documentation) {
  describe_configs_response m;
  describe_configs_response::describe_configs_resource_result c;
  c.name = "k";
  c.config_source = config_source_default;
  c.config_type = static_cast<int8_t>(config_type::string);
  m.results = {{error_code::none, std::nullopt, config_resource_topic, "t", {c}}};
  // clang-format off
  const auto body = bytes_builder()
                        .be32(0).be32(1).be16(0).be16(-1).u8s({2}).be16(1).text("t")
                        .be32(1).be16(1).text("k").be16(-1).u8s({0, 5, 0})
                        .be32(0)                  // synonyms
                        .u8s({2}).be16(-1)        // config_type, documentation null
                        .take();
  // clang-format on
  testing::expect_golden(body, 3, m);
}

// E3: a flexible response whose synonyms claim 1,000,000 entries.
TEST(describe_configs_response, v4_lying_synonym_count_is_refused) {
  // clang-format off
  const auto body = bytes_builder()
                        .be32(0).u8s({2}).be16(0).u8s({0}).u8s({2}).u8s({2}).text("t")
                        .u8s({2}).u8s({2}).text("k").u8s({0}).u8s({0, 1, 0})
                        .u8s({0xc1, 0x84, 0x3d}).fill(32, 0)
                        .take();
  // clang-format on
  testing::expect_refused<describe_configs_response>(body, 4, codec_errc::truncated);
}

}  // namespace
}  // namespace sluice::protocol
