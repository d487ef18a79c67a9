#include "protocol/messages/sync_group.h"

#include <gtest/gtest.h>

#include "protocol/consumer_protocol.h"
#include "tests/protocol/byte_helpers.h"
#include "tests/protocol/message_test_helpers.h"

namespace sluice::protocol {
namespace {

using testing::body_of;
using testing::bytes_builder;

// A v0 assignment of t[0,1] with empty user data, as kafka-python 2.0.2's and
// kafkajs 2.2.4's leaders write it.
std::vector<std::byte> v0_assignment_of_t01() {
  return bytes_builder().be16(0).be32(1).be16(1).text("t").be32(2).be32(0).be32(1).be32(0).take();
}

// kafka-python 2.0.2's leader: v1 (checked against its encoder).
TEST(sync_group_request, v1_golden_bytes_from_kafka_python) {
  // clang-format off
  const auto body = bytes_builder()
                        .be16(1).text("g").be32(1).be16(1).text("m")
                        .be32(1).be16(1).text("m").be32(25)
                        .be16(0).be32(1).be16(1).text("t").be32(2).be32(0).be32(1).be32(0)
                        .take();
  // clang-format on
  sync_group_request expected;
  expected.group_id = "g";
  expected.generation_id = 1;
  expected.member_id = "m";
  expected.assignments = {{"m", v0_assignment_of_t01()}};
  testing::expect_golden(body, 1, expected);

  consumer_protocol_assignment a;
  ASSERT_FALSE(decode_consumer_protocol_assignment(expected.assignments[0].assignment, a));
  ASSERT_EQ(a.assigned_partitions.size(), 1u);
  EXPECT_EQ(a.assigned_partitions[0].partitions, (std::vector<int32_t>{0, 1}));
}

// kafkajs 2.2.4's leader: v3 with a null group_instance_id (checked against
// its encoder).
TEST(sync_group_request, v3_golden_bytes_from_kafkajs) {
  // clang-format off
  const auto body = bytes_builder()
                        .be16(1).text("g").be32(1).be16(1).text("m")
                        .be16(-1)                                   // group_instance_id (v3+)
                        .be32(1).be16(1).text("m").be32(25)
                        .be16(0).be32(1).be16(1).text("t").be32(2).be32(0).be32(1).be32(0)
                        .take();
  // clang-format on
  sync_group_request expected;
  expected.group_id = "g";
  expected.generation_id = 1;
  expected.member_id = "m";
  expected.assignments = {{"m", v0_assignment_of_t01()}};
  testing::expect_golden(body, 3, expected);
}

TEST(sync_group_response, v0_and_v1_golden_bytes) {
  sync_group_response m;
  m.throttle_time_ms = 1;
  m.error_code = error_code::rebalance_in_progress;
  m.assignment = {std::byte{1}, std::byte{2}};
  EXPECT_EQ(body_of(m, 0), bytes_builder().be16(27).be32(2).u8s({1, 2}).take());
  testing::expect_golden(bytes_builder().be32(1).be16(27).be32(2).u8s({1, 2}).take(), 3, m);
}

TEST(sync_group_response, empty_assignment_is_zero_length_bytes) {
  sync_group_response m;
  testing::expect_golden(bytes_builder().be32(0).be16(0).be32(0).take(), 1, m);
}

TEST(sync_group_request, lying_assignment_count_is_refused) {
  // clang-format off
  const auto body = bytes_builder()
                        .be16(1).text("g").be32(1).be16(1).text("m").be32(1 << 20).fill(64, 0)
                        .take();
  // clang-format on
  testing::expect_refused<sync_group_request>(body, 1, codec_errc::truncated);
}

// v5 (flexible since v4; v5 names protocol type and name), from Kafka's spec.
TEST(sync_group_request, v5_golden_bytes) {
  sync_group_request m;
  m.group_id = "g";
  m.generation_id = 1;
  m.member_id = "m";
  m.protocol_type = "consumer";
  m.protocol_name = "range";
  m.assignments = {{"m", {std::byte{7}}}};
  // clang-format off
  const auto body = bytes_builder()
                        .u8s({0x02}).text("g").be32(1).u8s({0x02}).text("m").u8s({0x00})
                        .u8s({0x09}).text("consumer").u8s({0x06}).text("range")
                        .u8s({0x02, 0x02}).text("m").u8s({0x02, 0x07, 0x00})
                        .u8s({0x00})
                        .take();
  // clang-format on
  testing::expect_golden(body, 5, m);
}

TEST(sync_group_response, v4_and_v5_golden_bytes) {
  sync_group_response m;
  m.assignment = {std::byte{7}};
  testing::expect_golden(bytes_builder().be32(0).be16(0).u8s({0x02, 0x07, 0x00}).take(), 4, m);
  m.protocol_type = "consumer";
  m.protocol_name = "range";
  // clang-format off
  testing::expect_golden(bytes_builder()
                             .be32(0).be16(0).u8s({0x09}).text("consumer").u8s({0x06}).text("range")
                             .u8s({0x02, 0x07, 0x00})
                             .take(),
                         5, m);
  // clang-format on
}

TEST(sync_group_request, v4_lying_assignment_count_is_refused) {
  const auto body = bytes_builder()
                        .u8s({0x02})
                        .text("g")
                        .be32(1)
                        .u8s({0x02})
                        .text("m")
                        .u8s({0x00})
                        .u8s({0xff, 0xff, 0xff, 0x0f})
                        .fill(16, 0)
                        .take();
  testing::expect_refused<sync_group_request>(body, 4, codec_errc::truncated);
}

}  // namespace
}  // namespace sluice::protocol
