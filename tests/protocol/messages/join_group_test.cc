#include "protocol/messages/join_group.h"

#include <gtest/gtest.h>

#include "protocol/consumer_protocol.h"
#include "tests/protocol/byte_helpers.h"
#include "tests/protocol/message_test_helpers.h"

namespace sluice::protocol {
namespace {

using testing::body_of;
using testing::bytes_builder;

std::vector<std::byte> bytes_of(std::vector<std::byte> v) { return v; }

// A v0 subscription to topic "t" with empty user data: what kafka-python
// 2.0.2's range and roundrobin assignors and kafkajs 2.2.4's RoundRobinAssigner
// put in their protocol metadata.
std::vector<std::byte> v0_subscription_to_t() {
  return bytes_builder().be16(0).be32(1).be16(1).text("t").be32(0).take();
}

// kafka-python 2.0.2's first join: v2, member id "", session 10 s, rebalance
// timeout = max_poll_interval_ms 300 s, its two default assignors (checked
// against its encoder).
TEST(join_group_request, v2_golden_bytes_from_kafka_python) {
  // clang-format off
  const auto body = bytes_builder()
                        .be16(1).text("g")
                        .be32(10000).be32(300000)         // session, rebalance (v1+)
                        .be16(0)                          // member_id ""
                        .be16(8).text("consumer")
                        .be32(2)
                        .be16(5).text("range").be32(13).be16(0).be32(1).be16(1).text("t").be32(0)
                        .be16(10).text("roundrobin").be32(13).be16(0).be32(1).be16(1).text("t").be32(0)
                        .take();
  // clang-format on
  join_group_request expected;
  expected.group_id = "g";
  expected.session_timeout_ms = 10000;
  expected.rebalance_timeout_ms = 300000;
  expected.protocol_type = "consumer";
  expected.protocols = {{"range", v0_subscription_to_t()}, {"roundrobin", v0_subscription_to_t()}};
  testing::expect_golden(body, 2, expected);
}

// kafkajs 2.2.4's first join: v5 with a null group_instance_id (checked
// against its encoder).
TEST(join_group_request, v5_golden_bytes_from_kafkajs) {
  // clang-format off
  const auto body = bytes_builder()
                        .be16(1).text("g").be32(30000).be32(60000).be16(0)
                        .be16(-1)                         // group_instance_id (v5+)
                        .be16(8).text("consumer")
                        .be32(1).be16(18).text("RoundRobinAssigner")
                        .be32(13).be16(0).be32(1).be16(1).text("t").be32(0)
                        .take();
  // clang-format on
  join_group_request expected;
  expected.group_id = "g";
  expected.session_timeout_ms = 30000;
  expected.rebalance_timeout_ms = 60000;
  expected.protocol_type = "consumer";
  expected.protocols = {{"RoundRobinAssigner", v0_subscription_to_t()}};
  testing::expect_golden(body, 5, expected);
}

// librdkafka 2.0.2 (rd_kafka_JoinGroupRequest, v5) with its default
// "range,roundrobin" strategies; its subscriptions are v1 with empty user
// data and an empty owned-partitions array (rdkafka_assignor.c). Built by hand
// from that source.
TEST(join_group_request, v5_from_librdkafka_carries_v1_subscriptions) {
  const auto subscription =
      bytes_builder().be16(1).be32(1).be16(1).text("t").be32(0).be32(0).take();
  // clang-format off
  const auto body = bytes_builder()
                        .be16(1).text("g").be32(45000).be32(300000).be16(0).be16(-1)
                        .be16(8).text("consumer")
                        .be32(2)
                        .be16(5).text("range").be32(17).text(std::string(
                            reinterpret_cast<const char*>(subscription.data()), subscription.size()))
                        .be16(10).text("roundrobin").be32(17).text(std::string(
                            reinterpret_cast<const char*>(subscription.data()), subscription.size()))
                        .take();
  // clang-format on
  join_group_request m;
  ASSERT_FALSE(decode_message(body, 5, m));
  EXPECT_FALSE(m.group_instance_id.has_value());
  ASSERT_EQ(m.protocols.size(), 2u);
  EXPECT_EQ(m.protocols[1].name, "roundrobin");
  consumer_protocol_subscription s;
  int16_t version = -1;
  ASSERT_FALSE(decode_consumer_protocol_subscription(m.protocols[0].metadata, s, &version));
  EXPECT_EQ(version, 1);
  EXPECT_EQ(s.topics, std::vector<std::string>{"t"});
  EXPECT_EQ(s.user_data, std::vector<std::byte>{});
  EXPECT_TRUE(s.owned_partitions.empty());
  EXPECT_EQ(body_of(m, 5), body);
}

TEST(join_group_request, v0_has_no_rebalance_timeout_and_v5_adds_instance_id) {
  join_group_request m;
  m.group_id = "g";
  m.session_timeout_ms = 1;
  m.rebalance_timeout_ms = 2;
  m.member_id = "m";
  m.group_instance_id = "i";
  m.protocol_type = "consumer";
  // clang-format off
  EXPECT_EQ(body_of(m, 0), bytes_builder()
                               .be16(1).text("g").be32(1).be16(1).text("m")
                               .be16(8).text("consumer").be32(0)
                               .take());
  EXPECT_EQ(body_of(m, 4), bytes_builder()
                               .be16(1).text("g").be32(1).be32(2).be16(1).text("m")
                               .be16(8).text("consumer").be32(0)
                               .take());
  EXPECT_EQ(body_of(m, 5), bytes_builder()
                               .be16(1).text("g").be32(1).be32(2).be16(1).text("m")
                               .be16(1).text("i").be16(8).text("consumer").be32(0)
                               .take());
  // clang-format on
}

TEST(join_group_response, v0_golden_bytes) {
  join_group_response m;
  m.generation_id = 1;
  m.protocol_name = "range";
  m.leader = "m1";
  m.member_id = "m1";
  m.members = {{"m1", std::nullopt, bytes_of({std::byte{0xab}})}};
  // clang-format off
  const auto body = bytes_builder()
                        .be16(0).be32(1).be16(5).text("range")
                        .be16(2).text("m1").be16(2).text("m1")
                        .be32(1).be16(2).text("m1").be32(1).u8s({0xab})
                        .take();
  // clang-format on
  testing::expect_golden(body, 0, m);
  testing::expect_golden(body, 1, m);
}

TEST(join_group_response, v5_adds_throttle_and_member_instance_ids) {
  join_group_response m;
  m.throttle_time_ms = 7;
  m.error_code = error_code::member_id_required;
  m.member_id = "m-1";
  m.members = {{"m-1", "inst", {}}};
  // clang-format off
  const auto body = bytes_builder()
                        .be32(7).be16(79).be32(-1)                // throttle (v2+), error, generation
                        .be16(0).be16(0).be16(3).text("m-1")      // protocol, leader, member_id
                        .be32(1).be16(3).text("m-1").be16(4).text("inst").be32(0)
                        .take();
  // clang-format on
  testing::expect_golden(body, 5, m);
}

TEST(join_group_request, lying_protocol_count_is_refused) {
  // clang-format off
  const auto body = bytes_builder()
                        .be16(1).text("g").be32(1).be32(1).be16(0).be16(8).text("consumer")
                        .be32(5000000).fill(24, 0)
                        .take();
  // clang-format on
  testing::expect_refused<join_group_request>(body, 1, codec_errc::truncated);
}

TEST(join_group_request, lying_metadata_length_is_refused) {
  // clang-format off
  const auto body = bytes_builder()
                        .be16(1).text("g").be32(1).be32(1).be16(0).be16(8).text("consumer")
                        .be32(1).be16(5).text("range").be32(INT32_MAX).fill(13, 0)
                        .take();
  // clang-format on
  testing::expect_refused<join_group_request>(body, 1, codec_errc::truncated);
}

// v8 (flexible since v6; v8 adds reason), hand-built from Kafka's spec.
TEST(join_group_request, v8_golden_bytes_with_reason) {
  join_group_request m;
  m.group_id = "g";
  m.session_timeout_ms = 10000;
  m.rebalance_timeout_ms = 300000;
  m.protocol_type = "consumer";
  m.protocols = {{"range", bytes_of({std::byte{0xab}})}};
  m.reason = "x";
  // clang-format off
  const auto body = bytes_builder()
                        .u8s({0x02}).text("g").be32(10000).be32(300000)
                        .u8s({0x01, 0x00})                        // member_id "", instance null
                        .u8s({0x09}).text("consumer")
                        .u8s({0x02, 0x06}).text("range").u8s({0x02, 0xab, 0x00})
                        .u8s({0x02}).text("x")                    // reason (v8+)
                        .u8s({0x00})
                        .take();
  // clang-format on
  testing::expect_golden(body, 8, m);
  m.reason.reset();
  auto v6 = body;
  v6.erase(v6.end() - 3, v6.end() - 1);  // no reason before v8
  testing::expect_golden(v6, 6, m);
}

TEST(join_group_response, v9_golden_bytes_with_protocol_type_and_skip_assignment) {
  join_group_response m;
  m.generation_id = 1;
  m.protocol_type = "consumer";
  m.protocol_name = "range";
  m.leader = "m";
  m.skip_assignment = true;
  m.member_id = "m";
  m.members = {{"m", std::nullopt, bytes_of({std::byte{0xab}})}};
  // clang-format off
  const auto body = bytes_builder()
                        .be32(0).be16(0).be32(1)
                        .u8s({0x09}).text("consumer").u8s({0x06}).text("range")
                        .u8s({0x02}).text("m").u8s({0x01})        // leader, skip_assignment
                        .u8s({0x02}).text("m")
                        .u8s({0x02, 0x02}).text("m").u8s({0x00, 0x02, 0xab, 0x00})
                        .u8s({0x00})
                        .take();
  // clang-format on
  testing::expect_golden(body, 9, m);
}

TEST(join_group_response, null_protocol_name_exists_from_v7) {
  join_group_response m;
  m.error_code = error_code::unknown_member_id;
  m.protocol_name.reset();
  testing::expect_round_trip(m, 7);
  writer w(true);
  m.encode(w, 6);
  EXPECT_EQ(w.errc(), codec_errc::unexpected_null);
}

TEST(join_group_request, v6_lying_protocol_count_is_refused) {
  // clang-format off
  const auto body = bytes_builder()
                        .u8s({0x02}).text("g").be32(10000).be32(300000).u8s({0x01, 0x00})
                        .u8s({0x09}).text("consumer").u8s({0xff, 0xff, 0x3f}).fill(16, 0)
                        .take();
  // clang-format on
  testing::expect_refused<join_group_request>(body, 6, codec_errc::truncated);
}

}  // namespace
}  // namespace sluice::protocol
