#include "broker/share/share_group.h"

#include <gtest/gtest.h>

namespace sluice::broker::share {
namespace {

using protocol::error_code;

partitions_fn topics(std::map<std::string, int> counts) {
  return [counts](const std::string& t) -> std::optional<std::vector<int32_t>> {
    auto it = counts.find(t);
    if (it == counts.end()) return std::nullopt;
    std::vector<int32_t> v;
    for (int i = 0; i < it->second; ++i) v.push_back(i);
    return v;
  };
}

heartbeat_input join(std::string member, std::vector<std::string> subscribed) {
  heartbeat_input in;
  in.member_id = std::move(member);
  in.subscribed_topic_names = std::move(subscribed);
  return in;
}

TEST(assignor, fewer_members_than_partitions_split_them) {
  auto a = assign({{"a", {"t"}}, {"b", {"t"}}}, topics({{"t", 3}}));
  EXPECT_EQ(a["a"]["t"], (std::vector<int32_t>{0, 2}));
  EXPECT_EQ(a["b"]["t"], (std::vector<int32_t>{1}));
}

TEST(assignor, more_members_than_partitions_share_them) {
  auto a = assign({{"a", {"t"}}, {"b", {"t"}}, {"c", {"t"}}}, topics({{"t", 2}}));
  EXPECT_EQ(a["a"]["t"], (std::vector<int32_t>{0}));
  EXPECT_EQ(a["b"]["t"], (std::vector<int32_t>{1}));
  EXPECT_EQ(a["c"]["t"], (std::vector<int32_t>{0}));
}

TEST(assignor, unknown_topics_assign_nothing) {
  auto a = assign({{"a", {"missing"}}}, topics({}));
  EXPECT_TRUE(a["a"].empty());
}

TEST(share_group, join_heartbeat_and_leave) {
  share_group g("g");
  auto fn = topics({{"t", 1}});
  auto j = g.heartbeat(join("m1", {"t"}), 0, fn);
  ASSERT_EQ(j.error, error_code::none);
  ASSERT_NE(j.member, nullptr);
  EXPECT_GT(j.member_epoch, 0);
  EXPECT_EQ(j.member->assignment.at("t"), (std::vector<int32_t>{0}));
  auto j2 = g.heartbeat(join("m2", {"t"}), 0, fn);
  EXPECT_GT(j2.member_epoch, j.member_epoch);
  EXPECT_EQ(g.members().at("m2").assignment.at("t"), (std::vector<int32_t>{0}));
  heartbeat_input hb;
  hb.member_id = "m1";
  hb.member_epoch = j.member_epoch;  // an older epoch is accepted
  EXPECT_EQ(g.heartbeat(hb, 1, fn).error, error_code::none);
  hb.member_epoch = 1000;
  EXPECT_EQ(g.heartbeat(hb, 1, fn).error, error_code::fenced_member_epoch);
  hb.member_epoch = -1;
  EXPECT_EQ(g.heartbeat(hb, 2, fn).member_epoch, -1);
  EXPECT_EQ(g.members().size(), 1u);
  EXPECT_STREQ(g.state_name(), "Stable");
}

TEST(share_group, bad_heartbeats_are_refused) {
  share_group g("g");
  auto fn = topics({{"t", 1}});
  EXPECT_EQ(g.heartbeat(join("", {"t"}), 0, fn).error, error_code::invalid_request);
  EXPECT_EQ(g.heartbeat(join("m", {}), 0, fn).error, error_code::invalid_request);
  heartbeat_input hb;
  hb.member_id = "ghost";
  hb.member_epoch = 3;
  EXPECT_EQ(g.heartbeat(hb, 0, fn).error, error_code::unknown_member_id);
  EXPECT_STREQ(g.state_name(), "Empty");
}

TEST(share_group, a_silent_member_expires_and_gives_its_records_back) {
  share_group g("g");
  auto fn = topics({{"t", 1}});
  g.heartbeat(join("m1", {"t"}), 0, fn);
  g.heartbeat(join("m2", {"t"}), 900, fn);
  auto& p = g.add_partition({"t", 0}, share_partition(partition_settings{}, 0));
  p.acquire("m1", 2, 0, 10);
  EXPECT_EQ(g.acquired_by("m1"), 2);
  g.expire_members(1001, 1000, fn);
  EXPECT_EQ(g.members().count("m1"), 0u);
  EXPECT_EQ(g.members().count("m2"), 1u);
  EXPECT_EQ(g.acquired_by("m1"), 0);
  EXPECT_EQ(p.acquire("m2", 5, 1001, 2).size(), 1u);
}

}  // namespace
}  // namespace sluice::broker::share
