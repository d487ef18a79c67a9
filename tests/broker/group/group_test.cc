#include "broker/group/group.h"

#include <gtest/gtest.h>

#include "tests/broker/group/group_fixture.h"

namespace sluice::broker::group {
namespace {

TEST_F(group_test, join_sync_heartbeat_happy_path) {
  auto a = std::make_shared<std::optional<protocol::join_group_response>>();
  const std::string m = join_new(a);
  EXPECT_EQ(g_.state(), group_state::preparing_rebalance);
  EXPECT_FALSE(*a);  // the initial delay holds the first round open
  timers_.advance(100);
  ASSERT_TRUE(*a);
  EXPECT_EQ((*a)->error_code, error_code::none);
  EXPECT_EQ((*a)->generation_id, 1);
  EXPECT_EQ((*a)->leader, m);
  EXPECT_EQ((*a)->protocol_name, "range");
  EXPECT_EQ((*a)->members.size(), 1u);
  EXPECT_EQ(g_.state(), group_state::completing_rebalance);
  auto s = sync(m, 1, {m});
  EXPECT_EQ(s.error_code, error_code::none);
  EXPECT_EQ(s.assignment, std::vector<std::byte>{std::byte{7}});
  EXPECT_EQ(g_.state(), group_state::stable);
  EXPECT_EQ(beat(m, 1), error_code::none);
  EXPECT_EQ(beat(m, 0), error_code::illegal_generation);
  EXPECT_EQ(beat("nobody", 1), error_code::unknown_member_id);
}

TEST_F(group_test, member_id_required_then_unknown_ids_are_refused) {
  std::optional<protocol::join_group_response> r;
  g_.join(join_req("made-up"), 5, "c", [&](auto a) { r = std::move(a); });
  ASSERT_TRUE(r);
  EXPECT_EQ(r->error_code, error_code::unknown_member_id);
  // v3 and below get an id and join at once.
  std::optional<protocol::join_group_response> old;
  g_.join(join_req(), 3, "c", [&](auto a) { old = std::move(a); });
  EXPECT_FALSE(old);
  timers_.advance(100);
  ASSERT_TRUE(old);
  EXPECT_EQ(old->error_code, error_code::none);
  EXPECT_FALSE(old->member_id.empty());
}

TEST_F(group_test, second_member_triggers_a_rebalance_with_a_new_generation) {
  auto a = std::make_shared<std::optional<protocol::join_group_response>>();
  const std::string m1 = join_new(a);
  timers_.advance(100);
  sync(m1, 1, {m1});
  ASSERT_EQ(g_.state(), group_state::stable);

  auto b = std::make_shared<std::optional<protocol::join_group_response>>();
  const std::string m2 = join_new(b);
  EXPECT_EQ(g_.state(), group_state::preparing_rebalance);
  EXPECT_EQ(beat(m1, 1), error_code::rebalance_in_progress);
  EXPECT_EQ(sync(m1, 1).error_code, error_code::rebalance_in_progress);
  a->reset();
  g_.join(join_req(m1), 5, "c", [a](auto r) { *a = std::move(r); });
  // Everyone rejoined: no wait for the rebalance timeout.
  ASSERT_TRUE(*a && *b);
  EXPECT_EQ((*a)->generation_id, 2);
  EXPECT_EQ((*b)->generation_id, 2);
  EXPECT_EQ((*a)->leader, m1);
  EXPECT_EQ((*a)->members.size(), 2u);
  EXPECT_TRUE((*b)->members.empty());
  // The follower waits for the leader's assignments.
  std::optional<protocol::sync_group_response> follower;
  protocol::sync_group_request fr;
  fr.group_id = "g";
  fr.member_id = m2;
  fr.generation_id = 2;
  g_.sync(fr, [&](auto r) { follower = std::move(r); });
  EXPECT_FALSE(follower);
  sync(m1, 2, {m1, m2});
  ASSERT_TRUE(follower);
  EXPECT_EQ(follower->error_code, error_code::none);
  EXPECT_EQ(follower->assignment, std::vector<std::byte>{std::byte{7}});
}

TEST_F(group_test, session_timeout_evicts_and_rebalances) {
  auto a = std::make_shared<std::optional<protocol::join_group_response>>();
  const std::string m1 = join_new(a);
  auto b = std::make_shared<std::optional<protocol::join_group_response>>();
  const std::string m2 = join_new(b);
  timers_.advance(100);
  sync(m1, 1, {m1, m2});
  sync(m2, 1);
  ASSERT_EQ(g_.state(), group_state::stable);
  // m1 keeps beating, m2 goes silent.
  for (int i = 0; i < 7; ++i) {
    timers_.advance(1000);
    beat(m1, g_.generation());
  }
  EXPECT_EQ(g_.members().count(m2), 0u);
  EXPECT_EQ(g_.state(), group_state::preparing_rebalance);
  a->reset();
  g_.join(join_req(m1), 5, "c", [a](auto r) { *a = std::move(r); });
  ASSERT_TRUE(*a);
  EXPECT_EQ((*a)->generation_id, 2);
  EXPECT_EQ((*a)->members.size(), 1u);
}

TEST_F(group_test, stale_generation_and_unknown_member_commits_are_rejected) {
  EXPECT_EQ(g_.validate_commit(-1, ""), error_code::none);  // Empty: simple consumer
  auto a = std::make_shared<std::optional<protocol::join_group_response>>();
  const std::string m = join_new(a);
  timers_.advance(100);
  sync(m, 1, {m});
  EXPECT_EQ(g_.validate_commit(1, m), error_code::none);
  EXPECT_EQ(g_.validate_commit(0, m), error_code::illegal_generation);
  EXPECT_EQ(g_.validate_commit(1, "zombie"), error_code::unknown_member_id);
  EXPECT_EQ(g_.validate_commit(-1, ""), error_code::unknown_member_id);  // not Empty
}

TEST_F(group_test, inconsistent_protocols_are_refused) {
  auto a = std::make_shared<std::optional<protocol::join_group_response>>();
  join_new(a);
  auto other = join_req();
  other.protocols = {{"roundrobin", {}}};
  std::optional<protocol::join_group_response> r;
  g_.join(other, 5, "c", [&](auto x) { r = std::move(x); });
  ASSERT_TRUE(r);
  EXPECT_EQ(r->error_code, error_code::inconsistent_group_protocol);
}

TEST_F(group_test, leave_of_the_last_member_empties_the_group) {
  auto a = std::make_shared<std::optional<protocol::join_group_response>>();
  const std::string m = join_new(a);
  timers_.advance(100);
  sync(m, 1, {m});
  EXPECT_EQ(g_.leave(m), error_code::none);
  EXPECT_EQ(g_.state(), group_state::empty);
  EXPECT_EQ(g_.leave(m), error_code::unknown_member_id);
  EXPECT_EQ(g_.remove(), error_code::none);
  EXPECT_EQ(g_.state(), group_state::dead);
}

// SyncGroup v5 names the protocol type and name: a pair that is not the
// group's is refused, and the answer carries the group's.
TEST_F(group_test, sync_v5_checks_and_answers_the_protocol) {
  auto a = std::make_shared<std::optional<protocol::join_group_response>>();
  const std::string m = join_new(a);
  timers_.advance(100);
  ASSERT_TRUE(*a);
  EXPECT_EQ((*a)->protocol_type, "consumer");
  protocol::sync_group_request r;
  r.group_id = "g";
  r.member_id = m;
  r.generation_id = 1;
  r.protocol_type = "consumer";
  r.protocol_name = "roundrobin";
  std::optional<protocol::sync_group_response> got;
  g_.sync(r, [&](auto x) { got = std::move(x); });
  ASSERT_TRUE(got);
  EXPECT_EQ(got->error_code, error_code::inconsistent_group_protocol);
  r.protocol_name = "range";
  r.assignments.push_back({m, {std::byte{7}}});
  got.reset();
  g_.sync(r, [&](auto x) { got = std::move(x); });
  ASSERT_TRUE(got);
  EXPECT_EQ(got->error_code, error_code::none);
  EXPECT_EQ(got->protocol_type, "consumer");
  EXPECT_EQ(got->protocol_name, "range");
}

}  // namespace
}  // namespace sluice::broker::group
