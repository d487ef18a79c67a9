#include "protocol/messages/create_topics.h"

#include <gtest/gtest.h>

#include "tests/protocol/byte_helpers.h"
#include "tests/protocol/message_test_helpers.h"

namespace sluice::protocol {
namespace {

using testing::body_of;
using testing::bytes_builder;

// kafka-python 2.0.2 (admin, v3) and kafkajs 2.2.4 (v3) encode this request
// to the same bytes (checked against both clients' encoders).
TEST(create_topics_request, v3_golden_bytes_from_kafka_python_and_kafkajs) {
  // clang-format off
  const auto body = bytes_builder()
                        .be32(1)                                 // topics
                        .be16(1).text("t").be32(3).be16(1)       // name, partitions, factor
                        .be32(0)                                 // no manual assignment
                        .be32(1).be16(14).text("cleanup.policy").be16(7).text("compact")
                        .be32(5000)                              // timeout_ms
                        .u8s({0x00})                             // validate_only (v1+)
                        .take();
  // clang-format on
  create_topics_request expected;
  expected.topics = {{"t", 3, 1, {}, {{"cleanup.policy", "compact"}}}};
  expected.timeout_ms = 5000;
  testing::expect_golden(body, 3, expected);
}

TEST(create_topics_request, manual_assignment_and_null_config_value) {
  create_topics_request m;
  m.topics = {{"a", -1, -1, {{0, {1, 2}}}, {{"k", std::nullopt}}}};
  m.timeout_ms = 60000;
  // clang-format off
  EXPECT_EQ(body_of(m, 4), bytes_builder()
                               .be32(1).be16(1).text("a").be32(-1).be16(-1)
                               .be32(1).be32(0).be32(2).be32(1).be32(2)
                               .be32(1).be16(1).text("k").be16(-1)
                               .be32(60000).u8s({0x00})
                               .take());
  // clang-format on
}

TEST(create_topics_request, v0_has_no_validate_only) {
  create_topics_request m;
  m.timeout_ms = 7;
  m.validate_only = true;  // not on the wire at v0
  EXPECT_EQ(body_of(m, 0), bytes_builder().be32(0).be32(7).take());
  EXPECT_EQ(body_of(m, 1), bytes_builder().be32(0).be32(7).u8s({0x01}).take());
}

TEST(create_topics_response, versions_add_error_message_then_throttle) {
  create_topics_response m;
  m.throttle_time_ms = 9;
  m.topics = {{"t", error_code::topic_already_exists, "exists"}};
  EXPECT_EQ(body_of(m, 0), bytes_builder().be32(1).be16(1).text("t").be16(36).take());
  EXPECT_EQ(body_of(m, 1),
            bytes_builder().be32(1).be16(1).text("t").be16(36).be16(6).text("exists").take());
  // clang-format off
  const auto v2 = bytes_builder()
                      .be32(9)
                      .be32(1).be16(1).text("t").be16(36).be16(6).text("exists")
                      .take();
  // clang-format on
  testing::expect_golden(v2, 2, m);
  testing::expect_golden(v2, 4, m);  // v3 and v4 are v2's layout
}

TEST(create_topics_request, lying_config_count_is_refused) {
  // One topic whose configs array claims 100,000 entries with 8 bytes behind it.
  // clang-format off
  const auto body = bytes_builder()
                        .be32(1).be16(1).text("t").be32(1).be16(1).be32(0)
                        .be32(100000).fill(8, 0)
                        .take();
  // clang-format on
  testing::expect_refused<create_topics_request>(body, 3, codec_errc::truncated);
}

}  // namespace
}  // namespace sluice::protocol
