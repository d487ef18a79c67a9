// ConsumerGroupHeartbeat (68) and ConsumerGroupDescribe (69), KIP-848: round
// trips at every version the codec supports, and bodies laid out field by
// field from Kafka's message specs (ConsumerGroupHeartbeatRequest.json etc.)
// to check field order, the v1 additions and the compact encodings.
#include <gtest/gtest.h>

#include "protocol/messages/consumer_group_describe.h"
#include "protocol/messages/consumer_group_heartbeat.h"
#include "tests/protocol/byte_helpers.h"
#include "tests/protocol/message_test_helpers.h"

// clang-format off
namespace sluice::protocol {
namespace {

using testing::body_of;
using testing::bytes_builder;
using testing::expect_round_trip;

TEST(consumer_group_messages, codec_versions_are_kafka_4s) {
  EXPECT_TRUE(codec_supports(api_key::consumer_group_heartbeat, 0));
  EXPECT_TRUE(codec_supports(api_key::consumer_group_heartbeat, 1));
  EXPECT_FALSE(codec_supports(api_key::consumer_group_heartbeat, 2));
  EXPECT_TRUE(codec_supports(api_key::consumer_group_describe, 0));
  EXPECT_TRUE(codec_supports(api_key::consumer_group_describe, 1));
  EXPECT_FALSE(codec_supports(api_key::consumer_group_describe, 2));
  EXPECT_EQ(request_header_version(api_key::consumer_group_heartbeat, 0), 2);
  EXPECT_EQ(response_header_version(api_key::consumer_group_heartbeat, 1), 1);
}

consumer_group_heartbeat_request sample_join() {
  consumer_group_heartbeat_request m;
  m.group_id = "g";
  m.member_id = "m1";
  m.member_epoch = 0;
  m.rebalance_timeout_ms = 300000;
  m.subscribed_topic_names = std::vector<std::string>{"t"};
  m.subscribed_topic_regex = "^a.*";
  m.server_assignor = "uniform";
  m.topic_partitions = std::vector<consumer_group_topic_partitions>{};
  return m;
}

// GroupId, MemberId, MemberEpoch, InstanceId, RackId, RebalanceTimeoutMs,
// SubscribedTopicNames, [v1: SubscribedTopicRegex], ServerAssignor,
// TopicPartitions, tags.
TEST(consumer_group_heartbeat_request, v1_hand_written_join) {
  const auto body = bytes_builder()
                        .u8s({2}).text("g")
                        .u8s({3}).text("m1")
                        .be32(0)
                        .u8s({0})        // instance id null
                        .u8s({0})        // rack null
                        .be32(300000)
                        .u8s({2, 2}).text("t")
                        .u8s({5}).text("^a.*")
                        .u8s({8}).text("uniform")
                        .u8s({1})        // empty owned partitions
                        .u8s({0})        // tags
                        .take();
  testing::expect_golden(body, 1, sample_join());
}

TEST(consumer_group_heartbeat_request, v0_has_no_regex) {
  auto m = sample_join();
  m.subscribed_topic_regex.reset();
  const auto body = bytes_builder()
                        .u8s({2}).text("g")
                        .u8s({3}).text("m1")
                        .be32(0)
                        .u8s({0, 0})
                        .be32(300000)
                        .u8s({2, 2}).text("t")
                        .u8s({8}).text("uniform")
                        .u8s({1})
                        .u8s({0})
                        .take();
  testing::expect_golden(body, 0, m);
  // A regex set in memory is not sent at v0.
  EXPECT_EQ(body_of(sample_join(), 0), body);
}

TEST(consumer_group_heartbeat_request, nulls_mean_unchanged_and_owned_partitions_round_trip) {
  consumer_group_heartbeat_request m;
  m.group_id = "g";
  m.member_id = "m";
  m.member_epoch = 7;
  m.instance_id = "i";
  m.topic_partitions = std::vector<consumer_group_topic_partitions>{
      {testing::uuid_filled(3), {0, 2}}};
  expect_round_trip(m, 0);
  expect_round_trip(m, 1);
  m.topic_partitions.reset();
  expect_round_trip(m, 1);
}

TEST(consumer_group_heartbeat_response, v1_hand_written_with_assignment) {
  consumer_group_heartbeat_response m;
  m.member_id = "m";
  m.member_epoch = 2;
  m.heartbeat_interval_ms = 5000;
  m.assignment.emplace().topic_partitions.push_back({testing::uuid_filled(7), {0, 1}});
  const auto body = bytes_builder()
                        .be32(0).be16(0)
                        .u8s({0})               // error message null
                        .u8s({2}).text("m")
                        .be32(2).be32(5000)
                        .u8s({1})               // assignment present
                        .u8s({2}).fill(16, 7)   // one topic, id
                        .u8s({3}).be32(0).be32(1)
                        .u8s({0})               // topic tags
                        .u8s({0})               // assignment tags
                        .u8s({0})               // tags
                        .take();
  testing::expect_golden(body, 1, m);
  testing::expect_golden(body, 0, m);
}

TEST(consumer_group_heartbeat_response, error_with_null_assignment_round_trips) {
  consumer_group_heartbeat_response m;
  m.error_code = error_code::fenced_member_epoch;
  m.error_message = "fenced";
  m.member_epoch = -1;
  expect_round_trip(m, 0);
  expect_round_trip(m, 1);
  EXPECT_EQ(body_of(m, 1)[body_of(m, 1).size() - 2], std::byte{0xFF});  // null struct
}

TEST(consumer_group_heartbeat_request, truncated_body_is_refused) {
  auto body = body_of(sample_join(), 1);
  body.resize(body.size() - 3);
  consumer_group_heartbeat_request m;
  EXPECT_TRUE(decode_message(body, 1, m));
}

consumer_group_describe_response sample_describe() {
  consumer_group_describe_response r;
  auto& g = r.groups.emplace_back();
  g.group_id = "a";
  g.group_state = "Stable";
  g.group_epoch = 4;
  g.assignment_epoch = 4;
  g.assignor_name = "uniform";
  auto& mem = g.members.emplace_back();
  mem.member_id = "m";
  mem.instance_id = "i";
  mem.member_epoch = 4;
  mem.client_id = "c";
  mem.client_host = "/127.0.0.1";
  mem.subscribed_topic_names = {"t"};
  mem.subscribed_topic_regex = "t.*";
  mem.assignment.push_back({testing::uuid_filled(1), "t", {0}});
  mem.target_assignment.push_back({testing::uuid_filled(1), "t", {0, 1}});
  mem.member_type = 1;
  auto& missing = r.groups.emplace_back();
  missing.error_code = error_code::group_id_not_found;
  missing.group_id = "b";
  missing.group_state = "Dead";
  return r;
}

TEST(consumer_group_describe, round_trips_and_member_type_is_v1_only) {
  consumer_group_describe_request q;
  q.group_ids = {"a", "b"};
  q.include_authorized_operations = true;
  expect_round_trip(q, 0);
  expect_round_trip(q, 1);
  EXPECT_EQ(body_of(q, 1), bytes_builder().u8s({3, 2}).text("a").u8s({2}).text("b").u8s({1, 0}).take());

  const auto r = sample_describe();
  expect_round_trip(r, 1);
  // v0 has no MemberType: one byte shorter, and it reads back as -1.
  EXPECT_EQ(body_of(r, 1).size(), body_of(r, 0).size() + 1);
  consumer_group_describe_response back;
  ASSERT_FALSE(decode_message(body_of(r, 0), 0, back));
  EXPECT_EQ(back.groups[0].members[0].member_type, -1);
  back.groups[0].members[0].member_type = 1;
  EXPECT_EQ(back, r);
}

}  // namespace
}  // namespace sluice::protocol
// clang-format on
