#include "protocol/messages/list_offsets.h"

#include <gtest/gtest.h>

#include "protocol/message.h"
#include "tests/protocol/byte_helpers.h"
#include "tests/protocol/message_test_helpers.h"

namespace sluice::protocol {
namespace {

using testing::body_of;
using testing::bytes_builder;

// kafka-python 2.0.2 sends ListOffsets v1 to find the latest offset.
TEST(list_offsets_request, v1_golden_bytes) {
  // clang-format off
  const auto body = bytes_builder()
                        .be32(-1)
                        .be32(1).be16(4).text("logs")
                        .be32(1).be32(3).be64(list_offsets_latest_timestamp)
                        .take();
  // clang-format on
  list_offsets_request m;
  ASSERT_FALSE(decode_message(body, 1, m));
  ASSERT_EQ(m.topics.size(), 1u);
  EXPECT_EQ(m.topics[0].partitions.at(0).partition_index, 3);
  EXPECT_EQ(m.topics[0].partitions.at(0).timestamp, -1);
  EXPECT_EQ(body_of(m, 1), body);
}

TEST(list_offsets_request, v0_carries_max_num_offsets) {
  list_offsets_request m;
  m.topics = {{"t", {{0, -1, list_offsets_earliest_timestamp, 1}}}};
  // clang-format off
  EXPECT_EQ(body_of(m, 0), bytes_builder()
                               .be32(-1).be32(1).be16(1).text("t")
                               .be32(1).be32(0).be64(-2).be32(1)
                               .take());
  // clang-format on
}

TEST(list_offsets_request, v4_adds_isolation_level_and_leader_epoch) {
  list_offsets_request m;
  m.isolation_level = 1;
  m.topics = {{"t", {{0, 5, 100}}}};
  // clang-format off
  EXPECT_EQ(body_of(m, 4), bytes_builder()
                               .be32(-1).u8s({0x01}).be32(1).be16(1).text("t")
                               .be32(1).be32(0).be32(5).be64(100)
                               .take());
  // clang-format on
}

TEST(list_offsets_response, v0_answers_an_offset_array) {
  list_offsets_response m;
  m.topics = {{"t", {{0, error_code::none, {42, 0}}}}};
  // clang-format off
  const auto body = bytes_builder()
                        .be32(1).be16(1).text("t")
                        .be32(1).be32(0).be16(0).be32(2).be64(42).be64(0)
                        .take();
  // clang-format on
  EXPECT_EQ(body_of(m, 0), body);
  list_offsets_response back;
  ASSERT_FALSE(decode_message(body, 0, back));
  EXPECT_EQ(back, m);
}

TEST(list_offsets_response, v5_golden_bytes) {
  list_offsets_response m;
  m.throttle_time_ms = 1;
  list_offsets_response::partition_response p;
  p.partition_index = 2;
  p.error_code = error_code::offset_not_available;
  p.timestamp = -1;
  p.offset = 99;
  p.leader_epoch = 0;
  m.topics = {{"t", {p}}};
  // clang-format off
  EXPECT_EQ(body_of(m, 5), bytes_builder()
                               .be32(1)
                               .be32(1).be16(1).text("t")
                               .be32(1).be32(2).be16(78).be64(-1).be64(99).be32(0)
                               .take());
  // clang-format on
}

// v6 is v5 in the flexible encoding: compact strings and arrays (length + 1),
// a tagged-field section closing every struct.
TEST(list_offsets_request, v6_golden_bytes) {
  list_offsets_request m;
  m.isolation_level = 1;
  m.topics = {{"t", {{3, 0, 1000}}}};
  // clang-format off
  const auto body = bytes_builder()
                        .be32(-1).u8s({0x01})
                        .u8s({2}).u8s({2}).text("t")             // one topic "t"
                        .u8s({2}).be32(3).be32(0).be64(1000)     // one partition
                        .u8s({0})                                // partition tags
                        .u8s({0})                                // topic tags
                        .u8s({0})                                // tags
                        .take();
  // clang-format on
  testing::expect_golden(body, 6, m);
}

// v10 appends timeout_ms after the topics; v7-v9 only allow new timestamps.
TEST(list_offsets_request, v10_adds_timeout_ms) {
  list_offsets_request m;
  m.topics = {{"t", {{0, -1, list_offsets_max_timestamp}}}};
  m.timeout_ms = 5000;
  // clang-format off
  const auto body = bytes_builder()
                        .be32(-1).u8s({0x00})
                        .u8s({2}).u8s({2}).text("t")
                        .u8s({2}).be32(0).be32(-1).be64(-3).u8s({0})
                        .u8s({0})
                        .be32(5000)
                        .u8s({0})
                        .take();
  // clang-format on
  testing::expect_golden(body, 10, m);
  EXPECT_EQ(body_of(m, 9).size(), body.size() - 4);  // v9 has no timeout_ms
}

TEST(list_offsets_response, v8_golden_bytes) {
  list_offsets_response m;
  m.throttle_time_ms = 0;
  list_offsets_response::partition_response p;
  p.partition_index = 1;
  p.timestamp = 2000;
  p.offset = 7;
  p.leader_epoch = 0;
  m.topics = {{"t", {p}}};
  // clang-format off
  const auto body = bytes_builder()
                        .be32(0)
                        .u8s({2}).u8s({2}).text("t")
                        .u8s({2}).be32(1).be16(0).be64(2000).be64(7).be32(0).u8s({0})
                        .u8s({0})
                        .u8s({0})
                        .take();
  // clang-format on
  testing::expect_golden(body, 8, m);
}

// E3: a compact partition count far beyond the bytes behind it is refused
// before anything is reserved, in the request and the response.
TEST(list_offsets_request, v6_lying_partition_count_is_refused_within_bounds) {
  // One topic "t" claiming 99,999 partitions (varint 100,000) with 30 bytes left.
  const auto body = bytes_builder()
                        .be32(-1)
                        .u8s({0})
                        .u8s({2})
                        .u8s({2})
                        .text("t")
                        .u8s({0xa0, 0x8d, 0x06})
                        .fill(30, 0)
                        .take();
  testing::expect_refused<list_offsets_request>(body, 6, codec_errc::truncated);
}

TEST(list_offsets_response, v6_lying_partition_count_is_refused_within_bounds) {
  const auto body = bytes_builder()
                        .be32(0)
                        .u8s({2})
                        .u8s({2})
                        .text("t")
                        .u8s({0xa0, 0x8d, 0x06})
                        .fill(30, 0)
                        .take();
  testing::expect_refused<list_offsets_response>(body, 6, codec_errc::truncated);
}

}  // namespace
}  // namespace sluice::protocol
