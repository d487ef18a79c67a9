// The group admin handlers (DeleteGroups, OffsetDelete) on the wire, and how
// client requests treat the coordinator's internal topic __consumer_offsets
// (Metadata, Produce, DeleteTopics).
#include <gtest/gtest.h>

#include "broker/api_table.h"
#include "broker/group/coordinator.h"
#include "protocol/messages/delete_groups.h"
#include "protocol/messages/delete_topics.h"
#include "protocol/messages/metadata.h"
#include "protocol/messages/offset_delete.h"
#include "protocol/messages/produce.h"
#include "tests/broker/fake_shard.h"
#include "tests/support/batch_builder.h"

namespace sluice::broker {
namespace {

using protocol::error_code;

class group_admin_handlers : public ::testing::Test {
 protected:
  void commit(const std::string& group, const std::string& topic, int32_t partition) {
    group::offsets_record r;
    r.group = group;
    r.topic = topic;
    r.partition = partition;
    r.value = group::committed_offset{5, -1, std::nullopt, 1, -1};
    coordinator_.append({r}, [](std::error_code ec) { EXPECT_FALSE(ec); });
    shard_.run_io();
  }
  template <class Resp, class Req>
  Resp call(void (*handler)(shard_services&, request, respond_fn), const Req& body,
            int16_t version) {
    auto a = std::make_shared<test::answer>();
    handler(shard_, test::make_request(body, version), test::capture(a));
    shard_.run_io();
    EXPECT_TRUE(a->called && a->value);
    if (!a->value) return Resp{};
    return test::decode_answer<Resp>(*a->value, version);
  }

  test::fake_shard shard_;
  group::coordinator coordinator_{shard_, {}};
  group::coordinator_registration registration_{shard_, coordinator_};
};

TEST_F(group_admin_handlers, delete_groups_answers_each_group_in_request_order) {
  commit("g", "t", 0);
  protocol::delete_groups_request req;
  req.groups_names = {"g", "unknown", ""};
  for (int16_t v : {0, 1}) {
    auto r = call<protocol::delete_groups_response>(&handle_delete_groups, req, v);
    ASSERT_EQ(r.results.size(), 3u);
    EXPECT_EQ(r.results[0].group_id, "g");
    // Deleted by the v0 call; the v1 call finds nothing left.
    EXPECT_EQ(r.results[0].error_code, v == 0 ? error_code::none : error_code::group_id_not_found);
    EXPECT_EQ(r.results[1].error_code, error_code::group_id_not_found);
    EXPECT_EQ(r.results[2].error_code, error_code::invalid_group_id);
  }
  EXPECT_FALSE(coordinator_.offsets("g"));
}

TEST_F(group_admin_handlers, offset_delete_answers_per_partition_or_for_the_group) {
  commit("g", "t", 0);
  commit("g", "t", 1);
  protocol::offset_delete_request req;
  req.group_id = "g";
  req.topics.push_back({"t", {{0}}});
  auto r = call<protocol::offset_delete_response>(&handle_offset_delete, req, 0);
  EXPECT_EQ(r.error_code, error_code::none);
  ASSERT_EQ(r.topics.size(), 1u);
  ASSERT_EQ(r.topics[0].partitions.size(), 1u);
  EXPECT_EQ(r.topics[0].partitions[0].partition_index, 0);
  EXPECT_EQ(r.topics[0].partitions[0].error_code, error_code::none);
  EXPECT_FALSE(coordinator_.offsets("g")->contains({"t", 0}));
  EXPECT_TRUE(coordinator_.offsets("g")->contains({"t", 1}));

  req.group_id = "unknown";
  r = call<protocol::offset_delete_response>(&handle_offset_delete, req, 0);
  EXPECT_EQ(r.error_code, error_code::group_id_not_found);
  EXPECT_TRUE(r.topics.empty());
}

TEST_F(group_admin_handlers, consumer_offsets_is_internal_and_never_auto_created_by_metadata) {
  protocol::metadata_request req;
  req.topics.emplace();
  req.topics->push_back({"__consumer_offsets"});
  req.allow_auto_topic_creation = true;
  auto r = call<protocol::metadata_response>(&handle_metadata, req, 8);
  ASSERT_EQ(r.topics.size(), 1u);
  EXPECT_EQ(r.topics[0].error_code, error_code::unknown_topic_or_partition);
  EXPECT_FALSE(shard_.topics().partitions("__consumer_offsets"));

  commit("g", "t", 0);  // the coordinator creates it
  r = call<protocol::metadata_response>(&handle_metadata, req, 8);
  ASSERT_EQ(r.topics.size(), 1u);
  EXPECT_EQ(r.topics[0].error_code, error_code::none);
  EXPECT_TRUE(r.topics[0].is_internal);
  EXPECT_EQ(r.topics[0].partitions.size(), 1u);
}

TEST_F(group_admin_handlers, clients_cannot_produce_to_or_delete_consumer_offsets) {
  commit("g", "t", 0);
  const log::offset end = shard_.topics().get("__consumer_offsets", 0)->log_end_offset();
  auto batch = sluice::test::build_batch(1, 10, 1000);
  protocol::produce_request p;
  p.acks = -1;
  p.timeout_ms = 1000;
  auto& td = p.topic_data.emplace_back();
  td.name = "__consumer_offsets";
  td.partition_data.push_back({0, protocol::record_set::of(batch)});
  auto pr = call<protocol::produce_response>(&handle_produce, p, 7);
  ASSERT_EQ(pr.responses.size(), 1u);
  EXPECT_EQ(pr.responses[0].partition_responses.at(0).error_code,
            error_code::invalid_topic_exception);
  EXPECT_EQ(shard_.topics().get("__consumer_offsets", 0)->log_end_offset(), end);

  protocol::delete_topics_request d;
  d.topic_names = {"__consumer_offsets"};
  d.timeout_ms = 1000;
  auto dr = call<protocol::delete_topics_response>(&handle_delete_topics, d, 3);
  ASSERT_EQ(dr.responses.size(), 1u);
  EXPECT_EQ(dr.responses[0].error_code, error_code::topic_authorization_failed);
  EXPECT_TRUE(shard_.topics().partitions("__consumer_offsets"));
  EXPECT_TRUE(coordinator_.offsets("g"));
}

}  // namespace
}  // namespace sluice::broker
