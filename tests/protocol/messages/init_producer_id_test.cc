#include "protocol/messages/init_producer_id.h"

#include <gtest/gtest.h>

#include "tests/protocol/byte_helpers.h"
#include "tests/protocol/message_test_helpers.h"

namespace sluice::protocol {
namespace {

using testing::bytes_builder;

// An idempotent (not transactional) kafkajs 2.2.4 producer: null
// transactional_id and the default 60 s transaction timeout, v1 (checked
// against its encoder). librdkafka 2.0.2 sends the same layout at v0/v1.
TEST(init_producer_id_request, v1_golden_bytes_from_kafkajs) {
  const auto body = bytes_builder().be16(-1).be32(60000).take();
  init_producer_id_request expected;
  expected.transaction_timeout_ms = 60000;
  testing::expect_golden(body, 1, expected);
  testing::expect_golden(body, 0, expected);
}

TEST(init_producer_id_request, transactional_id) {
  init_producer_id_request m;
  m.transactional_id = "tx";
  m.transaction_timeout_ms = 1;
  testing::expect_golden(bytes_builder().be16(2).text("tx").be32(1).take(), 1, m);
}

TEST(init_producer_id_response, golden_bytes) {
  init_producer_id_response m;
  m.throttle_time_ms = 8;
  m.producer_id = 1000;
  m.producer_epoch = 2;
  testing::expect_golden(bytes_builder().be32(8).be16(0).be64(1000).be16(2).take(), 1, m);
}

TEST(init_producer_id_request, transactional_id_longer_than_the_body_is_refused) {
  const auto body = bytes_builder().be16(30000).text("tx").be32(1).take();
  testing::expect_refused<init_producer_id_request>(body, 1, codec_errc::truncated);
}

}  // namespace
}  // namespace sluice::protocol
