#include "protocol/messages/describe_topic_partitions.h"

#include <gtest/gtest.h>

#include "protocol/message.h"
#include "tests/protocol/byte_helpers.h"
#include "tests/protocol/message_test_helpers.h"

namespace sluice::protocol {
namespace {

using testing::body_of;
using testing::bytes_builder;

using request = describe_topic_partitions_request;
using response = describe_topic_partitions_response;

TEST(describe_topic_partitions, versions_and_headers) {
  EXPECT_TRUE(codec_supports(api_key::describe_topic_partitions, 0));
  EXPECT_FALSE(codec_supports(api_key::describe_topic_partitions, 1));
  EXPECT_TRUE(is_flexible(api_key::describe_topic_partitions, 0));
  EXPECT_EQ(request_header_version(api_key::describe_topic_partitions, 0), 2);
  EXPECT_EQ(response_header_version(api_key::describe_topic_partitions, 0), 1);
  EXPECT_EQ(api_name(api_key::describe_topic_partitions), "DescribeTopicPartitions");
}

// Topics[Name], ResponsePartitionLimit, Cursor (nullable struct), tags.
TEST(describe_topic_partitions_request, v0_golden_bytes_without_cursor) {
  request m;
  m.topics = {{"t"}};
  // clang-format off
  const auto body = bytes_builder()
                        .u8s({2}).u8s({2}).text("t").u8s({0})
                        .be32(2000)
                        .u8s({0xff})     // cursor: null
                        .u8s({0})
                        .take();
  // clang-format on
  testing::expect_golden(body, 0, m);
}

TEST(describe_topic_partitions_request, v0_golden_bytes_with_cursor) {
  request m;
  m.response_partition_limit = 1;
  m.cursor = describe_topic_partitions_cursor{"ab", 3};
  // clang-format off
  const auto body = bytes_builder()
                        .u8s({1})                       // no topics: all of them
                        .be32(1)
                        .u8s({1}).u8s({3}).text("ab").be32(3).u8s({0})
                        .u8s({0})
                        .take();
  // clang-format on
  testing::expect_golden(body, 0, m);
}

TEST(describe_topic_partitions_response, v0_golden_bytes) {
  response m;
  auto& t = m.topics.emplace_back();
  t.name = "t";
  t.topic_id = testing::uuid_filled(7);
  auto& p = t.partitions.emplace_back();
  p.partition_index = 0;
  p.leader_id = 1;
  p.leader_epoch = 0;
  p.replica_nodes = {1};
  p.isr_nodes = {1};
  p.eligible_leader_replicas = std::vector<int32_t>{};
  m.next_cursor = describe_topic_partitions_cursor{"t", 1};
  // clang-format off
  const auto body = bytes_builder()
                        .be32(0)
                        .u8s({2})
                        .be16(0).u8s({2}).text("t").fill(16, 7).u8s({0})
                        .u8s({2})
                        .be16(0).be32(0).be32(1).be32(0)
                        .u8s({2}).be32(1)          // replicas
                        .u8s({2}).be32(1)          // isr
                        .u8s({1})                  // eligible leader replicas: empty
                        .u8s({0})                  // last known elr: null
                        .u8s({1})                  // offline replicas
                        .u8s({0})                  // partition tags
                        .be32(INT32_MIN)           // authorized operations: not asked
                        .u8s({0})                  // topic tags
                        .u8s({1}).u8s({2}).text("t").be32(1).u8s({0})  // next cursor
                        .u8s({0})
                        .take();
  // clang-format on
  testing::expect_golden(body, 0, m);
}

TEST(describe_topic_partitions_response, null_topic_name_round_trips) {
  response m;
  auto& t = m.topics.emplace_back();
  t.error_code = error_code::unknown_topic_id;
  t.name.reset();
  testing::expect_round_trip(m, 0);
}

// E3: lying counts in the topic and the nested partition arrays.
TEST(describe_topic_partitions_request, lying_topic_count_is_refused_within_bounds) {
  const auto body = bytes_builder().u8s({0xa0, 0x8d, 0x06}).fill(30, 0).take();
  testing::expect_refused<request>(body, 0, codec_errc::truncated);
}

TEST(describe_topic_partitions_response, lying_partition_count_is_refused_within_bounds) {
  // clang-format off
  const auto body = bytes_builder()
                        .be32(0)
                        .u8s({2})
                        .be16(0).u8s({2}).text("t").fill(16, 7).u8s({0})
                        .u8s({0xa0, 0x8d, 0x06})
                        .fill(40, 0)
                        .take();
  // clang-format on
  testing::expect_refused<response>(body, 0, codec_errc::truncated);
}

TEST(describe_topic_partitions_response, lying_replica_count_is_refused_within_bounds) {
  // clang-format off
  const auto body = bytes_builder()
                        .be32(0)
                        .u8s({2})
                        .be16(0).u8s({2}).text("t").fill(16, 7).u8s({0})
                        .u8s({2})
                        .be16(0).be32(0).be32(1).be32(0)
                        .u8s({0xa0, 0x8d, 0x06})
                        .fill(40, 0)
                        .take();
  // clang-format on
  testing::expect_refused<response>(body, 0, codec_errc::truncated);
}

}  // namespace
}  // namespace sluice::protocol
