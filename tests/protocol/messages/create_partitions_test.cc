#include "protocol/messages/create_partitions.h"

#include <gtest/gtest.h>

#include "tests/protocol/byte_helpers.h"
#include "tests/protocol/message_test_helpers.h"

namespace sluice::protocol {
namespace {

using testing::body_of;
using testing::bytes_builder;

// kafka-python 2.0.2 (v1, assignments None) and kafkajs 2.2.4 (v1, which
// writes an empty assignments list as null) send the same bytes.
TEST(create_partitions_request, v1_golden_bytes_with_null_assignments) {
  // clang-format off
  const auto body = bytes_builder()
                        .be32(1).be16(1).text("t").be32(4)
                        .be32(-1)                     // assignments: null, the broker places them
                        .be32(5000).u8s({0x00})       // timeout_ms, validate_only
                        .take();
  // clang-format on
  create_partitions_request expected;
  expected.topics = {{"t", 4, std::nullopt}};
  expected.timeout_ms = 5000;
  testing::expect_golden(body, 1, expected);
  testing::expect_golden(body, 0, expected);  // librdkafka 2.0.2 sends v0: same layout
}

TEST(create_partitions_request, manual_assignments) {
  create_partitions_request m;
  m.topics = {
      {"t", 3,
       std::vector<create_partitions_request::create_partitions_assignment>{{{1}}, {{2, 3}}}}};
  m.validate_only = true;
  // clang-format off
  EXPECT_EQ(body_of(m, 1), bytes_builder()
                               .be32(1).be16(1).text("t").be32(3)
                               .be32(2).be32(1).be32(1).be32(2).be32(2).be32(3)
                               .be32(0).u8s({0x01})
                               .take());
  // clang-format on
}

TEST(create_partitions_response, golden_bytes) {
  create_partitions_response m;
  m.throttle_time_ms = 1;
  m.results = {{"t", error_code::invalid_partitions, "too few"}, {"u", error_code::none, {}}};
  // clang-format off
  const auto body = bytes_builder()
                        .be32(1)
                        .be32(2)
                        .be16(1).text("t").be16(37).be16(7).text("too few")
                        .be16(1).text("u").be16(0).be16(-1)
                        .take();
  // clang-format on
  testing::expect_golden(body, 0, m);
  testing::expect_golden(body, 1, m);
}

TEST(create_partitions_request, lying_assignment_count_is_refused) {
  // clang-format off
  const auto body = bytes_builder()
                        .be32(1).be16(1).text("t").be32(4).be32(1 << 24).fill(16, 0)
                        .take();
  // clang-format on
  testing::expect_refused<create_partitions_request>(body, 1, codec_errc::truncated);
}

// v2 and v3 are v1 in the flexible encoding; null assignments are compact 0.
TEST(create_partitions_request, v2_and_v3_golden_bytes) {
  // clang-format off
  const auto body = bytes_builder()
                        .u8s({2}).u8s({2}).text("t").be32(4)
                        .u8s({0})                     // assignments: null
                        .u8s({0})                     // topic's tags
                        .be32(5000).u8s({0x00})
                        .u8s({0})
                        .take();
  // clang-format on
  create_partitions_request expected;
  expected.topics = {{"t", 4, std::nullopt}};
  expected.timeout_ms = 5000;
  testing::expect_golden(body, 2, expected);
  testing::expect_golden(body, 3, expected);
}

TEST(create_partitions_response, v3_golden_bytes) {
  create_partitions_response m;
  m.results = {{"t", error_code::invalid_partitions, "no"}};
  // clang-format off
  const auto body = bytes_builder()
                        .be32(0)
                        .u8s({2}).u8s({2}).text("t").be16(37).u8s({3}).text("no").u8s({0})
                        .u8s({0})
                        .take();
  // clang-format on
  testing::expect_golden(body, 3, m);
}

// E3: a flexible request whose assignments claim 16,777,216 entries.
TEST(create_partitions_request, v3_lying_assignment_count_is_refused) {
  // clang-format off
  const auto body = bytes_builder()
                        .u8s({2}).u8s({2}).text("t").be32(4).u8s({0x81, 0x80, 0x80, 0x08})
                        .fill(16, 0)
                        .take();
  // clang-format on
  testing::expect_refused<create_partitions_request>(body, 3, codec_errc::truncated);
}

}  // namespace
}  // namespace sluice::protocol
