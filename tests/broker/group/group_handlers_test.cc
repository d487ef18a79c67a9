// The group handlers on the wire at their newer versions, and OffsetCommit's
// check of the topics it is asked to store.
#include <gtest/gtest.h>

#include "broker/api_table.h"
#include "broker/group/coordinator.h"
#include "broker/topic_table.h"
#include "protocol/messages/delete_topics.h"
#include "protocol/messages/find_coordinator.h"
#include "protocol/messages/list_groups.h"
#include "protocol/messages/offset_commit.h"
#include "protocol/messages/offset_fetch.h"
#include "tests/broker/fake_shard.h"

namespace sluice::broker {
namespace {

using protocol::error_code;
using commit_request = protocol::offset_commit_request;

class group_handlers : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(shard_.topics().create_topic("t", 2)); }

  template <class Resp, class Req>
  Resp call(void (*handler)(shard_services&, request, respond_fn), const Req& body,
            int16_t version) {
    auto a = std::make_shared<test::answer>();
    handler(shard_, test::make_request(body, version), test::capture(a));
    shard_.run_io();
    EXPECT_TRUE(a->called && a->value);
    if (!a->called || !a->value) return Resp{};
    return test::decode_answer<Resp>(*a->value, version);
  }
  commit_request commit_of(std::vector<commit_request::offset_commit_request_topic> topics) {
    commit_request r;
    r.group_id = "g";
    r.topics = std::move(topics);
    return r;
  }
  commit_request::offset_commit_request_partition at(int32_t partition, int64_t offset) {
    commit_request::offset_commit_request_partition p;
    p.partition_index = partition;
    p.committed_offset = offset;
    return p;
  }

  test::fake_shard shard_;
  group::coordinator coordinator_{shard_, {}};
  group::coordinator_registration registration_{shard_, coordinator_};
};

TEST_F(group_handlers, commit_to_a_missing_topic_or_partition_is_refused_and_stores_nothing) {
  const auto req = commit_of({{"t", {at(0, 5), at(7, 9)}}, {"nope", {at(0, 3)}}});
  for (int16_t v : {2, 8}) {
    auto r = call<protocol::offset_commit_response>(&handle_offset_commit, req, v);
    ASSERT_EQ(r.topics.size(), 2u);
    ASSERT_EQ(r.topics[0].partitions.size(), 2u);
    EXPECT_EQ(r.topics[0].partitions[0].error_code, error_code::none);
    EXPECT_EQ(r.topics[0].partitions[1].error_code, error_code::unknown_topic_or_partition);
    EXPECT_EQ(r.topics[1].name, "nope");
    EXPECT_EQ(r.topics[1].partitions[0].error_code, error_code::unknown_topic_or_partition);
  }
  ASSERT_NE(coordinator_.offsets("g"), nullptr);
  EXPECT_EQ(coordinator_.offsets("g")->size(), 1u);  // t-0 only
  EXPECT_TRUE(coordinator_.offsets("g")->contains({"t", 0}));

  // Only missing topics: answered, and no group or offset appears.
  auto none = commit_of({{"nope", {at(0, 3)}}});
  none.group_id = "other";
  auto r = call<protocol::offset_commit_response>(&handle_offset_commit, none, 5);
  EXPECT_EQ(r.topics[0].partitions[0].error_code, error_code::unknown_topic_or_partition);
  EXPECT_EQ(coordinator_.offsets("other"), nullptr);
}

TEST_F(group_handlers, a_deleted_topics_offsets_are_gone_so_a_recreated_topic_starts_afresh) {
  ASSERT_FALSE(shard_.topics().create_topic("keep", 1));
  call<protocol::offset_commit_response>(
      &handle_offset_commit, commit_of({{"t", {at(0, 5), at(1, 6)}}, {"keep", {at(0, 7)}}}), 8);
  ASSERT_EQ(coordinator_.offsets("g")->size(), 3u);
  protocol::delete_topics_request del;
  del.topic_names = {"t"};
  call<protocol::delete_topics_response>(&handle_delete_topics, del, 5);
  shard_.run_io();
  EXPECT_FALSE(coordinator_.offsets("g")->contains({"t", 0}));
  EXPECT_FALSE(coordinator_.offsets("g")->contains({"t", 1}));
  EXPECT_TRUE(coordinator_.offsets("g")->contains({"keep", 0}));
  ASSERT_FALSE(shard_.topics().create_topic("t", 2));
  protocol::offset_fetch_request f;
  f.group_id = "g";
  f.topics.emplace();
  f.topics->push_back({"t", {0}});
  auto r = call<protocol::offset_fetch_response>(&handle_offset_fetch, f, 5);
  ASSERT_EQ(r.topics.size(), 1u);
  EXPECT_EQ(r.topics[0].partitions[0].committed_offset, -1);  // no commit of the new topic
}

