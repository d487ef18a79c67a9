// Round trips of the share-group messages (keys 76-79) at every version this
// codec supports, and hand-written bodies laid out field by field from
// Kafka's message specs (ShareGroupHeartbeatRequest.json etc.) to check the
// field order and the compact encodings.
#include <gtest/gtest.h>

#include "protocol/messages/share_acknowledge.h"
#include "protocol/messages/share_fetch.h"
#include "protocol/messages/share_group_describe.h"
#include "protocol/messages/share_group_heartbeat.h"
#include "tests/protocol/byte_helpers.h"
#include "tests/protocol/message_test_helpers.h"

// The hand-written bodies put one field per line; keep clang-format from
// joining them.
// clang-format off
namespace sluice::protocol {
namespace {

using testing::body_of;
using testing::bytes_builder;
using testing::expect_round_trip;

TEST(share_messages, codec_versions_are_kafka_4_2s) {
  EXPECT_FALSE(codec_supports(api_key::share_group_heartbeat, 0));
  EXPECT_TRUE(codec_supports(api_key::share_group_heartbeat, 1));
  EXPECT_FALSE(codec_supports(api_key::share_group_heartbeat, 2));
  EXPECT_TRUE(codec_supports(api_key::share_group_describe, 1));
  EXPECT_TRUE(codec_supports(api_key::share_fetch, 1));
  EXPECT_TRUE(codec_supports(api_key::share_fetch, 2));
  EXPECT_FALSE(codec_supports(api_key::share_fetch, 3));
  EXPECT_TRUE(codec_supports(api_key::share_acknowledge, 2));
  EXPECT_EQ(request_header_version(api_key::share_fetch, 1), 2);
  EXPECT_EQ(response_header_version(api_key::share_fetch, 1), 1);
}

// GroupId, MemberId, MemberEpoch, RackId (nullable), SubscribedTopicNames
// (nullable array), tags: compact strings are length + 1.
TEST(share_group_heartbeat_request, v1_hand_written_join) {
  share_group_heartbeat_request m;
  m.group_id = "g";
  m.member_id = "m1";
  m.member_epoch = 0;
  m.subscribed_topic_names = std::vector<std::string>{"t"};
  const auto body = bytes_builder()
                        .u8s({2}).text("g")
                        .u8s({3}).text("m1")
                        .be32(0)
                        .u8s({0})        // rack null
                        .u8s({2, 2}).text("t")
                        .u8s({0})        // tags
                        .take();
  testing::expect_golden(body, 1, m);
}

TEST(share_group_heartbeat_request, null_subscription_means_unchanged) {
  share_group_heartbeat_request m;
  m.group_id = "g";
  m.member_id = "m";
  m.member_epoch = 3;
  m.rack_id = "r";
  expect_round_trip(m, 1);
  const auto body = body_of(m, 1);
  EXPECT_EQ(body[body.size() - 2], std::byte{0});  // null array
}

TEST(share_group_heartbeat_response, v1_hand_written_with_assignment) {
  share_group_heartbeat_response m;
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
}

TEST(share_group_heartbeat_response, null_assignment_round_trips) {
  share_group_heartbeat_response m;
  m.error_code = error_code::unknown_member_id;
  m.error_message = "who";
  expect_round_trip(m, 1);
}

TEST(share_group_describe, round_trips) {
  share_group_describe_request q;
  q.group_ids = {"a", "b"};
  q.include_authorized_operations = true;
  expect_round_trip(q, 1);
  EXPECT_EQ(body_of(q, 1), bytes_builder().u8s({3, 2}).text("a").u8s({2}).text("b").u8s({1, 0}).take());

  share_group_describe_response r;
  auto& g = r.groups.emplace_back();
  g.group_id = "a";
  g.group_state = "Stable";
  g.group_epoch = 4;
  g.assignment_epoch = 4;
  g.assignor_name = "simple";
  auto& mem = g.members.emplace_back();
  mem.member_id = "m";
  mem.member_epoch = 4;
  mem.client_id = "c";
  mem.client_host = "/127.0.0.1";
  mem.subscribed_topic_names = {"t"};
  mem.assignment.push_back({testing::uuid_filled(1), "t", {0}});
  r.groups.push_back({error_code::group_id_not_found, "no", "b", "Dead", 0, 0, "", {}, 0});
  expect_round_trip(r, 1);
}

share_fetch_request sample_fetch() {
  share_fetch_request m;
  m.group_id = "g";
  m.member_id = "m";
  m.share_session_epoch = 1;
  m.max_wait_ms = 500;
  m.min_bytes = 1;
  m.max_records = 10;
  m.batch_size = 10;
  auto& t = m.topics.emplace_back();
  t.topic_id = testing::uuid_filled(9);
  auto& p = t.partitions.emplace_back();
  p.partition_index = 0;
  p.acknowledgement_batches.push_back({5, 7, {1}});
  m.forgotten_topics_data.push_back({testing::uuid_filled(8), {3}});
  return m;
}

// GroupId, MemberId, ShareSessionEpoch, MaxWaitMs, MinBytes, MaxBytes,
// MaxRecords, BatchSize, [v2: ShareAcquireMode, IsRenewAck], Topics,
// ForgottenTopicsData.
TEST(share_fetch_request, v1_hand_written) {
  const auto body = bytes_builder()
                        .u8s({2}).text("g")
                        .u8s({2}).text("m")
                        .be32(1).be32(500).be32(1).be32(0x7fffffff).be32(10).be32(10)
                        .u8s({2}).fill(16, 9)             // one topic
                        .u8s({2}).be32(0)                 // one partition, index 0
                        .u8s({2}).be64(5).be64(7).u8s({2, 1, 0})  // one batch: [accept]
                        .u8s({0})                         // partition tags
                        .u8s({0})                         // topic tags
                        .u8s({2}).fill(16, 8).u8s({2}).be32(3).u8s({0})
                        .u8s({0})
                        .take();
  testing::expect_golden(body, 1, sample_fetch());
}

TEST(share_fetch_request, v2_adds_acquire_mode_and_renew_flag) {
  auto m = sample_fetch();
  m.share_acquire_mode = 1;
  m.is_renew_ack = true;
  expect_round_trip(m, 2);
  EXPECT_EQ(body_of(m, 2).size(), body_of(m, 1).size() + 2);
  m.share_acquire_mode = 0;
  m.is_renew_ack = false;
  expect_round_trip(m, 1);
}

TEST(share_fetch_response, round_trips_at_every_version) {
  const auto batch = bytes_builder().be64(0).be32(3).u8s({1, 2, 3}).take();
  share_fetch_response m;
  m.acquisition_lock_timeout_ms = 30000;
  auto& t = m.responses.emplace_back();
  t.topic_id = testing::uuid_filled(2);
  auto& p = t.partitions.emplace_back();
  p.partition_index = 1;
  p.acknowledge_error_code = error_code::invalid_record_state;
  p.current_leader = {0, 0};
  p.records = record_set::of(batch);
  p.acquired.push_back({0, 4, 1});
  p.acquired.push_back({6, 6, 3});
  m.node_endpoints.push_back({0, "localhost", 9092, std::nullopt});
  for (int16_t v = 1; v <= 2; ++v) expect_round_trip(m, v);
}

TEST(share_fetch_response, v1_hand_written_empty_partition) {
  share_fetch_response m;
  m.acquisition_lock_timeout_ms = 100;
  auto& t = m.responses.emplace_back();
  t.topic_id = testing::uuid_filled(1);
  t.partitions.emplace_back();
  const auto body = bytes_builder()
                        .be32(0).be16(0).u8s({0}).be32(100)
                        .u8s({2}).fill(16, 1)
                        .u8s({2}).be32(0).be16(0).u8s({0}).be16(0).u8s({0})
                        .be32(-1).be32(-1).u8s({0})  // leader, tags
                        .u8s({0})                    // records null
                        .u8s({1})                    // no acquired records
                        .u8s({0}).u8s({0})           // partition, topic tags
                        .u8s({1})                    // no node endpoints
                        .u8s({0})
                        .take();
  testing::expect_golden(body, 1, m);
}

TEST(share_acknowledge, round_trips_at_every_version) {
  share_acknowledge_request q;
  q.group_id = "g";
  q.member_id = "m";
  q.share_session_epoch = 2;
  auto& t = q.topics.emplace_back();
  t.topic_id = testing::uuid_filled(3);
  t.partitions.push_back({0, {{0, 2, {1, 2, 3}}}});
  expect_round_trip(q, 1);
  q.is_renew_ack = true;
  expect_round_trip(q, 2);

  share_acknowledge_response r;
  r.acquisition_lock_timeout_ms = 1000;
  r.responses.push_back({testing::uuid_filled(3), {{0, error_code::invalid_record_state, "x", {0, 0}}}});
  expect_round_trip(r, 2);
  r.acquisition_lock_timeout_ms = 0;  // absent before v2
  expect_round_trip(r, 1);
  EXPECT_EQ(body_of(r, 2).size(), body_of(r, 1).size() + 4);
}

// GroupId (nullable), MemberId (nullable), ShareSessionEpoch, Topics.
TEST(share_acknowledge_request, v1_hand_written_with_null_group) {
  share_acknowledge_request m;
  m.member_id = "m";
  m.share_session_epoch = -1;
  const auto body =
      bytes_builder().u8s({0}).u8s({2}).text("m").be32(-1).u8s({1}).u8s({0}).take();
  testing::expect_golden(body, 1, m);
}

TEST(share_messages, lying_counts_are_refused_without_allocating) {
  // A topics array claiming 2^28 entries in a short body.
  const auto fetch = bytes_builder()
                         .u8s({2}).text("g").u8s({2}).text("m")
                         .be32(0).be32(0).be32(0).be32(0).be32(0).be32(0)
                         .u8s({0xff, 0xff, 0xff, 0x7f})
                         .take();
  testing::expect_refused<share_fetch_request>(fetch, 1, codec_errc::truncated);
  const auto hb = bytes_builder().u8s({0x80}).take();
  share_group_heartbeat_request m;
  EXPECT_TRUE(decode_message(hb, 1, m));
}

}  // namespace
}  // namespace sluice::protocol
// clang-format on
