#include "protocol/messages/leave_group.h"

#include <gtest/gtest.h>

#include "tests/protocol/byte_helpers.h"
#include "tests/protocol/message_test_helpers.h"

namespace sluice::protocol {
namespace {

using testing::body_of;
using testing::bytes_builder;

// kafka-python 2.0.2 and librdkafka 2.0.2 send v1: one member id (checked
// against kafka-python's encoder).
TEST(leave_group_request, v1_golden_bytes_from_kafka_python) {
  leave_group_request expected;
  expected.group_id = "g";
  expected.member_id = "m";
  const auto body = bytes_builder().be16(1).text("g").be16(1).text("m").take();
  testing::expect_golden(body, 1, expected);
  testing::expect_golden(body, 2, expected);
}

// kafkajs 2.2.4 sends v3: a batch of one member with a null instance id
// (checked against its encoder).
TEST(leave_group_request, v3_golden_bytes_from_kafkajs) {
  leave_group_request expected;
  expected.group_id = "g";
  expected.members = {{"m", std::nullopt, std::nullopt}};
  testing::expect_golden(
      bytes_builder().be16(1).text("g").be32(1).be16(1).text("m").be16(-1).take(), 3, expected);
}

TEST(leave_group_request, member_id_and_members_belong_to_their_versions) {
  leave_group_request m;
  m.group_id = "g";
  m.member_id = "old";
  m.members = {{"new", "i", std::nullopt}};
  EXPECT_EQ(body_of(m, 2), bytes_builder().be16(1).text("g").be16(3).text("old").take());
  EXPECT_EQ(body_of(m, 3),
            bytes_builder().be16(1).text("g").be32(1).be16(3).text("new").be16(1).text("i").take());
}

TEST(leave_group_response, v3_answers_per_member) {
  leave_group_response m;
  m.throttle_time_ms = 3;
  m.members = {{"m1", "i1", error_code::unknown_member_id}, {"m2", std::nullopt, error_code::none}};
  // clang-format off
  const auto body = bytes_builder()
                        .be32(3).be16(0)
                        .be32(2)
                        .be16(2).text("m1").be16(2).text("i1").be16(25)
                        .be16(2).text("m2").be16(-1).be16(0)
                        .take();
  // clang-format on
  testing::expect_golden(body, 3, m);
  EXPECT_EQ(body_of(m, 0), bytes_builder().be16(0).take());
  EXPECT_EQ(body_of(m, 1), bytes_builder().be32(3).be16(0).take());
}

TEST(leave_group_request, lying_member_count_is_refused) {
  const auto body = bytes_builder().be16(1).text("g").be32(300000).fill(20, 0).take();
  testing::expect_refused<leave_group_request>(body, 3, codec_errc::truncated);
}

// v4 (first flexible) and v5 (per-member reason), from Kafka's spec.
TEST(leave_group_request, v4_and_v5_golden_bytes) {
  leave_group_request m;
  m.group_id = "g";
  m.members = {{"m", std::nullopt, "bye"}};
  // clang-format off
  testing::expect_golden(bytes_builder()
                             .u8s({0x02}).text("g").u8s({0x02, 0x02}).text("m")
                             .u8s({0x00, 0x04}).text("bye").u8s({0x00, 0x00})
                             .take(),
                         5, m);
  // clang-format on
  m.members[0].reason.reset();
  testing::expect_golden(bytes_builder()
                             .u8s({0x02})
                             .text("g")
                             .u8s({0x02, 0x02})
                             .text("m")
                             .u8s({0x00, 0x00, 0x00})
                             .take(),
                         4, m);
}

TEST(leave_group_response, v4_golden_bytes) {
  leave_group_response m;
  m.members = {{"m", std::nullopt, error_code::unknown_member_id}};
  testing::expect_golden(bytes_builder()
                             .be32(0)
                             .be16(0)
                             .u8s({0x02, 0x02})
                             .text("m")
                             .u8s({0x00})
                             .be16(25)
                             .u8s({0x00, 0x00})
                             .take(),
                         4, m);
}

TEST(leave_group_request, v4_lying_member_count_is_refused) {
  const auto body =
      bytes_builder().u8s({0x02}).text("g").u8s({0xff, 0xff, 0xff, 0x01}).fill(8, 0).take();
  testing::expect_refused<leave_group_request>(body, 4, codec_errc::truncated);
}

}  // namespace
}  // namespace sluice::protocol
