#include "protocol/messages/incremental_alter_configs.h"

#include <gtest/gtest.h>

#include "protocol/messages/describe_configs.h"
#include "tests/protocol/byte_helpers.h"
#include "tests/protocol/message_test_helpers.h"

namespace sluice::protocol {
namespace {

using testing::bytes_builder;

// v0 is classic: each config is {name, config_operation, value}.
TEST(incremental_alter_configs_request, v0_golden_bytes) {
  // clang-format off
  const auto body = bytes_builder()
                        .be32(1).u8s({config_resource_topic}).be16(1).text("t")
                        .be32(2)
                        .be16(12).text("retention.ms").u8s({0}).be16(4).text("1000")   // SET
                        .be16(13).text("segment.bytes").u8s({1}).be16(-1)              // DELETE
                        .u8s({0x00})                                                   // validate_only
                        .take();
  // clang-format on
  incremental_alter_configs_request expected;
  expected.resources = {{config_resource_topic,
                         "t",
                         {{"retention.ms", 0, "1000"}, {"segment.bytes", 1, std::nullopt}}}};
  testing::expect_golden(body, 0, expected);
}

// v1 (what librdkafka 2.15 and Java's admin client send) is v0 flexible.
TEST(incremental_alter_configs_request, v1_golden_bytes) {
  // clang-format off
  const auto body = bytes_builder()
                        .u8s({2}).u8s({config_resource_topic}).u8s({2}).text("t")
                        .u8s({2}).u8s({15}).text("cleanup.policy").u8s({2}).u8s({7}).text("delete")
                        .u8s({0})                            // config's tags
                        .u8s({0})                            // resource's tags
                        .u8s({0x01})                         // validate_only
                        .u8s({0})
                        .take();
  // clang-format on
  incremental_alter_configs_request expected;
  expected.resources = {
      {config_resource_topic,
       "t",
       {{"cleanup.policy", static_cast<int8_t>(config_operation::append), "delete"}}}};
  expected.validate_only = true;
  testing::expect_golden(body, 1, expected);
}

TEST(incremental_alter_configs_response, v1_golden_bytes) {
  incremental_alter_configs_response m;
  m.throttle_time_ms = 1;
  m.responses = {{error_code::invalid_config, "no", config_resource_topic, "t"}};
  // clang-format off
  const auto body = bytes_builder()
                        .be32(1)
                        .u8s({2}).be16(40).u8s({3}).text("no").u8s({2}).u8s({2}).text("t").u8s({0})
                        .u8s({0})
                        .take();
  // clang-format on
  testing::expect_golden(body, 1, m);
}

// E3: a flexible request whose configs claim 1,000,000 entries.
TEST(incremental_alter_configs_request, v1_lying_config_count_is_refused) {
  // clang-format off
  const auto body = bytes_builder()
                        .u8s({2}).u8s({2}).u8s({2}).text("t").u8s({0xc1, 0x84, 0x3d}).fill(30, 0)
                        .take();
  // clang-format on
  testing::expect_refused<incremental_alter_configs_request>(body, 1, codec_errc::truncated);
}

TEST(incremental_alter_configs_request, v0_lying_resource_count_is_refused) {
  const auto body = bytes_builder().be32(INT32_MAX).fill(8, 0).take();
  testing::expect_refused<incremental_alter_configs_request>(body, 0, codec_errc::truncated);
}

}  // namespace
}  // namespace sluice::protocol
