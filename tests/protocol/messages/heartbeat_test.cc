#include "protocol/messages/heartbeat.h"

#include <gtest/gtest.h>

#include "tests/protocol/byte_helpers.h"
#include "tests/protocol/message_test_helpers.h"

namespace sluice::protocol {
namespace {

using testing::body_of;
using testing::bytes_builder;

// kafka-python 2.0.2 sends v1 (checked against its encoder).
TEST(heartbeat_request, v1_golden_bytes_from_kafka_python) {
  heartbeat_request expected;
  expected.group_id = "g";
  expected.generation_id = 1;
  expected.member_id = "m";
  const auto body = bytes_builder().be16(1).text("g").be32(1).be16(1).text("m").take();
  testing::expect_golden(body, 1, expected);
  testing::expect_golden(body, 0, expected);
}

// kafkajs 2.2.4 and librdkafka 2.0.2 send v3: a null group_instance_id unless
// static membership is configured.
TEST(heartbeat_request, v3_golden_bytes_from_kafkajs) {
  heartbeat_request expected;
  expected.group_id = "g";
  expected.generation_id = 1;
  expected.member_id = "m";
  testing::expect_golden(
      bytes_builder().be16(1).text("g").be32(1).be16(1).text("m").be16(-1).take(), 3, expected);
  expected.group_instance_id = "i";
  EXPECT_EQ(body_of(expected, 3),
            bytes_builder().be16(1).text("g").be32(1).be16(1).text("m").be16(1).text("i").take());
}

TEST(heartbeat_response, v1_adds_throttle_time) {
  heartbeat_response m;
  m.throttle_time_ms = 2;
  m.error_code = error_code::illegal_generation;
  EXPECT_EQ(body_of(m, 0), bytes_builder().be16(22).take());
  testing::expect_golden(bytes_builder().be32(2).be16(22).take(), 3, m);
}

TEST(heartbeat_request, member_id_longer_than_the_body_is_refused) {
  const auto body = bytes_builder().be16(1).text("g").be32(1).be16(9000).text("m").take();
  testing::expect_refused<heartbeat_request>(body, 1, codec_errc::truncated);
}

// v4, the first flexible version (no new field), from Kafka's spec.
TEST(heartbeat_request, v4_golden_bytes) {
  heartbeat_request m;
  m.group_id = "g";
  m.generation_id = 1;
  m.member_id = "m";
  m.group_instance_id = "i";
  testing::expect_golden(bytes_builder()
                             .u8s({0x02})
                             .text("g")
                             .be32(1)
                             .u8s({0x02})
                             .text("m")
                             .u8s({0x02})
                             .text("i")
                             .u8s({0x00})
                             .take(),
                         4, m);
  heartbeat_response r;
  r.error_code = error_code::rebalance_in_progress;
  testing::expect_golden(bytes_builder().be32(0).be16(27).u8s({0x00}).take(), 4, r);
}

TEST(heartbeat_request, v4_lying_compact_member_id_length_is_refused) {
  const auto body =
      bytes_builder().u8s({0x02}).text("g").be32(1).u8s({0xff, 0x7f}).text("m").take();
  testing::expect_refused<heartbeat_request>(body, 4, codec_errc::truncated);
}

}  // namespace
}  // namespace sluice::protocol
