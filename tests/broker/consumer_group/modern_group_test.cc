// The KIP-848 group state machine (broker/consumer_group/modern_group.h)
// with a fake clock: joins, incremental reconciliation (a partition reaches
// its new owner only after the old one revoked it), epochs, fencing, static
// members, regex subscriptions, timeouts, and replay of the records through
// their __consumer_offsets encoding.
#include "broker/consumer_group/modern_group.h"

#include <gtest/gtest.h>

#include "broker/group/offsets_log.h"

namespace sluice::broker::consumer_group {
namespace {

using protocol::error_code;

// Applies an outcome's records the way the broker does: through their bytes
// in __consumer_offsets, then replay, then the timers.
void apply(modern_group& g, const std::vector<cg_record>& records, int64_t now,
           const std::string& member = {}) {
  for (const auto& r : records) {
    const auto bytes = group::encode_record(to_offsets_record(r), now);
    const auto decoded = group::decode_record(bytes);
    ASSERT_TRUE(decoded.has_value());
    const auto back = from_offsets_record(*decoded);
    ASSERT_TRUE(back.has_value());
    ASSERT_EQ(*back, r);
    g.replay(*back);
  }
  g.arm_timers(now, member);
}

struct consumer_group_state : ::testing::Test {
  modern_group g{"g"};
  settings s;
  topic_partition_counts topics{{"t", 4}};
  int64_t now = 1000;

