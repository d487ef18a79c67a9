// Members handed an id with MEMBER_ID_REQUIRED (JoinGroup v4+) are pending:
// Kafka keeps them, across join rounds, until they join with that id or
// their session timeout passes (ClassicGroup.pendingJoinMembers).
#include <gtest/gtest.h>

#include "broker/group/group.h"
#include "tests/broker/group/group_fixture.h"

namespace sluice::broker::group {
namespace {

using join_answer = std::shared_ptr<std::optional<protocol::join_group_response>>;

class pending_members : public group_test {
 protected:
  // A first join at v5: MEMBER_ID_REQUIRED and the id to come back with.
  std::string first_join() {
    std::optional<protocol::join_group_response> r;
    g_.join(join_req(), 5, "c", [&](auto a) { r = std::move(a); });
    EXPECT_TRUE(r);
    EXPECT_EQ(r->error_code, error_code::member_id_required);
    return r->member_id;
  }
  join_answer rejoin(const std::string& id) {
    auto out = std::make_shared<std::optional<protocol::join_group_response>>();
    g_.join(join_req(id), 5, "c", [out](auto r) { *out = std::move(r); });
    return out;
  }
};

TEST_F(pending_members, a_member_rejoining_just_after_the_round_completed_is_kept) {
  auto a = std::make_shared<std::optional<protocol::join_group_response>>();
  const std::string first = join_new(a);
  timers_.advance(99);
  const std::string second = first_join();  // pending while the round ends
  timers_.advance(1);                       // the initial delay ends the round
  ASSERT_TRUE(*a);
  EXPECT_EQ((*a)->generation_id, 1);
  EXPECT_EQ(g_.state(), group_state::completing_rebalance);

  auto b = rejoin(second);
  // Not UNKNOWN_MEMBER_ID: it joins, and the group rebalances to take it in.
  EXPECT_FALSE(*b);
  EXPECT_EQ(g_.state(), group_state::preparing_rebalance);
  EXPECT_EQ(g_.members().count(second), 1u);
  EXPECT_EQ(sync(first, 1).error_code, error_code::rebalance_in_progress);
  auto a2 = rejoin(first);
  ASSERT_TRUE(*a2);
  ASSERT_TRUE(*b);
  EXPECT_EQ((*b)->error_code, error_code::none);
  EXPECT_EQ((*b)->member_id, second);
  EXPECT_EQ((*b)->generation_id, 2);
  EXPECT_EQ((*a2)->members.size() + (*b)->members.size(), 2u);  // the leader sees both
}

TEST_F(pending_members, a_pending_member_expires_after_its_session_timeout) {
  const std::string id = first_join();
  timers_.advance(6000);  // join_req's session timeout
  auto r = rejoin(id);
  ASSERT_TRUE(*r);
  EXPECT_EQ((*r)->error_code, error_code::unknown_member_id);
  EXPECT_TRUE(g_.members().empty());
}

TEST_F(pending_members, a_round_waits_for_a_pending_member_until_it_expires) {
  auto a = std::make_shared<std::optional<protocol::join_group_response>>();
  const std::string first = join_new(a);
  timers_.advance(100);
  ASSERT_TRUE(*a);
  ASSERT_EQ(sync(first, 1, {first}).error_code, error_code::none);
  ASSERT_EQ(g_.state(), group_state::stable);

  const std::string away = first_join();
  // The leader rejoins: a new round, which cannot end early while `away` may
  // still come back.
  auto a2 = rejoin(first);
  EXPECT_EQ(g_.state(), group_state::preparing_rebalance);
  EXPECT_FALSE(*a2);
  timers_.advance(5999);
  EXPECT_FALSE(*a2);
  timers_.advance(1);  // `away`'s session timeout: the round completes without it
  ASSERT_TRUE(*a2);
  EXPECT_EQ((*a2)->error_code, error_code::none);
  EXPECT_EQ((*a2)->generation_id, 2);
  EXPECT_EQ((*a2)->members.size(), 1u);
}

}  // namespace
}  // namespace sluice::broker::group
