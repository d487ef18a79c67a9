#include "protocol/messages/describe_groups.h"

#include <gtest/gtest.h>

#include "tests/protocol/byte_helpers.h"
#include "tests/protocol/message_test_helpers.h"

namespace sluice::protocol {
namespace {

using testing::body_of;
using testing::bytes_builder;

// kafkajs 2.2.4 sends v2 (the group ids only); kafka-python 2.0.2's admin
// client v3 with include_authorized_operations false (both checked against
// the clients' encoders).
TEST(describe_groups_request, golden_bytes_from_kafkajs_v2_and_kafka_python_v3) {
  describe_groups_request expected;
  expected.groups = {"g"};
  testing::expect_golden(bytes_builder().be32(1).be16(1).text("g").take(), 2, expected);
  testing::expect_golden(bytes_builder().be32(1).be16(1).text("g").u8s({0x00}).take(), 3, expected);
}

TEST(describe_groups_response, v0_golden_bytes_for_a_stable_group) {
  describe_groups_response m;
  describe_groups_response::described_group_member mem;
  mem.member_id = "m1";
  mem.client_id = "rdkafka";
  mem.client_host = "/127.0.0.1";
  mem.member_metadata = {std::byte{0x00}, std::byte{0x01}};
  mem.member_assignment = {std::byte{0x02}};
  m.groups = {{error_code::none, "g", "Stable", "consumer", "range", {mem}}};
  // clang-format off
  const auto body = bytes_builder()
                        .be32(1)
                        .be16(0).be16(1).text("g").be16(6).text("Stable")
                        .be16(8).text("consumer").be16(5).text("range")
                        .be32(1)
                        .be16(2).text("m1").be16(7).text("rdkafka").be16(10).text("/127.0.0.1")
                        .be32(2).u8s({0x00, 0x01}).be32(1).u8s({0x02})
                        .take();
  // clang-format on
  testing::expect_golden(body, 0, m);
}

// v3 adds authorized_operations after each group's members (kafka-python
// 2.0.2's own v3 schema omits it: with its one-group requests the trailing
// int32 goes unread). v4 adds the member's group_instance_id.
TEST(describe_groups_response, v4_adds_throttle_operations_and_instance_id) {
  describe_groups_response m;
  m.throttle_time_ms = 2;
  describe_groups_response::described_group_member mem;
  mem.member_id = "m1";
  mem.group_instance_id = "i1";
  m.groups = {{error_code::none, "g", "Empty", "consumer", "", {mem}, 0x5f}};
  // clang-format off
  const auto body = bytes_builder()
                        .be32(2)
                        .be32(1)
                        .be16(0).be16(1).text("g").be16(5).text("Empty")
                        .be16(8).text("consumer").be16(0)
                        .be32(1)
                        .be16(2).text("m1").be16(2).text("i1")      // group_instance_id (v4)
                        .be16(0).be16(0).be32(0).be32(0)
                        .be32(0x5f)                                 // authorized_operations (v3+)
                        .take();
  // clang-format on
  testing::expect_golden(body, 4, m);
}

TEST(describe_groups_response, lying_member_count_is_refused) {
  // clang-format off
  const auto body = bytes_builder()
                        .be32(0).be32(1)
                        .be16(0).be16(1).text("g").be16(0).be16(0).be16(0)
                        .be32(2000000).fill(48, 0)
                        .take();
  // clang-format on
  testing::expect_refused<describe_groups_response>(body, 4, codec_errc::truncated);
}

TEST(describe_groups_response, lying_member_metadata_length_is_refused) {
  // clang-format off
  const auto body = bytes_builder()
                        .be32(0).be32(1)
                        .be16(0).be16(1).text("g").be16(0).be16(0).be16(0)
                        .be32(1).be16(1).text("m").be16(0).be16(0)
                        .be32(1 << 30).fill(8, 0)
                        .take();
  // clang-format on
  testing::expect_refused<describe_groups_response>(body, 1, codec_errc::truncated);
}

// v5, the first flexible version (no new field), from Kafka's spec.
TEST(describe_groups_request, v5_golden_bytes) {
  describe_groups_request m;
  m.groups = {"g"};
  testing::expect_golden(bytes_builder().u8s({0x02, 0x02}).text("g").u8s({0x00, 0x00}).take(), 5,
                         m);
}

TEST(describe_groups_response, v5_golden_bytes) {
  describe_groups_response m;
  describe_groups_response::described_group g;
  g.group_id = "g";
  g.group_state = "Stable";
  g.protocol_type = "consumer";
  g.protocol_data = "range";
  g.members = {{"m", std::nullopt, "c", "/h", {}, {}}};
  g.authorized_operations = authorized_operations_omitted;
  m.groups = {g};
  // clang-format off
  const auto body = bytes_builder()
                        .be32(0).u8s({0x02}).be16(0).u8s({0x02}).text("g")
                        .u8s({0x07}).text("Stable").u8s({0x09}).text("consumer")
                        .u8s({0x06}).text("range")
                        .u8s({0x02, 0x02}).text("m").u8s({0x00, 0x02}).text("c")
                        .u8s({0x03}).text("/h").u8s({0x01, 0x01, 0x00})   // metadata, assignment
                        .be32(INT32_MIN).u8s({0x00, 0x00})
                        .take();
  // clang-format on
  testing::expect_golden(body, 5, m);
}

TEST(describe_groups_response, v5_lying_member_count_is_refused) {
  // clang-format off
  const auto body = bytes_builder()
                        .be32(0).u8s({0x02}).be16(0).u8s({0x02}).text("g")
                        .u8s({0x01, 0x01, 0x01}).u8s({0xff, 0xff, 0x7f}).fill(16, 0)
                        .take();
  // clang-format on
  testing::expect_refused<describe_groups_response>(body, 5, codec_errc::truncated);
}

}  // namespace
}  // namespace sluice::protocol
