// EndTxn (26) and AddOffsetsToTxn (25): bodies laid out by hand from Kafka's
// message specs, one field per line.
#include "protocol/messages/end_txn.h"

#include <gtest/gtest.h>

#include "protocol/messages/add_offsets_to_txn.h"
#include "tests/protocol/byte_helpers.h"
#include "tests/protocol/message_test_helpers.h"

// clang-format off
namespace sluice::protocol {
namespace {

using testing::bytes_builder;

TEST(end_txn_request, v0_to_v2_hand_written) {
  end_txn_request m;
  m.transactional_id = "tx";
  m.producer_id = 5;
  m.producer_epoch = 1;
  m.committed = true;
  const auto body = bytes_builder()
                        .be16(2).text("tx")
                        .be64(5)
                        .be16(1)
                        .u8s({1})            // committed
                        .take();
  for (int16_t v = 0; v <= 2; ++v) testing::expect_golden(body, v, m);
}

TEST(end_txn_request, v3_to_v5_are_flexible) {
  end_txn_request m;
  m.transactional_id = "tx";
  m.producer_id = 5;
  m.producer_epoch = 1;
  m.committed = false;
  const auto body = bytes_builder()
                        .u8s({3}).text("tx")
                        .be64(5)
                        .be16(1)
                        .u8s({0})            // committed: abort
                        .u8s({0})            // tags
                        .take();
  for (int16_t v = 3; v <= 5; ++v) testing::expect_golden(body, v, m);
}

TEST(end_txn_response, v4_has_no_producer_id) {
  end_txn_response m;
  m.error_code = error_code::producer_fenced;
  testing::expect_golden(bytes_builder().be32(0).be16(90).u8s({0}).take(), 4, m);
}

// v5 (KIP-890 part 2): the coordinator answers with the bumped epoch.
TEST(end_txn_response, v5_carries_the_new_producer_id_and_epoch) {
  end_txn_response m;
  m.producer_id = 5;
  m.producer_epoch = 2;
  const auto body = bytes_builder()
                        .be32(0)
                        .be16(0)
                        .be64(5)
                        .be16(2)
                        .u8s({0})
                        .take();
  testing::expect_golden(body, 5, m);
}

TEST(end_txn_response, v0_hand_written) {
  end_txn_response m;
  m.throttle_time_ms = 1;
  m.error_code = error_code::invalid_txn_state;
  testing::expect_golden(bytes_builder().be32(1).be16(48).take(), 0, m);
}

TEST(add_offsets_to_txn_request, v0_hand_written) {
  add_offsets_to_txn_request m;
  m.transactional_id = "tx";
  m.producer_id = 5;
  m.producer_epoch = 1;
  m.group_id = "g";
  const auto body = bytes_builder()
                        .be16(2).text("tx")
                        .be64(5)
                        .be16(1)
                        .be16(1).text("g")
                        .take();
  for (int16_t v = 0; v <= 2; ++v) testing::expect_golden(body, v, m);
}

TEST(add_offsets_to_txn_request, v3_and_v4_are_flexible) {
  add_offsets_to_txn_request m;
  m.transactional_id = "tx";
  m.producer_id = 5;
  m.producer_epoch = 1;
  m.group_id = "g";
  const auto body = bytes_builder()
                        .u8s({3}).text("tx")
                        .be64(5)
                        .be16(1)
                        .u8s({2}).text("g")
                        .u8s({0})
                        .take();
  testing::expect_golden(body, 3, m);
  testing::expect_golden(body, 4, m);
}

TEST(add_offsets_to_txn_response, v3_hand_written) {
  add_offsets_to_txn_response m;
  m.error_code = error_code::concurrent_transactions;
  testing::expect_golden(bytes_builder().be32(0).be16(51).u8s({0}).take(), 3, m);
}

TEST(add_offsets_to_txn_request, group_id_longer_than_the_body_is_refused) {
  const auto body = bytes_builder().be16(2).text("tx").be64(5).be16(1).be16(1000).text("g").take();
  testing::expect_refused<add_offsets_to_txn_request>(body, 0, codec_errc::truncated);
}

}  // namespace
}  // namespace sluice::protocol
