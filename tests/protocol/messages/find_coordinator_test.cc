#include "protocol/messages/find_coordinator.h"

#include <gtest/gtest.h>

#include "tests/protocol/byte_helpers.h"
#include "tests/protocol/message_test_helpers.h"

namespace sluice::protocol {
namespace {

using testing::body_of;
using testing::bytes_builder;

// kafka-python 2.0.2 asks for its group coordinator with v0 (its
// GroupCoordinatorRequest): the group id and nothing else.
TEST(find_coordinator_request, v0_golden_bytes_from_kafka_python) {
  find_coordinator_request expected;
  expected.key = "g";
  testing::expect_golden(bytes_builder().be16(1).text("g").take(), 0, expected);
}

// kafkajs 2.2.4 and librdkafka 2.0.2 send v2: key, then key_type 0 (group).
TEST(find_coordinator_request, v2_golden_bytes_from_kafkajs) {
  find_coordinator_request expected;
  expected.key = "g";
  const auto body = bytes_builder().be16(1).text("g").u8s({0x00}).take();
  testing::expect_golden(body, 2, expected);
  testing::expect_golden(body, 1, expected);
}

TEST(find_coordinator_request, transaction_key_type) {
  find_coordinator_request m;
  m.key = "tx";
  m.key_type = coordinator_key_type_transaction;
  EXPECT_EQ(body_of(m, 1), bytes_builder().be16(2).text("tx").u8s({0x01}).take());
}

TEST(find_coordinator_response, v0_golden_bytes) {
  find_coordinator_response m;
  m.node_id = 1;
  m.host = "localhost";
  m.port = 9092;
  testing::expect_golden(
      bytes_builder().be16(0).be32(1).be16(9).text("localhost").be32(9092).take(), 0, m);
}

TEST(find_coordinator_response, v1_adds_throttle_and_error_message) {
  find_coordinator_response m;
  m.throttle_time_ms = 5;
  m.error_code = error_code::coordinator_not_available;
  m.node_id = -1;
  // clang-format off
  const auto body = bytes_builder()
                        .be32(5).be16(15).be16(-1)           // throttle, error, null message
                        .be32(-1).be16(0).be32(0)            // node_id, host "", port
                        .take();
  // clang-format on
  testing::expect_golden(body, 1, m);
  testing::expect_golden(body, 2, m);
}

TEST(find_coordinator_response, host_longer_than_the_body_is_refused) {
  const auto body = bytes_builder().be16(0).be32(1).be16(500).text("localhost").be32(9092).take();
  testing::expect_refused<find_coordinator_response>(body, 0, codec_errc::truncated);
}

}  // namespace
}  // namespace sluice::protocol
