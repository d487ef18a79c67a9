// DescribeShareGroupOffsets (90), AlterShareGroupOffsets (91) and
// DeleteShareGroupOffsets (92): round trips at every version this codec
// supports, and hand-written bodies laid out from Kafka's message specs.
#include <gtest/gtest.h>

#include <algorithm>

#include "protocol/messages/alter_share_group_offsets.h"
#include "protocol/messages/delete_share_group_offsets.h"
#include "protocol/messages/describe_share_group_offsets.h"
#include "protocol/messages/share_group_describe.h"
#include "tests/protocol/byte_helpers.h"
#include "tests/protocol/message_test_helpers.h"

// clang-format off
namespace sluice::protocol {
namespace {

using testing::body_of;
using testing::bytes_builder;
using testing::expect_round_trip;

TEST(share_offsets_messages, versions_and_headers) {
  EXPECT_TRUE(codec_supports(api_key::describe_share_group_offsets, 0));
  EXPECT_TRUE(codec_supports(api_key::describe_share_group_offsets, 1));
  EXPECT_FALSE(codec_supports(api_key::describe_share_group_offsets, 2));
  EXPECT_TRUE(codec_supports(api_key::alter_share_group_offsets, 0));
  EXPECT_FALSE(codec_supports(api_key::alter_share_group_offsets, 1));
  EXPECT_TRUE(codec_supports(api_key::delete_share_group_offsets, 0));
  EXPECT_EQ(request_header_version(api_key::alter_share_group_offsets, 0), 2);
  EXPECT_EQ(response_header_version(api_key::delete_share_group_offsets, 0), 1);
  EXPECT_EQ(api_name(api_key::describe_share_group_offsets), "DescribeShareGroupOffsets");
}

TEST(describe_share_group_offsets_request, round_trips_null_and_named_topics) {
  describe_share_group_offsets_request m;
  m.groups.push_back({"all", std::nullopt});
  m.groups.push_back({"some", std::vector<describe_share_group_offsets_request::request_topic>{
                                  {"t", {0, 2}}}});
  for (int16_t v = 0; v <= 1; ++v) expect_round_trip(m, v);
}

// Groups[GroupId, Topics (nullable)[TopicName, Partitions[]int32]], tags.
TEST(describe_share_group_offsets_request, v0_hand_written) {
  describe_share_group_offsets_request m;
  m.groups.push_back({"g", std::vector<describe_share_group_offsets_request::request_topic>{
                               {"t", {1}}}});
  const auto body = bytes_builder()
                        .u8s({2})                 // one group
                        .u8s({2}).text("g")
                        .u8s({2})                 // one topic
                        .u8s({2}).text("t")
                        .u8s({2}).be32(1)         // partitions [1]
                        .u8s({0})                 // topic tags
                        .u8s({0})                 // group tags
                        .u8s({0})                 // tags
                        .take();
  testing::expect_golden(body, 0, m);
}

describe_share_group_offsets_response sample_describe_response() {
  describe_share_group_offsets_response m;
  m.throttle_time_ms = 3;
  auto& g = m.groups.emplace_back();
  g.group_id = "g";
  auto& t = g.topics.emplace_back();
  t.topic_name = "t";
  t.topic_id = testing::uuid_filled(7);
  auto& p = t.partitions.emplace_back();
  p.partition_index = 0;
  p.start_offset = 17;
  p.leader_epoch = 0;
  p.lag = 4;
  p.end_offset = 21;
  p.acquired_records = 2;
  auto& q = t.partitions.emplace_back();
  q.partition_index = 1;
  q.error_code = error_code::unknown_topic_or_partition;
  q.error_message = "gone";
  auto& bad = m.groups.emplace_back();
  bad.group_id = "x";
  bad.error_code = error_code::group_id_not_found;
  return m;
}

TEST(describe_share_group_offsets_response, round_trips_at_every_version) {
  auto m = sample_describe_response();
  expect_round_trip(m, 1);
  // v0 has no Lag: it decodes as the default.
  m.groups[0].topics[0].partitions[0].lag = -1;
  expect_round_trip(m, 0);
}

// PartitionIndex, StartOffset, LeaderEpoch, Lag (v1), ErrorCode,
// ErrorMessage, then the extension tags 10000 (end offset) and 10001
// (acquired records) in ascending order: varint 10000 = 0x90 0x4e.
TEST(describe_share_group_offsets_response, v1_hand_written_partition_with_extension_tags) {
  describe_share_group_offsets_response m;
  auto& g = m.groups.emplace_back();
  g.group_id = "g";
  auto& t = g.topics.emplace_back();
  t.topic_name = "t";
  t.topic_id = testing::uuid_filled(1);
  auto& p = t.partitions.emplace_back();
  p.partition_index = 0;
  p.start_offset = 5;
  p.leader_epoch = 0;
  p.lag = 2;
  p.end_offset = 9;
  p.acquired_records = 1;
  const auto body = bytes_builder()
                        .be32(0)                    // throttle
                        .u8s({2})                   // one group
                        .u8s({2}).text("g")
                        .u8s({2})                   // one topic
                        .u8s({2}).text("t")
                        .fill(16, 1)                // topic id
                        .u8s({2})                   // one partition
                        .be32(0).be64(5).be32(0).be64(2)
                        .be16(0).u8s({0})           // no error, null message
                        .u8s({2})                   // two tagged fields
                        .u8s({0x90, 0x4e, 8}).be64(9)
                        .u8s({0x91, 0x4e, 4}).be32(1)
                        .u8s({0})                   // topic tags
                        .be16(0).u8s({0})           // group error, message
                        .u8s({0})                   // group tags
                        .u8s({0})                   // tags
                        .take();
  testing::expect_golden(body, 1, m);
}

TEST(alter_share_group_offsets, round_trips) {
  alter_share_group_offsets_request req;
  req.group_id = "g";
  req.topics.push_back({"t", {{0, 10}, {1, 0}}});
  expect_round_trip(req, 0);
  alter_share_group_offsets_response resp;
  resp.error_code = error_code::non_empty_group;
  resp.error_message = "busy";
  resp.responses.push_back({"t", testing::uuid_filled(2), {{0, error_code::none, std::nullopt},
                                            {1, error_code::unknown_topic_or_partition, "no"}}});
  expect_round_trip(resp, 0);
}

// GroupId, Topics[TopicName, Partitions[PartitionIndex, StartOffset]], tags.
TEST(alter_share_group_offsets_request, v0_hand_written) {
  alter_share_group_offsets_request m;
  m.group_id = "g";
  m.topics.push_back({"t", {{3, 42}}});
  const auto body = bytes_builder()
                        .u8s({2}).text("g")
                        .u8s({2}).u8s({2}).text("t")
                        .u8s({2}).be32(3).be64(42).u8s({0})
                        .u8s({0})
                        .u8s({0})
                        .take();
  testing::expect_golden(body, 0, m);
}

TEST(delete_share_group_offsets, round_trips) {
  delete_share_group_offsets_request req;
  req.group_id = "g";
  req.topic_names = {"a", "b"};
  expect_round_trip(req, 0);
  delete_share_group_offsets_response resp;
  resp.responses.push_back({"a", testing::uuid_filled(3), error_code::none, std::nullopt});
  resp.responses.push_back({"b", uuid{}, error_code::unknown_topic_or_partition, "no"});
  expect_round_trip(resp, 0);
}

// ThrottleTimeMs, ErrorCode, ErrorMessage, Responses[TopicName, TopicId,
// ErrorCode, ErrorMessage], tags.
TEST(delete_share_group_offsets_response, v0_hand_written) {
  delete_share_group_offsets_response m;
  m.responses.push_back({"t", testing::uuid_filled(9), error_code::none, std::nullopt});
  const auto body = bytes_builder()
                        .be32(0).be16(0).u8s({0})
                        .u8s({2})
                        .u8s({2}).text("t").fill(16, 9).be16(0).u8s({0}).u8s({0})
                        .u8s({0})
                        .take();
  testing::expect_golden(body, 0, m);
}

// The member's tag section carries tag 10000 (varint 0x90 0x4e), size 4.
TEST(share_group_describe_response, member_acquired_records_is_a_tagged_field) {
  share_group_describe_response m;
  auto& g = m.groups.emplace_back();
  g.group_id = "g";
  auto& mem = g.members.emplace_back();
  mem.member_id = "m";
  mem.acquired_records = 3;
  expect_round_trip(m, 1);
  const auto body = body_of(m, 1);
  const auto tail = bytes_builder().u8s({1, 0x90, 0x4e, 4}).be32(3).take();
  EXPECT_NE(std::search(body.begin(), body.end(), tail.begin(), tail.end()), body.end());
  mem.acquired_records.reset();
  EXPECT_EQ(body_of(m, 1).size() + 7, body.size());  // tag, size, int32
}

TEST(share_offsets_messages, lying_counts_are_refused_without_allocating) {
  const auto describe = bytes_builder().u8s({0xff, 0xff, 0xff, 0x7f}).take();
  testing::expect_refused<describe_share_group_offsets_request>(describe, 0,
                                                                codec_errc::truncated);
  const auto alter = bytes_builder().u8s({2}).text("g").u8s({0xff, 0xff, 0xff, 0x7f}).take();
  testing::expect_refused<alter_share_group_offsets_request>(alter, 0, codec_errc::truncated);
}

}  // namespace
}  // namespace sluice::protocol
// clang-format on
