// AddPartitionsToTxn (24): bodies laid out by hand from Kafka's
// AddPartitionsToTxnRequest/Response.json, one field per line.
#include "protocol/messages/add_partitions_to_txn.h"

#include <gtest/gtest.h>

#include "tests/protocol/byte_helpers.h"
#include "tests/protocol/message_test_helpers.h"

// clang-format off
namespace sluice::protocol {
namespace {

using testing::bytes_builder;

add_partitions_to_txn_request producer_request() {
  add_partitions_to_txn_request m;
  m.v3_and_below_transactional_id = "tx";
  m.v3_and_below_producer_id = 5;
  m.v3_and_below_producer_epoch = 1;
  m.v3_and_below_topics = {{"t", {0, 1}}};
  return m;
}

// v0-2: one transaction at the top level, classic encoding.
TEST(add_partitions_to_txn_request, v0_to_v2_hand_written) {
  const auto body = bytes_builder()
                        .be16(2).text("tx")
                        .be64(5)
                        .be16(1)
                        .be32(1)             // topics
                        .be16(1).text("t")
                        .be32(2).be32(0).be32(1)
                        .take();
  for (int16_t v = 0; v <= 2; ++v) testing::expect_golden(body, v, producer_request());
}

TEST(add_partitions_to_txn_request, v3_is_flexible) {
  const auto body = bytes_builder()
                        .u8s({3}).text("tx")
                        .be64(5)
                        .be16(1)
                        .u8s({2})            // topics: 1 + 1
                        .u8s({2}).text("t")
                        .u8s({3}).be32(0).be32(1)
                        .u8s({0})            // topic tags
                        .u8s({0})            // tags
                        .take();
  testing::expect_golden(body, 3, producer_request());
}

// v4+: a batch of transactions, each with verify_only (the broker-to-broker
// form of KIP-890); the v3_and_below_* fields are not on the wire.
TEST(add_partitions_to_txn_request, v4_and_v5_batch_transactions) {
  add_partitions_to_txn_request m;
  m.transactions = {{"tx", 5, 1, true, {{"t", {3}}}}};
  const auto body = bytes_builder()
                        .u8s({2})            // transactions
                        .u8s({3}).text("tx")
                        .be64(5)
                        .be16(1)
                        .u8s({1})            // verify_only
                        .u8s({2})            // topics
                        .u8s({2}).text("t")
                        .u8s({2}).be32(3)
                        .u8s({0})            // topic tags
                        .u8s({0})            // transaction tags
                        .u8s({0})            // tags
                        .take();
  testing::expect_golden(body, 4, m);
  testing::expect_golden(body, 5, m);
}

// A sender that fills both forms gets each version's own on the wire.
TEST(add_partitions_to_txn_request, each_version_writes_only_its_own_form) {
  add_partitions_to_txn_request m = producer_request();
  m.transactions = {{"other", 9, 9, false, {}}};
  add_partitions_to_txn_request v3;
  ASSERT_FALSE(decode_message(testing::body_of(m, 3), 3, v3));
  EXPECT_TRUE(v3 == producer_request());
  add_partitions_to_txn_request v4;
  ASSERT_FALSE(decode_message(testing::body_of(m, 4), 4, v4));
  EXPECT_EQ(v4.transactions, m.transactions);
  EXPECT_TRUE(v4.v3_and_below_transactional_id.empty());
  EXPECT_TRUE(v4.v3_and_below_topics.empty());
}

TEST(add_partitions_to_txn_response, v0_hand_written) {
  add_partitions_to_txn_response m;
  m.throttle_time_ms = 2;
  m.results_by_topic_v3_and_below = {{"t", {{0, error_code::invalid_txn_state}}}};
  const auto body = bytes_builder()
                        .be32(2)
                        .be32(1)             // results_by_topic_v3_and_below
                        .be16(1).text("t")
                        .be32(1)
                        .be32(0).be16(48)
                        .take();
  testing::expect_golden(body, 0, m);
}

TEST(add_partitions_to_txn_response, v4_has_a_top_level_error_and_results_by_transaction) {
  add_partitions_to_txn_response m;
  m.error_code = error_code::none;
  m.results_by_transaction = {{"tx", {{"t", {{0, error_code::none}}}}}};
  const auto body = bytes_builder()
                        .be32(0)
                        .be16(0)             // error_code
                        .u8s({2})            // results_by_transaction
                        .u8s({3}).text("tx")
                        .u8s({2})            // topic_results
                        .u8s({2}).text("t")
                        .u8s({2})            // results_by_partition
                        .be32(0).be16(0)
                        .u8s({0})            // partition tags
                        .u8s({0})            // topic tags
                        .u8s({0})            // result tags
                        .u8s({0})            // tags
                        .take();
  testing::expect_golden(body, 4, m);
}

// E3: a partition count the frame cannot hold is refused before anything is
// reserved for it.
TEST(add_partitions_to_txn_request, lying_partition_count_is_refused) {
  const auto body = bytes_builder()
                        .be16(2).text("tx")
                        .be64(5)
                        .be16(1)
                        .be32(1)
                        .be16(1).text("t")
                        .be32(0x7fffffff).be32(0)
                        .take();
  testing::expect_refused<add_partitions_to_txn_request>(body, 0, codec_errc::truncated);
}

TEST(add_partitions_to_txn_request, lying_compact_transaction_count_is_refused) {
  const auto body = bytes_builder().u8s({0xff, 0xff, 0xff, 0x07}).fill(40, 0).take();
  testing::expect_refused<add_partitions_to_txn_request>(body, 4, codec_errc::truncated);
}

}  // namespace
}  // namespace sluice::protocol
