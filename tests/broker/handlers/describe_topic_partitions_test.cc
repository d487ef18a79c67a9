#include <gtest/gtest.h>

#include "broker/api_table.h"
#include "protocol/messages/describe_topic_partitions.h"
#include "tests/broker/fake_shard.h"

namespace sluice::broker {
namespace {

using protocol::describe_topic_partitions_cursor;
using protocol::describe_topic_partitions_request;
using protocol::describe_topic_partitions_response;
using protocol::error_code;

class describe_topic_partitions_handler : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(shard_.topics().create_topic("b", 3));
    ASSERT_FALSE(shard_.topics().create_topic("a", 2));
    ASSERT_FALSE(shard_.topics().create_topic("c", 1));
  }

  describe_topic_partitions_response ask(
      std::vector<std::string> names, int32_t limit = 2000,
      std::optional<describe_topic_partitions_cursor> cursor = std::nullopt) {
    describe_topic_partitions_request r;
    for (auto& n : names) r.topics.push_back({std::move(n)});
    r.response_partition_limit = limit;
    r.cursor = std::move(cursor);
    auto a = std::make_shared<test::answer>();
    handle_describe_topic_partitions(shard_, test::make_request(r, 0), test::capture(a));
    EXPECT_TRUE(a->called && a->value);
    return test::decode_answer<describe_topic_partitions_response>(*a->value, 0);
  }

  // "a:0,a:1,b:0" for the partitions an answer describes.
  static std::string listed(const describe_topic_partitions_response& r) {
    std::string out;
    for (const auto& t : r.topics)
      for (const auto& p : t.partitions)
        out += (out.empty() ? "" : ",") + t.name.value_or("?") + ":" +
               std::to_string(p.partition_index);
    return out;
  }

  test::fake_shard shard_;
};

TEST_F(describe_topic_partitions_handler, empty_list_is_every_topic_in_name_order) {
  auto r = ask({});
  ASSERT_EQ(r.topics.size(), 3u);
  EXPECT_EQ(listed(r), "a:0,a:1,b:0,b:1,b:2,c:0");
  EXPECT_FALSE(r.next_cursor);
}

TEST_F(describe_topic_partitions_handler, partitions_are_this_node_with_epoch_0) {
  auto r = ask({"b"});
  ASSERT_EQ(r.topics.size(), 1u);
  const auto& t = r.topics[0];
  EXPECT_EQ(t.error_code, error_code::none);
  EXPECT_EQ(t.name, "b");
  EXPECT_EQ(t.topic_id, *shard_.topics().topic_id("b"));
  EXPECT_NE(t.topic_id, protocol::uuid{});
  EXPECT_FALSE(t.is_internal);
  ASSERT_EQ(t.partitions.size(), 3u);
  const int32_t node = shard_.config().node_id;
  for (const auto& p : t.partitions) {
    EXPECT_EQ(p.error_code, error_code::none);
    EXPECT_EQ(p.leader_id, node);
    EXPECT_EQ(p.leader_epoch, 0);
    EXPECT_EQ(p.replica_nodes, std::vector<int32_t>{node});
    EXPECT_EQ(p.isr_nodes, std::vector<int32_t>{node});
    EXPECT_EQ(p.eligible_leader_replicas, std::vector<int32_t>{});
    EXPECT_EQ(p.last_known_elr, std::vector<int32_t>{});
    EXPECT_TRUE(p.offline_replicas.empty());
  }
}

TEST_F(describe_topic_partitions_handler, unknown_and_illegal_names) {
  auto r = ask({"zz", "a", "bad/name"});
  ASSERT_EQ(r.topics.size(), 3u);
  // Answered in name order: "a" < "bad/name" < "zz".
  EXPECT_EQ(r.topics[0].name, "a");
  EXPECT_EQ(r.topics[1].name, "bad/name");
  EXPECT_EQ(r.topics[1].error_code, error_code::invalid_topic_exception);
  EXPECT_EQ(r.topics[2].name, "zz");
  EXPECT_EQ(r.topics[2].error_code, error_code::unknown_topic_or_partition);
  EXPECT_EQ(r.topics[2].topic_id, protocol::uuid{});
  EXPECT_TRUE(r.topics[2].partitions.empty());
}

TEST_F(describe_topic_partitions_handler, pages_follow_the_cursor_to_the_end) {
  std::string all;
  std::optional<describe_topic_partitions_cursor> cursor;
  int pages = 0;
  do {
    auto r = ask({}, 2, cursor);
    const std::string page = listed(r);
    all += (all.empty() || page.empty() ? "" : ",") + page;
    cursor = r.next_cursor;
    ASSERT_LT(++pages, 10);
  } while (cursor);
  EXPECT_EQ(all, "a:0,a:1,b:0,b:1,b:2,c:0");
  EXPECT_EQ(pages, 3);
}

TEST_F(describe_topic_partitions_handler, a_cut_topic_resumes_at_its_next_partition) {
  auto r = ask({"a", "b"}, 3);
  EXPECT_EQ(listed(r), "a:0,a:1,b:0");
  ASSERT_TRUE(r.next_cursor);
  EXPECT_EQ(r.next_cursor->topic_name, "b");
  EXPECT_EQ(r.next_cursor->partition_index, 1);
  auto next = ask({"a", "b"}, 3, r.next_cursor);
  EXPECT_EQ(listed(next), "b:1,b:2");
  EXPECT_FALSE(next.next_cursor);
}

TEST_F(describe_topic_partitions_handler, a_limit_reached_at_a_topic_end_points_at_the_next) {
  auto r = ask({}, 2);
  EXPECT_EQ(listed(r), "a:0,a:1");
  ASSERT_TRUE(r.next_cursor);
  EXPECT_EQ(r.next_cursor->topic_name, "b");
  EXPECT_EQ(r.next_cursor->partition_index, 0);
}

TEST_F(describe_topic_partitions_handler, a_limit_below_one_is_one) {
  EXPECT_EQ(listed(ask({}, 0)), "a:0");
  EXPECT_EQ(listed(ask({}, -5)), "a:0");
}

TEST_F(describe_topic_partitions_handler, a_cursor_outside_the_list_is_invalid_request) {
  auto r = ask({"a", "c"}, 10, describe_topic_partitions_cursor{"b", 0});
  ASSERT_EQ(r.topics.size(), 2u);
  for (const auto& t : r.topics) {
    EXPECT_EQ(t.error_code, error_code::invalid_request);
    EXPECT_TRUE(t.partitions.empty());
  }
  auto negative = ask({"a"}, 10, describe_topic_partitions_cursor{"a", -1});
  EXPECT_EQ(negative.topics.at(0).error_code, error_code::invalid_request);
}

TEST_F(describe_topic_partitions_handler, is_advertised_at_v0) {
  const api_entry* e = find_api_entry(protocol::api_key::describe_topic_partitions);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->min_version, 0);
  EXPECT_EQ(e->max_version, 0);
}

}  // namespace
}  // namespace sluice::broker