  heartbeat_outcome beat(heartbeat_input in) {
    heartbeat_outcome out = g.heartbeat(in, topics, s, now);
    if (out.error == error_code::none) apply(g, out.records, now, out.member_id);
    return out;
  }
  heartbeat_outcome join(const std::string& id, std::vector<std::string> subscribed = {"t"}) {
    heartbeat_input in;
    in.member_id = id;
    in.member_epoch = 0;
    in.rebalance_timeout_ms = 30000;
    in.subscribed_topic_names = std::move(subscribed);
    in.owned = topic_assignment{};
    return beat(in);
  }
  // A steady heartbeat reporting what the member owns.
  heartbeat_outcome beat(const std::string& id, int32_t epoch, topic_assignment owned) {
    heartbeat_input in;
    in.member_id = id;
    in.member_epoch = epoch;
    in.owned = std::move(owned);
    return beat(in);
  }
  const member& m(const std::string& id) { return *g.find_member(id); }
};

size_t count(const topic_assignment& a) {
  size_t n = 0;
  for (const auto& [t, p] : a) n += p.size();
  return n;
}

TEST_F(consumer_group_state, first_member_gets_every_partition_at_the_first_group_epoch) {
  auto out = join("a");
  ASSERT_EQ(out.error, error_code::none);
  EXPECT_EQ(out.member_id, "a");
  EXPECT_EQ(out.member_epoch, 1);
  ASSERT_TRUE(out.assignment);
  EXPECT_EQ(*out.assignment, (topic_assignment{{"t", {0, 1, 2, 3}}}));
  EXPECT_EQ(g.group_epoch(), 1);
  EXPECT_EQ(g.assignment_epoch(), 1);
  EXPECT_STREQ(g.state_name(), "Stable");
}

TEST_F(consumer_group_state, a_partition_moves_only_after_its_owner_revoked_it) {
  join("a");
  auto b = join("b");
  EXPECT_EQ(g.group_epoch(), 2);
  // b's targeted partitions are all still held by a: b waits at epoch 2.
  EXPECT_EQ(b.member_epoch, 2);
  ASSERT_TRUE(b.assignment);
  EXPECT_TRUE(b.assignment->empty());
  EXPECT_EQ(m("b").current.state, member_state::unreleased_partitions);
  EXPECT_STREQ(g.state_name(), "Reconciling");

  // a learns it must give two up: it stays at epoch 1 and keeps the rest.
  auto a = beat("a", 1, {{"t", {0, 1, 2, 3}}});
  ASSERT_EQ(a.error, error_code::none);
  EXPECT_EQ(a.member_epoch, 1);
  ASSERT_TRUE(a.assignment);
  EXPECT_EQ(count(*a.assignment), 2u);
  EXPECT_EQ(m("a").current.state, member_state::unrevoked_partitions);
  const topic_assignment kept = *a.assignment;

  // b still gets nothing while a has not revoked.
  b = beat("b", 2, {});
  EXPECT_FALSE(b.assignment.has_value());
  EXPECT_EQ(m("b").current.state, member_state::unreleased_partitions);

  // a reports it owns only what it kept: it advances to epoch 2.
  a = beat("a", 1, kept);
  EXPECT_EQ(a.member_epoch, 2);
  EXPECT_EQ(m("a").current.state, member_state::stable);

  // Now b gets the two partitions a gave up.
  b = beat("b", 2, {});
  ASSERT_TRUE(b.assignment);
  EXPECT_EQ(count(*b.assignment), 2u);
  for (int32_t p : b.assignment->at("t")) {
    EXPECT_EQ(std::count(kept.at("t").begin(), kept.at("t").end(), p), 0);
  }
  EXPECT_EQ(m("b").current.state, member_state::stable);
  EXPECT_STREQ(g.state_name(), "Stable");
}

TEST_F(consumer_group_state,
       epochs_ahead_or_behind_are_fenced_and_the_previous_epoch_is_tolerated) {
  join("a");
  join("b");
  auto a = beat("a", 1, {{"t", {0, 1, 2, 3}}});
  beat("a", 1, *a.assignment);  // epoch 2 now; previous 1
  EXPECT_EQ(beat("a", 3, {}).error, error_code::fenced_member_epoch);
  // The previous epoch with a subset of its partitions: a lost answer.
  EXPECT_EQ(beat("a", 1, *a.assignment).error, error_code::none);
  EXPECT_EQ(beat("a", 0 + 1, {{"t", {0, 1, 2, 3}}}).error, error_code::fenced_member_epoch);
  EXPECT_EQ(beat("zz", 2, {}).error, error_code::unknown_member_id);
}

TEST_F(consumer_group_state, rejoining_under_the_same_id_starts_over) {
  join("a");
  auto again = join("a");
  ASSERT_EQ(again.error, error_code::none);
  EXPECT_EQ(again.member_epoch, 1);
  EXPECT_EQ(*again.assignment, (topic_assignment{{"t", {0, 1, 2, 3}}}));
}

TEST_F(consumer_group_state, leaving_frees_the_partitions_for_the_others) {
  join("a");
  join("b");
  auto a = beat("a", 1, {{"t", {0, 1, 2, 3}}});
  beat("a", 1, *a.assignment);
  beat("b", 2, {});
  heartbeat_input leave;
  leave.member_id = "a";
  leave.member_epoch = -1;
  auto out = beat(leave);
  ASSERT_EQ(out.error, error_code::none);
  EXPECT_EQ(out.member_epoch, -1);
  EXPECT_EQ(g.find_member("a"), nullptr);
  EXPECT_EQ(g.group_epoch(), 3);
  auto b = beat("b", 2, m("b").current.assigned);
  EXPECT_EQ(b.member_epoch, 3);
  EXPECT_EQ(count(*b.assignment), 4u);
}

TEST_F(consumer_group_state, session_timeout_fences_a_silent_member) {
  join("a");
  now += 44000;
  EXPECT_TRUE(g.expire(now, s).empty());
  now += 2000;  // 46 s after its last heartbeat
  auto records = g.expire(now, s);
  ASSERT_FALSE(records.empty());
  apply(g, records, now);
  EXPECT_EQ(g.find_member("a"), nullptr);
  EXPECT_EQ(g.group_epoch(), 2);
  EXPECT_STREQ(g.state_name(), "Empty");
}

TEST_F(consumer_group_state, a_member_that_does_not_revoke_within_its_rebalance_timeout_is_fenced) {
  join("a");
  join("b");
  beat("a", 1, {{"t", {0, 1, 2, 3}}});  // must revoke two; 30 s to do it
  ASSERT_EQ(m("a").current.state, member_state::unrevoked_partitions);
  now += 20000;
  beat("a", 1, {{"t", {0, 1, 2, 3}}});  // heartbeats, but still owns them
  beat("b", 2, {});
  now += 10001;
  auto records = g.expire(now, s);
  apply(g, records, now);
  EXPECT_EQ(g.find_member("a"), nullptr);
  ASSERT_NE(g.find_member("b"), nullptr);
}

TEST_F(consumer_group_state, static_member_keeps_its_partitions_across_a_temporary_leave) {
  heartbeat_input in;
  in.member_id = "a1";
  in.member_epoch = 0;
  in.instance_id = "inst";
  in.rebalance_timeout_ms = 30000;
  in.subscribed_topic_names = std::vector<std::string>{"t"};
  in.owned = topic_assignment{};
  ASSERT_EQ(beat(in).error, error_code::none);
  join("b");
  auto a = beat("a1", 1, {{"t", {0, 1, 2, 3}}});
  beat("a1", 1, *a.assignment);
  const topic_assignment mine = m("a1").current.assigned;

  // Another process with the same instance id while a1 is alive.
  heartbeat_input other = in;
  other.member_id = "a2";
  EXPECT_EQ(g.heartbeat(other, topics, s, now).error, error_code::unreleased_instance_id);

  heartbeat_input leave;
  leave.member_id = "a1";
  leave.member_epoch = -2;
  leave.instance_id = "inst";
  const int32_t epoch_before = g.group_epoch();
  ASSERT_EQ(beat(leave).member_epoch, -2);
  EXPECT_EQ(g.group_epoch(), epoch_before);  // no rebalance

  auto back = beat(other);
  ASSERT_EQ(back.error, error_code::none);
  EXPECT_EQ(g.find_member("a1"), nullptr);
  EXPECT_EQ(*back.assignment, mine);
  EXPECT_EQ(g.group_epoch(), epoch_before);
}

TEST_F(consumer_group_state, invalid_requests_get_kafkas_errors) {
  heartbeat_input in;
  in.member_id = "a";
  in.member_epoch = 0;
  in.subscribed_topic_names = std::vector<std::string>{"t"};
  EXPECT_EQ(g.heartbeat(in, topics, s, now).error, error_code::invalid_request);  // no timeout
  in.rebalance_timeout_ms = 1000;
  in.server_assignor = "sticky";
  EXPECT_EQ(g.heartbeat(in, topics, s, now).error, error_code::unsupported_assignor);
  in.server_assignor = "range";
  in.subscribed_topic_names.reset();
  EXPECT_EQ(g.heartbeat(in, topics, s, now).error, error_code::invalid_request);
  in.subscribed_topic_regex = "(";
  EXPECT_EQ(g.heartbeat(in, topics, s, now).error, error_code::invalid_regular_expression);
  in.member_epoch = -3;
  EXPECT_EQ(g.heartbeat(in, topics, s, now).error, error_code::invalid_request);
  s.max_size = 1;
  join("a");
  EXPECT_EQ(join("b").error, error_code::group_max_size_reached);
  EXPECT_EQ(join("a").error, error_code::none);
}

TEST_F(consumer_group_state, regex_subscription_picks_up_a_new_matching_topic) {
  topics = {{"orders-1", 2}, {"other", 3}};
  heartbeat_input in;
  in.member_id = "a";
  in.member_epoch = 0;
  in.rebalance_timeout_ms = 1000;
  in.subscribed_topic_regex = "orders-.*";
  in.owned = topic_assignment{};
  auto out = beat(in);
  ASSERT_EQ(out.error, error_code::none);
  EXPECT_EQ(*out.assignment, (topic_assignment{{"orders-1", {0, 1}}}));
  topics["orders-2"] = 1;
  auto next = beat("a", out.member_epoch, *out.assignment);
  EXPECT_EQ(g.group_epoch(), 2);
  EXPECT_EQ(next.member_epoch, 2);
  EXPECT_EQ(*next.assignment, (topic_assignment{{"orders-1", {0, 1}}, {"orders-2", {0}}}));
}

TEST_F(consumer_group_state, added_partitions_move_the_group_epoch) {
  auto a = join("a");
  topics["t"] = 6;
  auto next = beat("a", a.member_epoch, *a.assignment);
  EXPECT_EQ(next.member_epoch, 2);
  EXPECT_EQ(count(*next.assignment), 6u);
}

TEST_F(consumer_group_state, replaying_the_snapshot_rebuilds_the_group) {
  join("a");
  join("b");
  beat("a", 1, {{"t", {0, 1, 2, 3}}});  // a mid-revocation
  modern_group rebuilt("g");
  apply(rebuilt, g.snapshot(), now);
  EXPECT_EQ(rebuilt.group_epoch(), g.group_epoch());
  EXPECT_EQ(rebuilt.assignment_epoch(), g.assignment_epoch());
  EXPECT_EQ(rebuilt.target(), g.target());
  ASSERT_EQ(rebuilt.members().size(), 2u);
  for (const auto& [id, mem] : g.members()) {
    EXPECT_EQ(rebuilt.find_member(id)->meta, mem.meta);
    EXPECT_EQ(rebuilt.find_member(id)->current, mem.current);
  }
  // The rebuilt group continues where the old one was: a finishes revoking.
  g = rebuilt;
  auto a = beat("a", 1, m("a").current.assigned);
  EXPECT_EQ(a.member_epoch, 2);
  // Tombstones delete everything.
  apply(g, g.tombstones(), now);
  EXPECT_TRUE(g.members().empty());
  EXPECT_EQ(g.group_epoch(), 0);
}

TEST_F(consumer_group_state, offset_commits_check_the_member_epoch) {
  auto a = join("a");
  EXPECT_EQ(g.validate_offset_commit("a", a.member_epoch), error_code::none);
  EXPECT_EQ(g.validate_offset_commit("a", a.member_epoch - 1), error_code::stale_member_epoch);
  EXPECT_EQ(g.validate_offset_commit("a", a.member_epoch + 1), error_code::stale_member_epoch);
  EXPECT_EQ(g.validate_offset_commit("x", 1), error_code::unknown_member_id);
  EXPECT_EQ(g.validate_offset_commit("", -1), error_code::unknown_member_id);
  modern_group empty("e");
  EXPECT_EQ(empty.validate_offset_commit("", -1), error_code::none);
}

}  // namespace
}  // namespace sluice::broker::consumer_group
