// TxnOffsetCommit (28): bodies laid out by hand from Kafka's
// TxnOffsetCommitRequest/Response.json, one field per line.
#include "protocol/messages/txn_offset_commit.h"

#include <gtest/gtest.h>

#include "tests/protocol/byte_helpers.h"
#include "tests/protocol/message_test_helpers.h"

// clang-format off
namespace sluice::protocol {
namespace {

using testing::bytes_builder;

txn_offset_commit_request one_offset() {
  txn_offset_commit_request m;
  m.transactional_id = "tx";
  m.group_id = "g";
  m.producer_id = 5;
  m.producer_epoch = 1;
  m.topics = {{"t", {{0, 100, -1, "m"}}}};
  return m;
}

TEST(txn_offset_commit_request, v0_and_v1_hand_written) {
  const auto body = bytes_builder()
                        .be16(2).text("tx")
                        .be16(1).text("g")
                        .be64(5)
                        .be16(1)
                        .be32(1)             // topics
                        .be16(1).text("t")
                        .be32(1)             // partitions
                        .be32(0)
                        .be64(100)
                        .be16(1).text("m")   // committed_metadata
                        .take();
  testing::expect_golden(body, 0, one_offset());
  testing::expect_golden(body, 1, one_offset());
}

// v2 adds the committed leader epoch between the offset and the metadata.
TEST(txn_offset_commit_request, v2_adds_the_leader_epoch) {
  txn_offset_commit_request m = one_offset();
  m.topics[0].partitions[0].committed_leader_epoch = 4;
  m.topics[0].partitions[0].committed_metadata = std::nullopt;
  const auto body = bytes_builder()
                        .be16(2).text("tx")
                        .be16(1).text("g")
                        .be64(5)
                        .be16(1)
                        .be32(1)
                        .be16(1).text("t")
                        .be32(1)
                        .be32(0)
                        .be64(100)
                        .be32(4)             // committed_leader_epoch
                        .be16(-1)            // committed_metadata: null
                        .take();
  testing::expect_golden(body, 2, m);
}

// v3 (KIP-447) adds generation_id, member_id and group_instance_id after the
// producer epoch, in the flexible encoding; v4 is the same bytes.
TEST(txn_offset_commit_request, v3_and_v4_carry_the_consumer_generation) {
  txn_offset_commit_request m = one_offset();
  m.generation_id = 3;
  m.member_id = "m1";
  m.topics[0].partitions[0].committed_leader_epoch = 4;
  const auto body = bytes_builder()
                        .u8s({3}).text("tx")
                        .u8s({2}).text("g")
                        .be64(5)
                        .be16(1)
                        .be32(3)             // generation_id
                        .u8s({3}).text("m1") // member_id
                        .u8s({0})            // group_instance_id: null
                        .u8s({2})            // topics
                        .u8s({2}).text("t")
                        .u8s({2})            // partitions
                        .be32(0)
                        .be64(100)
                        .be32(4)
                        .u8s({2}).text("m")
                        .u8s({0})            // partition tags
                        .u8s({0})            // topic tags
                        .u8s({0})            // tags
                        .take();
  testing::expect_golden(body, 3, m);
  testing::expect_golden(body, 4, m);
}

// Below v3 the consumer fields are not on the wire and decode as Kafka's
// defaults (generation -1, empty member, null instance).
TEST(txn_offset_commit_request, below_v3_the_generation_is_not_sent) {
  txn_offset_commit_request m = one_offset();
  m.generation_id = 3;
  m.member_id = "m1";
  m.group_instance_id = "i";
  txn_offset_commit_request back;
  ASSERT_FALSE(decode_message(testing::body_of(m, 2), 2, back));
  EXPECT_EQ(back.generation_id, -1);
  EXPECT_EQ(back.member_id, "");
  EXPECT_EQ(back.group_instance_id, std::nullopt);
}

TEST(txn_offset_commit_response, v0_hand_written) {
  txn_offset_commit_response m;
  m.throttle_time_ms = 1;
  m.topics = {{"t", {{0, error_code::none}, {1, error_code::invalid_producer_epoch}}}};
  const auto body = bytes_builder()
                        .be32(1)
                        .be32(1)
                        .be16(1).text("t")
                        .be32(2)
                        .be32(0).be16(0)
                        .be32(1).be16(47)
                        .take();
  testing::expect_golden(body, 0, m);
}

TEST(txn_offset_commit_request, lying_partition_count_is_refused) {
  const auto body = bytes_builder()
                        .be16(2).text("tx")
                        .be16(1).text("g")
                        .be64(5)
                        .be16(1)
                        .be32(1)
                        .be16(1).text("t")
                        .be32(100000)
                        .fill(64, 0)
                        .take();
  testing::expect_refused<txn_offset_commit_request>(body, 0, codec_errc::truncated);
}

}  // namespace
}  // namespace sluice::protocol
