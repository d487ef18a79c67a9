// Static membership (KIP-345): broker/group/static_members.cc and the rules
// at the top of broker/group/group.h.
#include <gtest/gtest.h>

#include "broker/group/group.h"
#include "tests/broker/group/group_fixture.h"

namespace sluice::broker::group {
namespace {

class static_member_test : public group_test {
 protected:
  using answer = std::shared_ptr<std::optional<protocol::join_group_response>>;
  // A JoinGroup v5 with an instance id; static members get no MEMBER_ID_REQUIRED.
  answer join_static(const std::string& instance, std::string member = {},
                     int32_t session_ms = 6000, int16_t version = 5) {
    auto out = std::make_shared<std::optional<protocol::join_group_response>>();
    auto r = join_req(std::move(member));
    r.group_instance_id = instance;
    r.session_timeout_ms = session_ms;
    g_.join(r, version, "c", [out](auto a) { *out = std::move(a); });
    return out;
  }
  protocol::heartbeat_request beat_req(const std::string& member, const std::string& instance) {
    protocol::heartbeat_request h;
    h.group_id = "g";
    h.member_id = member;
    h.generation_id = g_.generation();
    h.group_instance_id = instance;
    return h;
  }
  // Two static members a and b, Stable at generation 1; returns their ids.
  std::pair<std::string, std::string> stable_pair(int32_t b_session_ms = 6000) {
    auto a = join_static("a");
    auto b = join_static("b", {}, b_session_ms);
    timers_.advance(100);
    EXPECT_TRUE(*a && *b);
    const std::string ma = (*a)->member_id, mb = (*b)->member_id;
    const std::string leader = (*a)->leader;
    sync(leader, 1, {ma, mb});
    sync(leader == ma ? mb : ma, 1);
    EXPECT_EQ(g_.state(), group_state::stable);
    return {ma, mb};
  }
};

TEST_F(static_member_test, a_static_member_joins_without_member_id_required) {
  auto a = join_static("a");
  EXPECT_FALSE(*a);  // parked in the first round, not MEMBER_ID_REQUIRED
  timers_.advance(100);
  ASSERT_TRUE(*a);
  EXPECT_EQ((*a)->error_code, error_code::none);
  ASSERT_EQ((*a)->members.size(), 1u);
  EXPECT_EQ((*a)->members[0].group_instance_id, "a");
  EXPECT_EQ(g_.static_members().at("a"), (*a)->member_id);
}

TEST_F(static_member_test, restart_with_same_protocols_keeps_generation_and_fences_old_id) {
  auto [ma, mb] = stable_pair();
  const auto assignment = g_.members().at(mb).assignment;
  // b restarts: no member id, same instance id and protocols.
  auto again = join_static("b");
  ASSERT_TRUE(*again);
  EXPECT_EQ((*again)->error_code, error_code::none);
  const std::string nb = (*again)->member_id;
  EXPECT_NE(nb, mb);
  EXPECT_EQ((*again)->generation_id, 1);  // no rebalance
  EXPECT_EQ(g_.state(), group_state::stable);
  EXPECT_EQ(g_.generation(), 1);
  EXPECT_TRUE((*again)->members.empty());
  auto s = sync(nb, 1);
  EXPECT_EQ(s.error_code, error_code::none);
  EXPECT_EQ(s.assignment, assignment);
  // The other member notices nothing.
  EXPECT_EQ(g_.heartbeat(beat_req(ma, "a")), error_code::none);
  // The old incarnation is fenced everywhere.
  EXPECT_EQ(g_.heartbeat(beat_req(mb, "b")), error_code::fenced_instance_id);
  protocol::sync_group_request sr;
  sr.group_id = "g";
  sr.member_id = mb;
  sr.generation_id = 1;
  sr.group_instance_id = "b";
  std::optional<protocol::sync_group_response> got;
  g_.sync(sr, [&](auto r) { got = std::move(r); });
  ASSERT_TRUE(got);
  EXPECT_EQ(got->error_code, error_code::fenced_instance_id);
  EXPECT_EQ(g_.validate_commit(1, mb, "b"), error_code::fenced_instance_id);
  EXPECT_EQ(g_.validate_commit(1, nb, "b"), error_code::none);
  EXPECT_EQ(g_.leave(mb, "b"), error_code::fenced_instance_id);
  auto old_join = join_static("b", mb);
  ASSERT_TRUE(*old_join);
  EXPECT_EQ((*old_join)->error_code, error_code::fenced_instance_id);
  EXPECT_EQ(g_.state(), group_state::stable);
}

TEST_F(static_member_test, restarting_leader_is_not_told_to_reassign) {
  auto [ma, mb] = stable_pair();
  const std::string leader = g_.leader();
  auto again = join_static(leader == ma ? "a" : "b");
  ASSERT_TRUE(*again);
  EXPECT_EQ((*again)->generation_id, 1);
  EXPECT_EQ((*again)->leader, leader);  // the old id: not this member
  EXPECT_NE((*again)->member_id, leader);
  EXPECT_EQ(g_.leader(), (*again)->member_id);
  EXPECT_EQ(g_.state(), group_state::stable);
}

// JoinGroup v9 (KIP-814) says it plainly: the returning leader is named as
// leader, gets the member list, and is told to skip the assignment.
TEST_F(static_member_test, restarting_leader_at_v9_is_told_to_skip_assignment) {
  auto [ma, mb] = stable_pair();
  const std::string leader = g_.leader();
  auto again = join_static(leader == ma ? "a" : "b", {}, 6000, 9);
  ASSERT_TRUE(*again);
  EXPECT_EQ((*again)->generation_id, 1);
  EXPECT_EQ((*again)->leader, (*again)->member_id);
  EXPECT_TRUE((*again)->skip_assignment);
  EXPECT_EQ((*again)->members.size(), 2u);
  EXPECT_EQ((*again)->protocol_type, "consumer");
  EXPECT_EQ(g_.state(), group_state::stable);
  // A follower coming back is not the leader and assigns nothing either way.
  auto follower = join_static(leader == ma ? "b" : "a", {}, 6000, 9);
  ASSERT_TRUE(*follower);
  EXPECT_FALSE((*follower)->skip_assignment);
  EXPECT_TRUE((*follower)->members.empty());
}

TEST_F(static_member_test, restart_with_changed_protocols_rebalances) {
  auto [ma, mb] = stable_pair();
  auto r = join_req();
  r.group_instance_id = "b";
  r.protocols = {{"range", {std::byte{9}}}};
  std::optional<protocol::join_group_response> got;
  g_.join(r, 5, "c", [&](auto a) { got = std::move(a); });
  EXPECT_FALSE(got);
  EXPECT_EQ(g_.state(), group_state::preparing_rebalance);
  auto a = join_static("a", ma);
  ASSERT_TRUE(got && *a);
  EXPECT_EQ(got->generation_id, 2);
}

TEST_F(static_member_test, leave_by_instance_id_and_session_expiry_remove_the_member) {
  auto [ma, mb] = stable_pair();
  EXPECT_EQ(g_.leave("", "nobody"), error_code::unknown_member_id);
  EXPECT_EQ(g_.leave("", "b"), error_code::none);
  EXPECT_EQ(g_.members().count(mb), 0u);
  EXPECT_EQ(g_.static_members().count("b"), 0u);
  EXPECT_EQ(g_.state(), group_state::preparing_rebalance);
  auto a = join_static("a", ma);
  ASSERT_TRUE(*a);
  sync(ma, 2, {ma});
  ASSERT_EQ(g_.state(), group_state::stable);
  // a goes silent: its session timeout still evicts it, static or not.
  timers_.advance(6001);
  EXPECT_EQ(g_.members().count(ma), 0u);
  EXPECT_EQ(g_.static_members().count("a"), 0u);
  EXPECT_EQ(g_.state(), group_state::empty);
}

TEST_F(static_member_test, a_static_member_away_during_a_round_keeps_its_place) {
  auto [ma, mb] = stable_pair(30000);
  // A dynamic member arrives; b is restarting and does not rejoin this round.
  auto c = std::make_shared<std::optional<protocol::join_group_response>>();
  const std::string mc = join_new(c);
  auto a = join_static("a", ma);
  EXPECT_FALSE(*a);
  timers_.advance(10000);  // the rebalance timeout, within b's session
  ASSERT_TRUE(*a && *c);
  EXPECT_EQ(g_.members().count(mb), 1u);  // b still a member, assigned by the leader
  const auto& leader_view = (*a)->leader == ma ? **a : **c;
  EXPECT_EQ(leader_view.members.size(), 3u);
}

}  // namespace
}  // namespace sluice::broker::group
