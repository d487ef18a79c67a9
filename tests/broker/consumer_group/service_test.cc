// The KIP-848 service on the shard's clock (broker/consumer_group/service.cc):
// its periodic sweep fences a member whose heartbeats stop for the session
// timeout, and not before; a group's own consumer.session.timeout.ms and
// consumer.heartbeat.interval.ms win over the broker's for that group.
#include "broker/consumer_group/service.h"

#include <gtest/gtest.h>

#include "broker/group/coordinator.h"
#include "broker/group_config_store.h"
#include "broker/topic_table.h"
#include "tests/broker/fake_shard.h"

namespace sluice::broker::consumer_group {
namespace {

TEST(consumer_group_service, the_sweep_fences_a_member_silent_for_its_session_timeout) {
  broker_config cfg;
  cfg.group_consumer_session_timeout_ms = 45000;
  test::fake_shard shard(cfg);
  ASSERT_FALSE(shard.topics().create_topic("t", 2));
  group::coordinator c(shard, {});
  ASSERT_FALSE(c.load());
  heartbeat_input in;
  in.member_id = "m1";
  in.rebalance_timeout_ms = 60000;
  in.subscribed_topic_names = std::vector<std::string>{"t"};
  std::optional<heartbeat_outcome> out;
  c.modern().heartbeat("g", in, [&](heartbeat_outcome o) { out = std::move(o); });
  for (int i = 0; i < 3 && !out; ++i) shard.run_io();
  ASSERT_TRUE(out);
  ASSERT_EQ(out->error, protocol::error_code::none);
  const auto members = [&] {
    const modern_group* g = c.modern().find("g");
    return g == nullptr ? size_t{0} : g->members().count(out->member_id);
  };
  ASSERT_EQ(members(), 1u);
  shard.advance(44'000);  // 44 sweeps, each within the session timeout
  shard.run_io();
  EXPECT_EQ(members(), 1u);
  shard.advance(2'000);
  for (int i = 0; i < 3; ++i) shard.run_io();
  EXPECT_EQ(members(), 0u);
  c.close();
}

TEST(consumer_group_service, a_group_override_sets_its_session_timeout_and_heartbeat_interval) {
  broker_config cfg;
  cfg.group_consumer_session_timeout_ms = 60000;
  cfg.group_consumer_heartbeat_interval_ms = 5000;
  test::fake_shard shard(cfg);
  group_config_store store;
  group_config_registration registration{shard, store};
  ASSERT_FALSE(store.put("short", {{"consumer.session.timeout.ms", "45000"},
                                   {"consumer.heartbeat.interval.ms", "8000"}}));
  ASSERT_FALSE(shard.topics().create_topic("t", 2));
  group::coordinator c(shard, {});
  ASSERT_FALSE(c.load());
  EXPECT_EQ(c.modern().settings_for("short").heartbeat_interval_ms, 8000);
  EXPECT_EQ(c.modern().settings_for("other").heartbeat_interval_ms, 5000);
  std::map<std::string, std::string> member_of;
  for (const char* group : {"short", "other"}) {
    heartbeat_input in;
    in.member_id = std::string("m-") + group;
    in.rebalance_timeout_ms = 60000;
    in.subscribed_topic_names = std::vector<std::string>{"t"};
    std::optional<heartbeat_outcome> out;
    c.modern().heartbeat(group, in, [&](heartbeat_outcome o) { out = std::move(o); });
    for (int i = 0; i < 3 && !out; ++i) shard.run_io();
    ASSERT_TRUE(out);
    ASSERT_EQ(out->error, protocol::error_code::none);
    member_of[group] = out->member_id;
  }
  const auto members = [&](const std::string& group) {
    const modern_group* g = c.modern().find(group);
    return g == nullptr ? size_t{0} : g->members().count(member_of[group]);
  };
  shard.advance(50'000);  // past the group's 45 s, within the broker's 60 s
  for (int i = 0; i < 3; ++i) shard.run_io();
  EXPECT_EQ(members("short"), 0u);
  EXPECT_EQ(members("other"), 1u);
  c.close();
}

}  // namespace
}  // namespace sluice::broker::consumer_group