TEST_F(group_handlers, commit_v0_and_v1_are_accepted_outside_the_group) {
  auto v0 = commit_of({{"t", {at(0, 11)}}});
  auto r = call<protocol::offset_commit_response>(&handle_offset_commit, v0, 0);
  EXPECT_EQ(r.topics[0].partitions[0].error_code, error_code::none);
  // v1 carries the commit time per partition (Sarama's default commit).
  auto v1 = commit_of({{"t", {at(1, 12)}}});
  v1.topics[0].partitions[0].commit_timestamp = 1234;
  r = call<protocol::offset_commit_response>(&handle_offset_commit, v1, 1);
  EXPECT_EQ(r.topics[0].partitions[0].error_code, error_code::none);
  const auto* offsets = coordinator_.offsets("g");
  ASSERT_NE(offsets, nullptr);
  EXPECT_EQ(offsets->at({"t", 0}).offset, 11);
  EXPECT_EQ(offsets->at({"t", 1}).offset, 12);
  EXPECT_EQ(offsets->at({"t", 1}).commit_timestamp_ms, 1234);
  EXPECT_EQ(offsets->at({"t", 1}).expire_timestamp_ms, -1);
  // v2-4 may ask for a retention of their own.
  auto v2 = commit_of({{"t", {at(0, 13)}}});
  v2.retention_time_ms = 60000;
  r = call<protocol::offset_commit_response>(&handle_offset_commit, v2, 2);
  EXPECT_EQ(r.topics[0].partitions[0].error_code, error_code::none);
  const auto& o = coordinator_.offsets("g")->at({"t", 0});
  EXPECT_EQ(o.expire_timestamp_ms, o.commit_timestamp_ms + 60000);
}

TEST_F(group_handlers, commit_with_a_generation_to_an_unknown_group_depends_on_the_version) {
  auto req = commit_of({{"t", {at(0, 1)}}});
  req.generation_id = 3;
  req.member_id = "m";
  auto r = call<protocol::offset_commit_response>(&handle_offset_commit, req, 8);
  EXPECT_EQ(r.topics[0].partitions[0].error_code, error_code::illegal_generation);
  r = call<protocol::offset_commit_response>(&handle_offset_commit, req, 9);
  EXPECT_EQ(r.topics[0].partitions[0].error_code, error_code::group_id_not_found);
  EXPECT_EQ(coordinator_.offsets("g"), nullptr);
}

TEST_F(group_handlers, offset_fetch_v8_answers_each_group) {
  call<protocol::offset_commit_response>(&handle_offset_commit, commit_of({{"t", {at(1, 40)}}}), 8);
  protocol::offset_fetch_request req;
  req.groups.push_back({"g", std::nullopt, -1, std::nullopt});        // all topics
  req.groups.push_back({"empty", std::nullopt, -1, {{{"t", {0}}}}});  // nothing committed
  for (int16_t v : {8, 9}) {
    auto r = call<protocol::offset_fetch_response>(&handle_offset_fetch, req, v);
    ASSERT_EQ(r.groups.size(), 2u);
    EXPECT_EQ(r.groups[0].group_id, "g");
    ASSERT_EQ(r.groups[0].topics.size(), 1u);
    EXPECT_EQ(r.groups[0].topics[0].partitions[0].partition_index, 1);
    EXPECT_EQ(r.groups[0].topics[0].partitions[0].committed_offset, 40);
    EXPECT_EQ(r.groups[1].group_id, "empty");
    EXPECT_EQ(r.groups[1].topics[0].partitions[0].committed_offset, -1);
    EXPECT_EQ(r.groups[1].error_code, error_code::none);
  }
  protocol::offset_fetch_request old;
  old.group_id = "g";
  old.topics = {{{"t", {1}}}};
  auto r = call<protocol::offset_fetch_response>(&handle_offset_fetch, old, 7);
  EXPECT_EQ(single_group(r, "g").topics[0].partitions[0].committed_offset, 40);
}

TEST_F(group_handlers, find_coordinator_v4_answers_each_key) {
  protocol::find_coordinator_request req;
  req.coordinator_keys = {"a", "b"};
  auto r = call<protocol::find_coordinator_response>(&handle_find_coordinator, req, 4);
  ASSERT_EQ(r.coordinators.size(), 2u);
  EXPECT_EQ(r.coordinators[1].key, "b");
  EXPECT_EQ(r.coordinators[1].error_code, error_code::none);
  EXPECT_EQ(r.coordinators[1].node_id, shard_.config().node_id);
  req.key_type = protocol::coordinator_key_type_transaction;
  r = call<protocol::find_coordinator_response>(&handle_find_coordinator, req, 6);
  EXPECT_EQ(r.coordinators[0].error_code, error_code::coordinator_not_available);
  req.key_type = 7;  // no such key type
  r = call<protocol::find_coordinator_response>(&handle_find_coordinator, req, 6);
  EXPECT_EQ(r.coordinators[0].error_code, error_code::invalid_request);
}

TEST_F(group_handlers, list_groups_filters_by_state_and_type) {
  call<protocol::offset_commit_response>(&handle_offset_commit, commit_of({{"t", {at(0, 1)}}}), 8);
  coordinator_.get_or_create("g");  // known by its offsets: Empty
  protocol::list_groups_request req;
  auto r = call<protocol::list_groups_response>(&handle_list_groups, req, 5);
  ASSERT_EQ(r.groups.size(), 1u);
  EXPECT_EQ(r.groups[0].group_state, "Empty");
  EXPECT_EQ(r.groups[0].group_type, "classic");
  req.states_filter = {"empty"};  // case does not matter, as in Kafka
  req.types_filter = {"Classic"};
  EXPECT_EQ(call<protocol::list_groups_response>(&handle_list_groups, req, 5).groups.size(), 1u);
  req.states_filter = {"Stable"};
  EXPECT_TRUE(call<protocol::list_groups_response>(&handle_list_groups, req, 5).groups.empty());
  req.states_filter.clear();
  req.types_filter = {"share"};
  EXPECT_TRUE(call<protocol::list_groups_response>(&handle_list_groups, req, 5).groups.empty());
}

}  // namespace
}  // namespace sluice::broker
