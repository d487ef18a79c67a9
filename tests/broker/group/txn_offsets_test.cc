// Transactional offsets in the group coordinator (broker/group/txn_offsets.cc,
// docs/groups.md "Transactional offsets"): staged durably, invisible until
// the transaction commits, kept across a restart and a compaction.
#include <gtest/gtest.h>

#include "broker/api_table.h"
#include "broker/group/coordinator.h"
#include "broker/topic_table.h"
#include "protocol/messages/offset_fetch.h"
#include "tests/broker/fake_shard.h"

namespace sluice::broker::group {
namespace {

using protocol::error_code;

committed_offset at(int64_t offset) { return committed_offset{offset, 3, "txn", 1234, -1}; }

coordinator::staged_offsets staged(std::vector<std::pair<int32_t, int64_t>> parts) {
  coordinator::staged_offsets out;
  for (auto [p, o] : parts) out.push_back({{"t", p}, at(o)});
  return out;
}

void stage_now(test::fake_shard& shard, coordinator& c, const std::string& group, int64_t pid,
               coordinator::staged_offsets offsets) {
  bool done = false;
  c.stage_txn_offsets(group, pid, 0, std::move(offsets), [&](std::error_code ec) {
    EXPECT_FALSE(ec);
    done = true;
  });
  shard.run_io();
  ASSERT_TRUE(done);
}

void end_now(test::fake_shard& shard, coordinator& c, const std::string& group, int64_t pid,
             bool commit) {
  bool done = false;
  c.complete_txn_offsets(group, pid, commit, [&](std::error_code ec) {
    EXPECT_FALSE(ec);
    done = true;
  });
  shard.run_io();
  ASSERT_TRUE(done);
}

void commit_now(test::fake_shard& shard, coordinator& c, const std::string& group, int32_t p,
                int64_t offset) {
  offsets_record r;
  r.group = group;
  r.topic = "t";
  r.partition = p;
  r.value = committed_offset{offset, -1, std::nullopt, 99, -1};
  bool done = false;
  c.append({r}, [&](std::error_code ec) {
    EXPECT_FALSE(ec);
    done = true;
  });
  shard.run_io();
  ASSERT_TRUE(done);
}

int64_t committed(const coordinator& c, const std::string& group, int32_t p) {
  const auto* m = c.offsets(group);
  if (m == nullptr) return -1;
  auto it = m->find({"t", p});
  return it == m->end() ? -1 : it->second.offset;
}

TEST(txn_offsets, staged_offsets_are_invisible_until_the_commit) {
  test::fake_shard shard;
  coordinator c(shard, {});
  commit_now(shard, c, "g", 0, 5);
  bool done = false;
  c.stage_txn_offsets("g", 7, 0, staged({{0, 10}, {1, 20}}), [&](std::error_code) { done = true; });
  EXPECT_FALSE(done);
  EXPECT_FALSE(c.has_pending_txn_offsets("g", "t", 0));  // not durable yet: nothing changed
  shard.run_io();
  ASSERT_TRUE(done);
  EXPECT_TRUE(c.has_pending_txn_offsets("g", "t", 0));
  EXPECT_TRUE(c.has_pending_txn_offsets("g", "t", 1));
  EXPECT_FALSE(c.has_pending_txn_offsets("g", "t", 2));
  EXPECT_FALSE(c.has_pending_txn_offsets("other", "t", 0));
  EXPECT_EQ(committed(c, "g", 0), 5);
  EXPECT_EQ(committed(c, "g", 1), -1);
  end_now(shard, c, "g", 7, true);
  EXPECT_EQ(committed(c, "g", 0), 10);
  EXPECT_EQ(committed(c, "g", 1), 20);
  EXPECT_EQ(c.offsets("g")->at({"t", 1}).metadata, "txn");
  EXPECT_EQ(c.offsets("g")->at({"t", 1}).leader_epoch, 3);
  EXPECT_FALSE(c.has_pending_txn_offsets("g", "t", 0));
}

TEST(txn_offsets, an_abort_drops_them_and_a_second_end_writes_nothing) {
  test::fake_shard shard;
  coordinator c(shard, {});
  commit_now(shard, c, "g", 0, 5);
  stage_now(shard, c, "g", 7, staged({{0, 10}}));
  end_now(shard, c, "g", 7, false);
  EXPECT_EQ(committed(c, "g", 0), 5);
  EXPECT_FALSE(c.has_pending_txn_offsets("g", "t", 0));
  const int64_t end = shard.topics().get(offsets_topic, 0)->log_end_offset().value;
  bool done = false;
  c.complete_txn_offsets("g", 7, true, [&](std::error_code ec) { done = !ec; });
  EXPECT_TRUE(done);  // nothing staged: answered at once
  EXPECT_EQ(shard.topics().get(offsets_topic, 0)->log_end_offset().value, end);
  EXPECT_EQ(committed(c, "g", 0), 5);
}

TEST(txn_offsets, producers_are_kept_apart) {
  test::fake_shard shard;
  coordinator c(shard, {});
  stage_now(shard, c, "g", 7, staged({{0, 10}}));
  stage_now(shard, c, "g", 8, staged({{1, 30}}));
  end_now(shard, c, "g", 8, false);
  EXPECT_TRUE(c.has_pending_txn_offsets("g", "t", 0));
  EXPECT_FALSE(c.has_pending_txn_offsets("g", "t", 1));
  end_now(shard, c, "g", 7, true);
  EXPECT_EQ(committed(c, "g", 0), 10);
  EXPECT_EQ(committed(c, "g", 1), -1);
}

TEST(txn_offsets, staged_offsets_survive_a_restart_and_commit_after_it) {
  test::fake_shard shard;
  {
    coordinator c(shard, {});
    commit_now(shard, c, "g", 0, 5);
    stage_now(shard, c, "g", 7, staged({{0, 10}, {1, 20}}));
    stage_now(shard, c, "h", 9, staged({{0, 1}}));
    end_now(shard, c, "h", 9, false);
  }
  coordinator again(shard, {});
  ASSERT_FALSE(again.load());
  EXPECT_TRUE(again.has_pending_txn_offsets("g", "t", 1));
  EXPECT_FALSE(again.has_pending_txn_offsets("h", "t", 0));  // its abort was replayed too
  EXPECT_EQ(committed(again, "g", 0), 5);
  end_now(shard, again, "g", 7, true);
  EXPECT_EQ(committed(again, "g", 0), 10);
  EXPECT_EQ(committed(again, "g", 1), 20);
  // ... and the commit itself is durable.
  coordinator third(shard, {});
  ASSERT_FALSE(third.load());
  EXPECT_EQ(committed(third, "g", 1), 20);
  EXPECT_FALSE(third.has_pending_txn_offsets("g"));
}

TEST(txn_offsets, a_plain_commit_after_the_staging_wins_also_across_a_snapshot) {
  test::fake_shard shard;
  group_settings small;
  small.offsets_compact_min_records = 20;
  {
    coordinator c(shard, small);
    stage_now(shard, c, "g", 7, staged({{0, 10}, {1, 20}}));
    commit_now(shard, c, "g", 0, 50);  // newer than the staged 10
    // Enough traffic on another group for snapshots to replace the records above.
    for (int i = 0; i < 100; ++i) commit_now(shard, c, "busy", 0, i);
    EXPECT_GT(shard.topics().get(offsets_topic, 0)->log_start_offset().value, 3);
    EXPECT_TRUE(c.has_pending_txn_offsets("g", "t", 0));
    shard.run_io();  // a snapshot the last commit started
  }
  coordinator again(shard, small);
  ASSERT_FALSE(again.load());
  EXPECT_LE(again.loaded_records(), 45u);
  EXPECT_TRUE(again.has_pending_txn_offsets("g", "t", 0));
  EXPECT_TRUE(again.has_pending_txn_offsets("g", "t", 1));
  EXPECT_EQ(committed(again, "g", 0), 50);
  end_now(shard, again, "g", 7, true);
  EXPECT_EQ(committed(again, "g", 0), 50);  // the plain commit was the later one
  EXPECT_EQ(committed(again, "g", 1), 20);
}

TEST(txn_offsets, a_deleted_topic_takes_its_staged_offsets_with_it) {
  test::fake_shard shard;
  coordinator c(shard, {});
  stage_now(shard, c, "g", 7, staged({{0, 10}}));
  bool done = false;
  c.delete_topic_offsets("t", [&](std::error_code ec) { done = !ec; });
  shard.run_io();
  ASSERT_TRUE(done);
  EXPECT_FALSE(c.has_pending_txn_offsets("g", "t", 0));
  end_now(shard, c, "g", 7, true);
  EXPECT_EQ(committed(c, "g", 0), -1);
}

TEST(txn_offsets, retention_keeps_partitions_and_groups_with_staged_offsets) {
  test::fake_shard shard;
  coordinator c(shard, {});
  commit_now(shard, c, "g", 0, 5);
  commit_now(shard, c, "g", 1, 6);
  stage_now(shard, c, "g", 7, staged({{0, 10}}));
  c.expire_offsets(INT64_MAX / 2);  // long after every retention
  shard.run_io();
  EXPECT_EQ(committed(c, "g", 0), 5);   // pending: kept
  EXPECT_EQ(committed(c, "g", 1), -1);  // expired
  EXPECT_TRUE(c.has_pending_txn_offsets("g", "t", 0));
  end_now(shard, c, "g", 7, true);
  EXPECT_EQ(committed(c, "g", 0), 10);
}

TEST(txn_offsets, offset_fetch_hides_staged_offsets_and_require_stable_answers_unstable) {
  test::fake_shard shard;
  ASSERT_FALSE(shard.topics().create_topic("t", 2));
  coordinator c(shard, {});
  coordinator_registration reg(shard, c);
  commit_now(shard, c, "g", 0, 5);
  stage_now(shard, c, "g", 7, staged({{0, 10}, {1, 20}}));
  auto fetch = [&](int16_t version, bool stable) {
    protocol::offset_fetch_request req;
    req.require_stable = stable;
    if (version >= 8) {
      req.groups.push_back({"g", std::nullopt, -1, {{{"t", {0, 1}}}}});
    } else {
      req.group_id = "g";
      req.topics = {{{"t", {0, 1}}}};
    }
    auto a = std::make_shared<test::answer>();
    handle_offset_fetch(shard, test::make_request(req, version), test::capture(a));
    EXPECT_TRUE(a->called && a->value);
    auto r = test::decode_answer<protocol::offset_fetch_response>(*a->value, version);
    return version >= 8 ? r.groups.at(0).topics.at(0).partitions : r.topics.at(0).partitions;
  };
  for (int16_t v : {int16_t{5}, int16_t{7}, int16_t{9}}) {
    auto parts = fetch(v, false);
    ASSERT_EQ(parts.size(), 2u);
    EXPECT_EQ(parts[0].committed_offset, 5) << v;  // the committed one, not the staged 10
    EXPECT_EQ(parts[0].error_code, error_code::none);
    EXPECT_EQ(parts[1].committed_offset, -1) << v;
  }
  for (int16_t v : {int16_t{7}, int16_t{9}}) {
    auto parts = fetch(v, true);
    ASSERT_EQ(parts.size(), 2u);
    EXPECT_EQ(parts[0].error_code, error_code::unstable_offset_commit) << v;
    EXPECT_EQ(parts[0].committed_offset, -1);
    EXPECT_EQ(parts[1].error_code, error_code::unstable_offset_commit) << v;
  }
  end_now(shard, c, "g", 7, true);
  auto parts = fetch(9, true);
  EXPECT_EQ(parts[0].error_code, error_code::none);
  EXPECT_EQ(parts[0].committed_offset, 10);
  EXPECT_EQ(parts[1].committed_offset, 20);
}

TEST(offsets_log, transactional_records_round_trip) {
  offsets_record s;
  s.type = record_type::txn_offset_staged;
  s.group = "g";
  s.topic = "t";
  s.partition = 4;
  s.producer_id = 1234567890123;
  s.producer_epoch = 5;
  s.superseded = true;
  s.value = at(77);
  offsets_record e;
  e.type = record_type::txn_offsets_end;
  e.group = "g";
  e.producer_id = 42;
  e.commit = true;
  for (const auto& r : {s, e}) {
    auto back = decode_record(encode_record(r, 1));
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, r);
  }
  auto no_value = encode_record(e, 1);
  no_value.value.reset();
  EXPECT_FALSE(decode_record(no_value));
}

}  // namespace
}  // namespace sluice::broker::group
