// DescribeProducers (61), DescribeTransactions (65) and ListTransactions
// (66), all flexible from v0: bodies laid out by hand from Kafka's message
// specs, one field per line.
#include <gtest/gtest.h>

#include "protocol/messages/describe_producers.h"
#include "protocol/messages/describe_transactions.h"
#include "protocol/messages/list_transactions.h"
#include "tests/protocol/byte_helpers.h"
#include "tests/protocol/message_test_helpers.h"

// clang-format off
namespace sluice::protocol {
namespace {

using testing::bytes_builder;

TEST(describe_producers_request, v0_hand_written) {
  describe_producers_request m;
  m.topics = {{"t", {0, 1}}};
  const auto body = bytes_builder()
                        .u8s({2})
                        .u8s({2}).text("t")
                        .u8s({3}).be32(0).be32(1)
                        .u8s({0})            // topic tags
                        .u8s({0})            // tags
                        .take();
  testing::expect_golden(body, 0, m);
}

// ProducerEpoch is an int32 in this response, unlike everywhere else.
TEST(describe_producers_response, v0_hand_written) {
  describe_producers_response m;
  describe_producers_response::producer_state s;
  s.producer_id = 5;
  s.producer_epoch = 1;
  s.last_sequence = 9;
  s.last_timestamp = 1000;
  s.coordinator_epoch = 0;
  s.current_txn_start_offset = 40;
  m.topics = {{"t", {{0, error_code::none, std::nullopt, {s}}}}};
  const auto body = bytes_builder()
                        .be32(0)             // throttle
                        .u8s({2})            // topics
                        .u8s({2}).text("t")
                        .u8s({2})            // partitions
                        .be32(0)
                        .be16(0)
                        .u8s({0})            // error_message: null
                        .u8s({2})            // active_producers
                        .be64(5)
                        .be32(1)             // producer_epoch: int32
                        .be32(9)
                        .be64(1000)
                        .be32(0)
                        .be64(40)
                        .u8s({0})            // producer tags
                        .u8s({0})            // partition tags
                        .u8s({0})            // topic tags
                        .u8s({0})            // tags
                        .take();
  testing::expect_golden(body, 0, m);
}

TEST(describe_producers_response, lying_producer_count_is_refused) {
  const auto body = bytes_builder()
                        .be32(0)
                        .u8s({2})
                        .u8s({2}).text("t")
                        .u8s({2})
                        .be32(0).be16(0).u8s({0})
                        .u8s({0xff, 0xff, 0x03})  // 65534 producers
                        .fill(100, 0)
                        .take();
  testing::expect_refused<describe_producers_response>(body, 0, codec_errc::truncated);
}

TEST(describe_transactions_request, v0_hand_written) {
  describe_transactions_request m;
  m.transactional_ids = {"a", "bc"};
  const auto body = bytes_builder()
                        .u8s({3})
                        .u8s({2}).text("a")
                        .u8s({3}).text("bc")
                        .u8s({0})
                        .take();
  testing::expect_golden(body, 0, m);
}

TEST(describe_transactions_response, v0_hand_written) {
  describe_transactions_response m;
  describe_transactions_response::transaction_state s;
  s.transactional_id = "tx";
  s.transaction_state = "Ongoing";
  s.transaction_timeout_ms = 60000;
  s.transaction_start_time_ms = 123;
  s.producer_id = 5;
  s.producer_epoch = 1;
  s.topics = {{"t", {0}}};
  m.transaction_states = {s};
  const auto body = bytes_builder()
                        .be32(0)
                        .u8s({2})            // transaction_states
                        .be16(0)             // error_code first
                        .u8s({3}).text("tx")
                        .u8s({8}).text("Ongoing")
                        .be32(60000)
                        .be64(123)
                        .be64(5)
                        .be16(1)
                        .u8s({2})            // topics
                        .u8s({2}).text("t")
                        .u8s({2}).be32(0)
                        .u8s({0})            // topic tags
                        .u8s({0})            // state tags
                        .u8s({0})            // tags
                        .take();
  testing::expect_golden(body, 0, m);
}

TEST(list_transactions_request, v0_hand_written) {
  list_transactions_request m;
  m.state_filters = {"Ongoing"};
  m.producer_id_filters = {5};
  const auto body = bytes_builder()
                        .u8s({2})
                        .u8s({8}).text("Ongoing")
                        .u8s({2}).be64(5)
                        .u8s({0})
                        .take();
  testing::expect_golden(body, 0, m);
}

// v1 (KIP-994) adds duration_filter; at v0 it is not sent and decodes as -1.
TEST(list_transactions_request, v1_adds_the_duration_filter) {
  list_transactions_request m;
  m.duration_filter = 30000;
  const auto body = bytes_builder()
                        .u8s({1})            // state_filters: empty
                        .u8s({1})            // producer_id_filters: empty
                        .be64(30000)
                        .u8s({0})
                        .take();
  testing::expect_golden(body, 1, m);
  list_transactions_request back;
  ASSERT_FALSE(decode_message(testing::body_of(m, 0), 0, back));
  EXPECT_EQ(back.duration_filter, -1);
}

TEST(list_transactions_response, v1_hand_written) {
  list_transactions_response m;
  m.unknown_state_filters = {"X"};
  m.transaction_states = {{"tx", 5, "CompleteCommit"}};
  const auto body = bytes_builder()
                        .be32(0)
                        .be16(0)
                        .u8s({2}).u8s({2}).text("X")
                        .u8s({2})
                        .u8s({3}).text("tx")
                        .be64(5)
                        .u8s({15}).text("CompleteCommit")
                        .u8s({0})            // state tags
                        .u8s({0})            // tags
                        .take();
  testing::expect_golden(body, 1, m);
}

}  // namespace
}  // namespace sluice::protocol
