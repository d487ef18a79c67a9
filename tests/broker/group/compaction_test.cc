// Bounded replay, persisted group metadata and offsets retention
// (broker/group/compaction.cc, group_persist.cc, docs/groups.md "Durability").
#include <gtest/gtest.h>

#include "broker/group/coordinator.h"
#include "broker/topic_table.h"
#include "tests/broker/fake_shard.h"

namespace sluice::broker::group {
namespace {

using protocol::error_code;

offsets_record commit(std::string group, int32_t partition, int64_t offset, int64_t ts = 1234) {
  offsets_record r;
  r.group = std::move(group);
  r.topic = "t";
  r.partition = partition;
  r.value = committed_offset{offset, -1, std::nullopt, ts, -1};
  return r;
}

void commit_now(test::fake_shard& shard, coordinator& c, std::vector<offsets_record> records) {
  bool done = false;
  c.append(std::move(records), [&](std::error_code ec) {
    EXPECT_FALSE(ec);
    done = true;
  });
  shard.run_io();
  ASSERT_TRUE(done);
}

group_settings small_log() {
  group_settings s;
  s.offsets_compact_min_records = 50;
  return s;
}

TEST(offsets_log, group_metadata_records_round_trip) {
  offsets_record r;
  r.type = record_type::group_metadata;
  r.group = "g";
  group_metadata m;
  m.protocol_type = "consumer";
  m.generation = 7;
  m.protocol = "range";
  m.leader = "a-1";
  m.state_timestamp_ms = 99;
  m.members.push_back({"a-1", "inst-a", "client", 30000, 6000, {std::byte{1}}, {std::byte{2}}});
  m.members.push_back({"b-2", std::nullopt, "client", 30000, 6000, {}, {}});
  r.metadata = m;
  offsets_record tomb;
  tomb.type = record_type::group_metadata;
  tomb.group = "gone";
  std::vector<offsets_record> in = {r, tomb, commit("g", 0, 5)};
  std::vector<offsets_record> out;
  ASSERT_TRUE(
      decode_batches(encode_batch(in, 1), [&](const offsets_record& x) { out.push_back(x); }));
  EXPECT_EQ(out, in);
}

TEST(coordinator, replay_after_many_commits_of_one_key_reads_only_live_records) {
  test::fake_shard shard;
  std::optional<coordinator::offsets_map> before;
  {
    coordinator c(shard, small_log());
    commit_now(shard, c, {commit("g", 0, 0), commit("g", 1, 0), commit("h", 0, 3)});
    for (int i = 1; i <= 400; ++i) commit_now(shard, c, {commit("g", 0, i)});
    shard.run_io();
    log::partition_log* p = shard.topics().get(offsets_topic, 0);
    ASSERT_NE(p, nullptr);
    EXPECT_GT(p->log_start_offset().value, 300);  // snapshots moved it on
    EXPECT_LE(p->high_watermark().value - p->log_start_offset().value, 60);
    before = *c.offsets("g");
    // No close(): the next coordinator reads the log as a restart after a kill would.
  }
  coordinator again(shard, small_log());
  ASSERT_FALSE(again.load());
  EXPECT_LE(again.loaded_records(), 60u);  // O(live), not O(commits ever made)
  ASSERT_TRUE(again.offsets("g"));
  EXPECT_EQ(*again.offsets("g"), *before);
  EXPECT_EQ(again.offsets("g")->at({"t", 0}).offset, 400);
  EXPECT_EQ(again.offsets("h")->at({"t", 0}).offset, 3);
}

TEST(coordinator, deleted_keys_stay_deleted_across_a_snapshot) {
  test::fake_shard shard;
  {
    coordinator c(shard, small_log());
    commit_now(shard, c, {commit("gone", 0, 1), commit("kept", 0, 1)});
    offsets_record tomb;
    tomb.type = record_type::group_deleted;
    tomb.group = "gone";
    commit_now(shard, c, {tomb});
    for (int i = 0; i < 200; ++i) commit_now(shard, c, {commit("kept", 0, i)});
  }
  coordinator again(shard, small_log());
  ASSERT_FALSE(again.load());
  EXPECT_FALSE(again.offsets("gone"));
  EXPECT_EQ(again.offsets("kept")->at({"t", 0}).offset, 199);
}

// One member joins (v3), the round completes, the leader syncs: Stable.
std::string stable_group(test::fake_shard& shard, coordinator& c) {
  protocol::join_group_request r;
  r.group_id = "g";
  r.session_timeout_ms = 6000;
  r.rebalance_timeout_ms = 10000;
  r.group_instance_id = "inst";
  r.protocol_type = "consumer";
  r.protocols.push_back({"range", {std::byte{1}}});
  std::optional<protocol::join_group_response> joined;
  c.get_or_create("g").join(r, 5, "client", [&](auto a) { joined = std::move(a); });
  shard.fire_timers();  // the initial rebalance delay
  EXPECT_TRUE(joined);
  if (!joined) return {};
  protocol::sync_group_request s;
  s.group_id = "g";
  s.member_id = joined->member_id;
  s.generation_id = joined->generation_id;
  s.assignments.push_back({joined->member_id, {std::byte{7}}});
  std::optional<protocol::sync_group_response> synced;
  c.find("g")->sync(s, [&](auto a) { synced = std::move(a); });
  // The assignment is handed out only once the group's type 2 record is durable.
  EXPECT_FALSE(synced);
  EXPECT_EQ(c.find("g")->state(), group_state::completing_rebalance);
  shard.run_io();
  EXPECT_TRUE(synced);
  EXPECT_EQ(synced.value_or(protocol::sync_group_response{}).error_code, error_code::none);
  EXPECT_EQ(c.find("g")->state(), group_state::stable);
  return joined->member_id;
}

TEST(coordinator, a_stable_group_is_restored_after_a_restart) {
  test::fake_shard shard;
  std::string member;
  {
    coordinator c(shard, {});
    member = stable_group(shard, c);
    ASSERT_TRUE(c.metadata("g"));
    EXPECT_EQ(c.metadata("g")->members.size(), 1u);
  }
  coordinator again(shard, {});
  ASSERT_FALSE(again.load());
  consumer_group* g = again.find("g");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->state(), group_state::stable);
  EXPECT_EQ(g->generation(), 1);
  EXPECT_EQ(g->leader(), member);
  EXPECT_EQ(g->members().at(member).assignment, std::vector<std::byte>{std::byte{7}});
  EXPECT_EQ(g->static_members().at("inst"), member);
  protocol::heartbeat_request h;
  h.group_id = "g";
  h.member_id = member;
  h.generation_id = 1;
  EXPECT_EQ(g->heartbeat(h), error_code::none);  // no rejoin needed
  EXPECT_EQ(g->validate_commit(0, member), error_code::illegal_generation);
}

TEST(coordinator, offsets_of_groups_empty_longer_than_the_retention_expire) {
  broker_config cfg;
  cfg.offsets_retention_minutes = 1;
  test::fake_shard shard(cfg);
  const int64_t minute = 60 * 1000;
  {
    coordinator c(shard, {});
    std::string member = stable_group(shard, c);  // "g": Stable, in use
    commit_now(shard, c,
               {commit("g", 0, 5), commit("simple", 0, 1, 1000), commit("simple", 1, 2, 50000),
                commit("old", 0, 9, 1000)});
    c.expire_offsets(1000 + minute - 1);
    shard.run_io();
    EXPECT_TRUE(c.offsets("old"));  // not yet
    c.expire_offsets(1000 + minute);
    shard.run_io();
    EXPECT_FALSE(c.offsets("old"));
    ASSERT_TRUE(c.offsets("simple"));
    EXPECT_EQ(c.offsets("simple")->size(), 1u);  // partition 1 was committed later
    EXPECT_TRUE(c.offsets("g"));                 // a group with members keeps its offsets
    c.expire_offsets(INT64_MAX / 2);
    shard.run_io();
    EXPECT_FALSE(c.offsets("simple"));
    EXPECT_TRUE(c.offsets("g"));
  }
  coordinator again(shard, {});
  ASSERT_FALSE(again.load());
  EXPECT_FALSE(again.offsets("old"));
  EXPECT_FALSE(again.offsets("simple"));
  EXPECT_EQ(again.offsets("g")->at({"t", 0}).offset, 5);
}

// The retention check runs on its timer and reads the shard's clock, as the
// time the group became Empty does: a group whose last member left loses its
// offsets offsets.retention.minutes later, and not a check earlier.
TEST(coordinator, the_retention_check_expires_offsets_a_retention_after_the_group_emptied) {
  broker_config cfg;
  cfg.offsets_retention_minutes = 1;
  cfg.offsets_retention_check_interval_ms = 1000;
  test::fake_shard shard(cfg);
  coordinator c(shard, {});
  ASSERT_FALSE(c.load());
  const std::string member = stable_group(shard, c);
  commit_now(shard, c, {commit("g", 0, 5, shard.clock().wall_clock_ms())});
  shard.advance(5'000);  // within the session timeout: the member stays
  ASSERT_EQ(c.find("g")->leave(member, "inst"), error_code::none);
  shard.run_io();
  ASSERT_EQ(c.find("g")->state(), group_state::empty);
  EXPECT_EQ(c.find("g")->state_timestamp_ms(), shard.clock().wall_clock_ms());
  shard.advance(59'000);  // 64 s after the commit, 59 s after the group emptied
  shard.run_io();
  EXPECT_TRUE(c.offsets("g"));
  shard.advance(2'000);
  shard.run_io();
  EXPECT_FALSE(c.offsets("g"));
  c.close();
}

// OffsetCommit v2-4's retention_time_ms: the offset's own expiry time, kept
// across a restart (value version 1) and honoured instead of the broker's.
TEST(coordinator, an_offset_with_its_own_expiry_time_expires_then) {
  broker_config cfg;
  cfg.offsets_retention_minutes = 1000;
  test::fake_shard shard(cfg);
  {
    coordinator c(shard, {});
    auto soon = commit("simple", 0, 1, 1000);
    soon.value->expire_timestamp_ms = 5000;
    commit_now(shard, c, {soon, commit("simple", 1, 2, 1000)});
  }
  coordinator c(shard, {});
  ASSERT_FALSE(c.load());
  ASSERT_TRUE(c.offsets("simple"));
  EXPECT_EQ(c.offsets("simple")->at({"t", 0}).expire_timestamp_ms, 5000);
  EXPECT_EQ(c.offsets("simple")->at({"t", 1}).expire_timestamp_ms, -1);
  c.expire_offsets(4999);
  shard.run_io();
  EXPECT_EQ(c.offsets("simple")->size(), 2u);
  c.expire_offsets(5000);
  shard.run_io();
  ASSERT_TRUE(c.offsets("simple"));
  EXPECT_EQ(c.offsets("simple")->size(), 1u);  // partition 1 follows the broker's retention
  EXPECT_TRUE(c.offsets("simple")->contains({"t", 1}));
}

}  // namespace
}  // namespace sluice::broker::group
