#include "broker/consumer_group/assignor.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

namespace sluice::broker::consumer_group {
namespace {

member_spec member(std::string id, std::vector<std::string> topics, topic_assignment prev = {}) {
  return member_spec{std::move(id), std::move(topics), std::move(prev)};
}

size_t count(const topic_assignment& a) {
  size_t n = 0;
  for (const auto& [t, parts] : a) n += parts.size();
  return n;
}

// Every partition of every subscribed topic is owned by exactly one member,
// and only by a member subscribed to its topic.
void expect_exactly_once(const group_assignment& a, const std::vector<member_spec>& members,
                         const topic_partition_counts& topics) {
  std::set<std::pair<std::string, int32_t>> seen;
  std::set<std::string> subscribed;
  for (const member_spec& m : members) {
    subscribed.insert(m.subscribed_topics.begin(), m.subscribed_topics.end());
    const topic_assignment& mine = a.at(m.member_id);
    for (const auto& [topic, parts] : mine) {
      EXPECT_NE(std::find(m.subscribed_topics.begin(), m.subscribed_topics.end(), topic),
                m.subscribed_topics.end())
          << m.member_id << " got unsubscribed " << topic;
      for (int32_t p : parts) EXPECT_TRUE(seen.insert({topic, p}).second) << topic << "-" << p;
    }
  }
  size_t expected = 0;
  for (const auto& [topic, n] : topics)
    if (subscribed.contains(topic)) expected += static_cast<size_t>(n);
  EXPECT_EQ(seen.size(), expected);
}

void expect_balanced(const group_assignment& a) {
  size_t lo = SIZE_MAX, hi = 0;
  for (const auto& [m, parts] : a) {
    lo = std::min(lo, count(parts));
    hi = std::max(hi, count(parts));
  }
  EXPECT_LE(hi - lo, 1u);
}

TEST(uniform_assignor, three_members_six_partitions_get_two_each) {
  std::vector<member_spec> ms{member("a", {"t"}), member("b", {"t"}), member("c", {"t"})};
  topic_partition_counts topics{{"t", 6}};
  auto a = assign_uniform(ms, topics);
  expect_exactly_once(a, ms, topics);
  for (const auto& [m, parts] : a) EXPECT_EQ(count(parts), 2u) << m;
}

TEST(uniform_assignor, a_joining_member_takes_only_what_balance_needs) {
  std::vector<member_spec> ms{member("a", {"t"}), member("b", {"t"}), member("c", {"t"})};
  topic_partition_counts topics{{"t", 6}};
  auto before = assign_uniform(ms, topics);
  for (auto& m : ms) m.previous = before[m.member_id];
  ms.push_back(member("d", {"t"}));
  auto after = assign_uniform(ms, topics);
  expect_exactly_once(after, ms, topics);
  expect_balanced(after);
  // Nobody gains a partition another kept member lost, except the newcomer:
  // every old member's new target is a subset of its old one.
  size_t moved = 0;
  for (const char* id : {"a", "b", "c"}) {
    for (int32_t p : after[id]["t"]) {
      const auto& old = before[id]["t"];
      EXPECT_NE(std::find(old.begin(), old.end(), p), old.end()) << id << " gained " << p;
    }
    moved += count(before[id]) - count(after[id]);
  }
  EXPECT_EQ(moved, count(after["d"]));
  EXPECT_EQ(count(after["d"]), 1u);
}

TEST(uniform_assignor, a_leaving_member_gives_its_partitions_to_the_rest) {
  std::vector<member_spec> ms{member("a", {"t"}), member("b", {"t"}), member("c", {"t"})};
  topic_partition_counts topics{{"t", 7}};
  auto before = assign_uniform(ms, topics);
  ms.pop_back();
  for (auto& m : ms) m.previous = before[m.member_id];
  auto after = assign_uniform(ms, topics);
  expect_exactly_once(after, ms, topics);
  expect_balanced(after);
  for (const char* id : {"a", "b"})
    for (int32_t p : before[id]["t"]) {
      const auto& now = after[id]["t"];
      EXPECT_NE(std::find(now.begin(), now.end(), p), now.end()) << id << " lost " << p;
    }
}

TEST(uniform_assignor, same_input_same_answer_whatever_the_member_order) {
  std::vector<member_spec> ms{member("b", {"t", "u"}), member("a", {"t"}), member("c", {"u"})};
  topic_partition_counts topics{{"t", 5}, {"u", 4}};
  auto one = assign_uniform(ms, topics);
  std::reverse(ms.begin(), ms.end());
  EXPECT_EQ(assign_uniform(ms, topics), one);
}

TEST(uniform_assignor, mixed_subscriptions_balance_within_what_each_may_take) {
  // a and b read t (4 partitions); b and c read u (4). b can help both.
  std::vector<member_spec> ms{member("a", {"t"}), member("b", {"t", "u"}), member("c", {"u"})};
  topic_partition_counts topics{{"t", 4}, {"u", 4}};
  auto a = assign_uniform(ms, topics);
  expect_exactly_once(a, ms, topics);
  size_t lo = SIZE_MAX, hi = 0;
  for (const auto& [m, parts] : a) {
    lo = std::min(lo, count(parts));
    hi = std::max(hi, count(parts));
  }
  EXPECT_LE(hi - lo, 1u);  // 8 partitions over 3: 3/3/2 in some order
}

TEST(uniform_assignor, missing_topics_and_previous_partitions_that_no_longer_exist_are_dropped) {
  std::vector<member_spec> ms{member("a", {"t", "gone"}, {{"t", {0, 5}}, {"gone", {0}}})};
  topic_partition_counts topics{{"t", 2}};
  auto a = assign_uniform(ms, topics);
  EXPECT_EQ(a["a"], (topic_assignment{{"t", {0, 1}}}));
}

TEST(uniform_assignor, no_members_and_members_without_topics) {
  EXPECT_TRUE(assign_uniform({}, {{"t", 3}}).empty());
  auto a = assign_uniform({member("a", {})}, {{"t", 3}});
  EXPECT_TRUE(a.at("a").empty());
}

TEST(uniform_assignor, random_groups_stay_exact_balanced_and_sticky) {
  std::mt19937 rng(7);
  for (int round = 0; round < 50; ++round) {
    const int32_t parts = 1 + static_cast<int32_t>(rng() % 40);
    topic_partition_counts topics{{"t", parts}};
    std::vector<member_spec> ms;
    const int n = 1 + static_cast<int>(rng() % 8);
    for (int i = 0; i < n; ++i) ms.push_back(member("m" + std::to_string(i), {"t"}));
    auto prev = assign_uniform(ms, topics);
    for (int step = 0; step < 5; ++step) {
      for (auto& m : ms) m.previous = prev[m.member_id];
      if (rng() % 2 && ms.size() > 1)
        ms.erase(ms.begin() + static_cast<long>(rng() % ms.size()));
      else
        ms.push_back(member("x" + std::to_string(round) + "-" + std::to_string(step), {"t"}));
      auto next = assign_uniform(ms, topics);
      expect_exactly_once(next, ms, topics);
      expect_balanced(next);
      // Stickiness: a member keeps at least min(its old count, its new quota).
      for (const auto& m : ms) {
        size_t kept = 0;
        for (int32_t p : next[m.member_id]["t"]) {
          const auto& old = m.previous.contains("t") ? m.previous.at("t") : std::vector<int32_t>{};
          kept += std::find(old.begin(), old.end(), p) != old.end();
        }
        EXPECT_GE(kept, std::min(count(m.previous), count(next[m.member_id])));
      }
      prev = next;
    }
  }
}

TEST(range_assignor, contiguous_ranges_first_members_take_the_extra) {
  std::vector<member_spec> ms{member("b", {"t"}), member("a", {"t"}), member("c", {"t"})};
  topic_partition_counts topics{{"t", 7}};
  auto a = assign_range(ms, topics);
  EXPECT_EQ(a["a"]["t"], (std::vector<int32_t>{0, 1, 2}));
  EXPECT_EQ(a["b"]["t"], (std::vector<int32_t>{3, 4}));
  EXPECT_EQ(a["c"]["t"], (std::vector<int32_t>{5, 6}));
}

TEST(range_assignor, each_topic_over_its_own_subscribers) {
  std::vector<member_spec> ms{member("a", {"t"}), member("b", {"t", "u"})};
  topic_partition_counts topics{{"t", 2}, {"u", 3}, {"other", 4}};
  auto a = assign_range(ms, topics);
  expect_exactly_once(a, ms, topics);
  EXPECT_EQ(a["a"], (topic_assignment{{"t", {0}}}));
  EXPECT_EQ(a["b"], (topic_assignment{{"t", {1}}, {"u", {0, 1, 2}}}));
}

TEST(find_assignor, knows_uniform_and_range_only) {
  EXPECT_EQ(find_assignor("uniform"), &assign_uniform);
  EXPECT_EQ(find_assignor("range"), &assign_range);
  EXPECT_EQ(find_assignor("cooperative-sticky"), nullptr);
}

}  // namespace
}  // namespace sluice::broker::consumer_group
