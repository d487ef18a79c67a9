#include "protocol/messages/offset_for_leader_epoch.h"

#include <gtest/gtest.h>

#include "protocol/message.h"
#include "tests/protocol/byte_helpers.h"
#include "tests/protocol/message_test_helpers.h"

namespace sluice::protocol {
namespace {

using testing::body_of;
using testing::bytes_builder;

using request = offset_for_leader_epoch_request;
using response = offset_for_leader_epoch_response;

TEST(offset_for_leader_epoch, versions_and_headers) {
  EXPECT_TRUE(codec_supports(api_key::offset_for_leader_epoch, 0));
  EXPECT_TRUE(codec_supports(api_key::offset_for_leader_epoch, 4));
  EXPECT_FALSE(codec_supports(api_key::offset_for_leader_epoch, 5));
  EXPECT_EQ(request_header_version(api_key::offset_for_leader_epoch, 3), 1);
  EXPECT_EQ(request_header_version(api_key::offset_for_leader_epoch, 4), 2);
  EXPECT_EQ(response_header_version(api_key::offset_for_leader_epoch, 4), 1);
}

// v0: topics[topic, partitions[partition, leader_epoch]], no replica id.
TEST(offset_for_leader_epoch_request, v0_golden_bytes) {
  request m;
  m.topics = {{"t", {{2, -1, 0}}}};
  // clang-format off
  const auto body = bytes_builder()
                        .be32(1).be16(1).text("t")
                        .be32(1).be32(2).be32(0)
                        .take();
  // clang-format on
  testing::expect_golden(body, 0, m);
}

// v3 puts replica_id first and v2's current_leader_epoch before the epoch.
TEST(offset_for_leader_epoch_request, v3_golden_bytes) {
  request m;
  m.replica_id = -1;
  m.topics = {{"t", {{0, 0, 0}}}};
  // clang-format off
  const auto body = bytes_builder()
                        .be32(-1)
                        .be32(1).be16(1).text("t")
                        .be32(1).be32(0).be32(0).be32(0)
                        .take();
  // clang-format on
  testing::expect_golden(body, 3, m);
}

// An old request carries no replica id: Kafka's default -2 (debugging).
TEST(offset_for_leader_epoch_request, replica_id_defaults_to_minus_two_below_v3) {
  request m;
  m.replica_id = 5;
  request back;
  ASSERT_FALSE(decode_message(body_of(m, 2), 2, back));
  EXPECT_EQ(back.replica_id, -2);
}

// v4 (flexible), as librdkafka 2.15 sends it after a group assignment.
TEST(offset_for_leader_epoch_request, v4_golden_bytes) {
  request m;
  m.replica_id = -1;
  m.topics = {{"t", {{1, 0, 0}}}};
  // clang-format off
  const auto body = bytes_builder()
                        .be32(-1)
                        .u8s({2}).u8s({2}).text("t")
                        .u8s({2}).be32(1).be32(0).be32(0).u8s({0})
                        .u8s({0})
                        .u8s({0})
                        .take();
  // clang-format on
  testing::expect_golden(body, 4, m);
}

TEST(offset_for_leader_epoch_response, v0_golden_bytes) {
  response m;
  m.topics = {{"t", {{error_code::none, 0, -1, 42}}}};
  // clang-format off
  const auto body = bytes_builder()
                        .be32(1).be16(1).text("t")
                        .be32(1).be16(0).be32(0).be64(42)
                        .take();
  // clang-format on
  testing::expect_golden(body, 0, m);
}

TEST(offset_for_leader_epoch_response, v4_golden_bytes) {
  response m;
  m.throttle_time_ms = 0;
  m.topics = {{"t", {{error_code::none, 0, 0, 42}, {error_code::fenced_leader_epoch, 1, -1, -1}}}};
  // clang-format off
  const auto body = bytes_builder()
                        .be32(0)
                        .u8s({2}).u8s({2}).text("t")
                        .u8s({3})
                        .be16(0).be32(0).be32(0).be64(42).u8s({0})
                        .be16(74).be32(1).be32(-1).be64(-1).u8s({0})
                        .u8s({0})
                        .u8s({0})
                        .take();
  // clang-format on
  testing::expect_golden(body, 4, m);
}

// E3: a lying nested count, flexible and classic.
TEST(offset_for_leader_epoch_request, v4_lying_partition_count_is_refused_within_bounds) {
  const auto body = bytes_builder()
                        .be32(-1)
                        .u8s({2})
                        .u8s({2})
                        .text("t")
                        .u8s({0xa0, 0x8d, 0x06})
                        .fill(30, 0)
                        .take();
  testing::expect_refused<request>(body, 4, codec_errc::truncated);
}

TEST(offset_for_leader_epoch_response, v4_lying_partition_count_is_refused_within_bounds) {
  const auto body = bytes_builder()
                        .be32(0)
                        .u8s({2})
                        .u8s({2})
                        .text("t")
                        .u8s({0xa0, 0x8d, 0x06})
                        .fill(30, 0)
                        .take();
  testing::expect_refused<response>(body, 4, codec_errc::truncated);
}

TEST(offset_for_leader_epoch_request, v2_lying_topic_count_is_refused_within_bounds) {
  const auto body = bytes_builder().be32(100000).fill(40, 0).take();
  testing::expect_refused<request>(body, 2, codec_errc::truncated);
}

}  // namespace
}  // namespace sluice::protocol
