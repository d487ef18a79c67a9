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

// v2 is v1 in the flexible encoding: compact nullable string (0 = null), the
// timeout, an empty tag section.
TEST(init_producer_id_request, v2_is_flexible) {
  init_producer_id_request m;
  m.transaction_timeout_ms = 60000;
  testing::expect_golden(bytes_builder().u8s({0}).be32(60000).u8s({0}).take(), 2, m);
}

// v3 adds producer_id and producer_epoch after the timeout (KIP-360); v4 and
// v5 are the same bytes.
TEST(init_producer_id_request, v3_to_v5_carry_the_producer_id_and_epoch) {
  init_producer_id_request m;
  m.transactional_id = "tx";
  m.transaction_timeout_ms = 1000;
  m.producer_id = 42;
  m.producer_epoch = 7;
  const auto body = bytes_builder().u8s({3}).text("tx").be32(1000).be64(42).be16(7).u8s({0}).take();
  for (int16_t v = 3; v <= 5; ++v) testing::expect_golden(body, v, m);
}

// Below v3 the fields are not on the wire: they decode as Kafka's default -1.
TEST(init_producer_id_request, below_v3_the_producer_id_is_not_sent) {
  init_producer_id_request m;
  m.transactional_id = "tx";
  m.producer_id = 42;
  m.producer_epoch = 7;
  const auto body = testing::body_of(m, 2);
  EXPECT_EQ(body, bytes_builder().u8s({3}).text("tx").be32(0).u8s({0}).take());
  init_producer_id_request back;
  ASSERT_FALSE(decode_message(body, 2, back));
  EXPECT_EQ(back.producer_id, -1);
  EXPECT_EQ(back.producer_epoch, -1);
}

TEST(init_producer_id_response, v5_is_flexible) {
  init_producer_id_response m;
  m.error_code = error_code::none;
  m.producer_id = 1000;
  m.producer_epoch = 3;
  testing::expect_golden(bytes_builder().be32(0).be16(0).be64(1000).be16(3).u8s({0}).take(), 5, m);
}

}  // namespace
}  // namespace sluice::protocol
