#include "protocol/messages/alter_configs.h"

#include <gtest/gtest.h>

#include "protocol/messages/describe_configs.h"
#include "tests/protocol/byte_helpers.h"
#include "tests/protocol/message_test_helpers.h"

namespace sluice::protocol {
namespace {

using testing::bytes_builder;

// kafka-python 2.0.2 and kafkajs 2.2.4 both send v1 and the same bytes;
// librdkafka 2.0.2 sends v0, whose layout is the same.
TEST(alter_configs_request, v1_golden_bytes) {
  // clang-format off
  const auto body = bytes_builder()
                        .be32(1).u8s({config_resource_topic}).be16(1).text("t")
                        .be32(1).be16(12).text("retention.ms").be16(4).text("1000")
                        .u8s({0x00})                         // validate_only
                        .take();
  // clang-format on
  alter_configs_request expected;
  expected.resources = {{config_resource_topic, "t", {{"retention.ms", "1000"}}}};
  testing::expect_golden(body, 1, expected);
  testing::expect_golden(body, 0, expected);
}

TEST(alter_configs_request, null_value_deletes_the_override) {
  alter_configs_request m;
  m.resources = {{config_resource_topic, "t", {{"retention.ms", std::nullopt}}}};
  m.validate_only = true;
  // clang-format off
  testing::expect_golden(bytes_builder()
                             .be32(1).u8s({2}).be16(1).text("t")
                             .be32(1).be16(12).text("retention.ms").be16(-1)
                             .u8s({0x01})
                             .take(),
                         1, m);
  // clang-format on
}

TEST(alter_configs_response, golden_bytes) {
  alter_configs_response m;
  m.throttle_time_ms = 4;
  m.responses = {{error_code::invalid_config, "bad", config_resource_topic, "t"}};
  // clang-format off
  testing::expect_golden(bytes_builder()
                             .be32(4)
                             .be32(1).be16(40).be16(3).text("bad").u8s({2}).be16(1).text("t")
                             .take(),
                         1, m);
  // clang-format on
}

TEST(alter_configs_request, lying_config_count_is_refused) {
  // clang-format off
  const auto body = bytes_builder()
                        .be32(1).u8s({2}).be16(1).text("t").be32(-7)
                        .take();
  // clang-format on
  testing::expect_refused<alter_configs_request>(body, 1, codec_errc::negative_length);
}

// v2 is v1 in the flexible encoding.
TEST(alter_configs_request, v2_golden_bytes) {
  // clang-format off
  const auto body = bytes_builder()
                        .u8s({2}).u8s({config_resource_topic}).u8s({2}).text("t")
                        .u8s({2}).u8s({13}).text("retention.ms").u8s({5}).text("1000")
                        .u8s({0})                            // config's tags
                        .u8s({0})                            // resource's tags
                        .u8s({0x00})                         // validate_only
                        .u8s({0})
                        .take();
  // clang-format on
  alter_configs_request expected;
  expected.resources = {{config_resource_topic, "t", {{"retention.ms", "1000"}}}};
  testing::expect_golden(body, 2, expected);
}

TEST(alter_configs_response, v2_golden_bytes) {
  alter_configs_response m;
  m.responses = {{error_code::invalid_config, "bad", config_resource_topic, "t"}};
  // clang-format off
  const auto body = bytes_builder()
                        .be32(0)
                        .u8s({2}).be16(40).u8s({4}).text("bad").u8s({2}).u8s({2}).text("t")
                        .u8s({0}).u8s({0})
                        .take();
  // clang-format on
  testing::expect_golden(body, 2, m);
}

// E3: a flexible request whose configs claim 1,000,000 entries.
TEST(alter_configs_request, v2_lying_config_count_is_refused) {
  // clang-format off
  const auto body = bytes_builder()
                        .u8s({2}).u8s({2}).u8s({2}).text("t").u8s({0xc1, 0x84, 0x3d}).fill(30, 0)
                        .take();
  // clang-format on
  testing::expect_refused<alter_configs_request>(body, 2, codec_errc::truncated);
}

}  // namespace
}  // namespace sluice::protocol
