#pragma once
// The fixture of the consumer_group tests: one group "g" on the fake clock
// (timers_.advance moves it and fires what falls due), and helpers that join,
// sync and beat the way a client would.

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>

#include "broker/group/group.h"
#include "tests/broker/fake_timers.h"
#include "tests/support/fake_clock.h"

namespace sluice::broker::group {

using protocol::error_code;

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

  timer_factory factory() {
    return [this](std::chrono::milliseconds d, std::function<void()> fn) {
      return timers_.start(d, std::move(fn));
    };
  }

  sluice::test::fake_clock clock_;
  test::fake_timers timers_{clock_};
  consumer_group g_{"g", settings(), factory(), clock_};
};

}  // namespace sluice::broker::group
