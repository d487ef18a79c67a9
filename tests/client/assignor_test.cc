#include "client/assignor.h"

#include <gtest/gtest.h>

namespace sluice::client {
namespace {

using tps = std::vector<topic_partition>;

TEST(assign_range, gives_the_first_members_one_extra_partition_per_topic) {
  auto out = assign_range({{"a", {"t"}}, {"b", {"t"}}}, {{"t", 5}});
  EXPECT_EQ(out["a"], (tps{{"t", 0}, {"t", 1}, {"t", 2}}));
  EXPECT_EQ(out["b"], (tps{{"t", 3}, {"t", 4}}));
}

TEST(assign_range, ranges_restart_per_topic_and_only_among_subscribers) {
  auto out = assign_range({{"a", {"t1", "t2"}}, {"b", {"t1"}}}, {{"t1", 2}, {"t2", 2}});
  EXPECT_EQ(out["a"], (tps{{"t1", 0}, {"t2", 0}, {"t2", 1}}));
  EXPECT_EQ(out["b"], (tps{{"t1", 1}}));
}

TEST(assign_roundrobin, deals_sorted_partitions_in_member_order) {
  auto out = assign_roundrobin({{"a", {"t1", "t2"}}, {"b", {"t1", "t2"}}}, {{"t1", 3}, {"t2", 2}});
  EXPECT_EQ(out["a"], (tps{{"t1", 0}, {"t1", 2}, {"t2", 1}}));
  EXPECT_EQ(out["b"], (tps{{"t1", 1}, {"t2", 0}}));
}

TEST(assign_roundrobin, skips_members_not_subscribed_to_a_topic) {
  auto out = assign_roundrobin({{"a", {"t1"}}, {"b", {"t1", "t2"}}}, {{"t1", 2}, {"t2", 2}});
  EXPECT_EQ(out["a"], (tps{{"t1", 0}}));
  EXPECT_EQ(out["b"], (tps{{"t1", 1}, {"t2", 0}, {"t2", 1}}));
}

TEST(assignors, members_without_partitions_are_listed_empty) {
  auto out = assign_range({{"a", {"t"}}, {"b", {"t"}}, {"c", {"t"}}}, {{"t", 1}});
  ASSERT_EQ(out.size(), 3u);
  EXPECT_TRUE(out["c"].empty());
  EXPECT_EQ(parse_assignor("roundrobin"), assignor_kind::roundrobin);
  EXPECT_EQ(parse_assignor("sticky"), std::nullopt);
}

}  // namespace
}  // namespace sluice::client
