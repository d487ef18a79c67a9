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

// v3 (first flexible) keeps one key; v4+ batches keys and answers per key.
TEST(find_coordinator_request, v3_and_v4_golden_bytes) {
  find_coordinator_request v3;
  v3.key = "g";
  testing::expect_golden(bytes_builder().u8s({0x02}).text("g").u8s({0x00, 0x00}).take(), 3, v3);
  find_coordinator_request v4;
  v4.coordinator_keys = {"a", "b"};
  const auto body =
      bytes_builder().u8s({0x00, 0x03, 0x02}).text("a").u8s({0x02}).text("b").u8s({0x00}).take();
  for (int16_t v : {4, 5, 6}) testing::expect_golden(body, v, v4);
}

TEST(find_coordinator_response, v4_golden_bytes_per_key) {
  find_coordinator_response m;
  m.coordinators = {{"g", 1, "localhost", 9092, error_code::none, std::nullopt}};
  // clang-format off
  const auto body = bytes_builder()
                        .be32(0).u8s({0x02, 0x02}).text("g").be32(1)
                        .u8s({0x0a}).text("localhost").be32(9092)
                        .be16(0).u8s({0x00})                   // error, null message
                        .u8s({0x00, 0x00})
                        .take();
  // clang-format on
  for (int16_t v : {4, 5, 6}) testing::expect_golden(body, v, m);
  find_coordinator_response v3;
  v3.node_id = 1;
  v3.host = "h";
  v3.port = 9092;
  testing::expect_golden(bytes_builder()
                             .be32(0)
                             .be16(0)
                             .u8s({0x00})
                             .be32(1)
                             .u8s({0x02})
                             .text("h")
                             .be32(9092)
                             .u8s({0x00})
                             .take(),
                         3, v3);
}

TEST(find_coordinator_response, v4_lying_coordinator_count_is_refused) {
  const auto body = bytes_builder().be32(0).u8s({0xff, 0xff, 0x7f}).fill(20, 0).take();
  testing::expect_refused<find_coordinator_response>(body, 4, codec_errc::truncated);
}

}  // namespace
}  // namespace sluice::protocol
