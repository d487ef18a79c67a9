#include "broker/group/group.h"

#include <gtest/gtest.h>

#include <map>

namespace sluice::broker::group {
namespace {

using protocol::error_code;

// Timers on a manual clock: advance() fires those due, in deadline order.
class manual_timers {
 public:
  timer_factory factory() {
    return [this](std::chrono::milliseconds d, std::function<void()> fn) {
      struct handle final : timer_handle {
        handle(manual_timers& t, uint64_t id) : t(t), id(id) {}
        ~handle() override { t.pending_.erase(id); }
        manual_timers& t;
        uint64_t id;
      };
      const uint64_t id = next_++;
      pending_[id] = {now_ + d.count(), std::move(fn)};
      return std::make_unique<handle>(*this, id);
    };
  }
  void advance(int64_t ms) {
    const int64_t until = now_ + ms;
    for (;;) {
      auto due = pending_.end();
      for (auto it = pending_.begin(); it != pending_.end(); ++it) {
        if (it->second.first <= until &&
            (due == pending_.end() || it->second.first < due->second.first))
          due = it;
      }
      if (due == pending_.end()) break;
      now_ = due->second.first;
      auto fn = std::move(due->second.second);
      pending_.erase(due);
      fn();
    }
    now_ = until;
  }

 private:
  std::map<uint64_t, std::pair<int64_t, std::function<void()>>> pending_;
  int64_t now_ = 0;
  uint64_t next_ = 1;
};

class group_test : public ::testing::Test {
 protected:
  group_settings settings() {
    group_settings s;
    s.initial_rebalance_delay_ms = 100;
    return s;
  }
  protocol::join_group_request join_req(std::string member = {}) {
    protocol::join_group_request r;
    r.group_id = "g";
    r.session_timeout_ms = 6000;
    r.rebalance_timeout_ms = 10000;
    r.member_id = std::move(member);
    r.protocol_type = "consumer";
    r.protocols.push_back({"range", {std::byte{1}}});
    return r;
  }
  // Joins with v5 (MEMBER_ID_REQUIRED first); the answer lands in *out.
  std::string join_new(std::shared_ptr<std::optional<protocol::join_group_response>> out) {
    std::optional<protocol::join_group_response> first;
    g_.join(join_req(), 5, "c", [&](auto r) { first = std::move(r); });
    EXPECT_TRUE(first);
    EXPECT_EQ(first->error_code, error_code::member_id_required);
    EXPECT_FALSE(first->member_id.empty());
    g_.join(join_req(first->member_id), 5, "c", [out](auto r) { *out = std::move(r); });
    return first->member_id;
  }
  protocol::sync_group_response sync(const std::string& member, int32_t gen,
                                     std::vector<std::string> assign_to = {}) {
    protocol::sync_group_request r;
    r.group_id = "g";
    r.member_id = member;
    r.generation_id = gen;
    for (auto& m : assign_to) r.assignments.push_back({m, {std::byte{7}}});
    std::optional<protocol::sync_group_response> got;
    g_.sync(r, [&](auto a) { got = std::move(a); });
    EXPECT_TRUE(got);
    return got.value_or(protocol::sync_group_response{});
  }
  error_code beat(const std::string& member, int32_t gen) {
    protocol::heartbeat_request h;
    h.group_id = "g";
    h.member_id = member;
    h.generation_id = gen;
    return g_.heartbeat(h);
  }

  manual_timers timers_;
  consumer_group g_{"g", settings(), timers_.factory()};
};

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

}  // namespace
}  // namespace sluice::broker::group
