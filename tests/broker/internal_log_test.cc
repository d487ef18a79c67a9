// One internal partition for every coordinator (broker/internal_log.h):
// created on the first write, durable before done, replayed in order from
// the log start, compacted by snapshot.
#include "broker/internal_log.h"

#include <gtest/gtest.h>

#include "broker/internal_topics.h"
#include "broker/topic_configs.h"
#include "broker/topic_table.h"
#include "tests/broker/fake_shard.h"

namespace sluice::broker {
namespace {

constexpr const char* topic = "__transaction_state";

batch_record rec(std::string key, std::string value) {
  batch_record r;
  r.timestamp = 1000;
  r.key = bytes(reinterpret_cast<const std::byte*>(key.data()),
                reinterpret_cast<const std::byte*>(key.data()) + key.size());
  r.value = bytes(reinterpret_cast<const std::byte*>(value.data()),
                  reinterpret_cast<const std::byte*>(value.data()) + value.size());
  return r;
}

std::string text(const std::optional<bytes>& b) {
  return b ? std::string(reinterpret_cast<const char*>(b->data()), b->size()) : "<null>";
}

// The records a replay applies, as "key=value".
std::vector<std::string> replayed(test::fake_shard& shard, std::error_code* ec = nullptr) {
  internal_log log(shard, topic);
  std::vector<std::string> out;
  auto e = log.replay([&](const batch_record& r) {
    out.push_back(text(r.key) + "=" + text(r.value));
    return true;
  });
  if (ec != nullptr) *ec = e;
  return out;
}

void append_now(test::fake_shard& shard, internal_log& log, std::vector<batch_record> records) {
  bool done = false;
  log.append(std::move(records), [&](std::error_code ec) {
    EXPECT_FALSE(ec) << ec.message();
    done = true;
  });
  shard.run_io();
  ASSERT_TRUE(done);
}

TEST(internal_log, the_partition_exists_only_after_the_first_write) {
  test::fake_shard shard;
  internal_log log(shard, topic);
  std::error_code ec;
  EXPECT_TRUE(replayed(shard, &ec).empty());
  EXPECT_FALSE(ec);
  EXPECT_FALSE(shard.topics().partitions(topic));
  append_now(shard, log, {rec("a", "1")});
  ASSERT_TRUE(shard.topics().partitions(topic));
  EXPECT_EQ(shard.topics().partitions(topic)->size(), 1u);
}

TEST(internal_log, done_comes_only_once_the_batch_is_durable) {
  test::fake_shard shard;
  internal_log log(shard, topic);
  std::optional<std::error_code> result;
  log.append({rec("a", "1"), rec("b", "2")}, [&](std::error_code ec) { result = ec; });
  EXPECT_FALSE(result);  // nothing is answered inside append
  EXPECT_EQ(log.appends_in_flight(), 1u);
  EXPECT_GE(shard.flush_requests(), 1);
  // Not durable yet: a replay (a restart now) sees nothing.
  EXPECT_TRUE(replayed(shard).empty());
  shard.run_io();
  ASSERT_TRUE(result);
  EXPECT_FALSE(*result);
  EXPECT_EQ(log.appends_in_flight(), 0u);
  EXPECT_EQ(replayed(shard), (std::vector<std::string>{"a=1", "b=2"}));
}

TEST(internal_log, replay_gives_every_record_in_append_order) {
  test::fake_shard shard;
  internal_log log(shard, topic);
  std::vector<std::string> want;
  for (int i = 0; i < 50; ++i) {
    append_now(shard, log, {rec("k" + std::to_string(i), std::to_string(i))});
    want.push_back("k" + std::to_string(i) + "=" + std::to_string(i));
  }
  EXPECT_EQ(replayed(shard), want);
}

TEST(internal_log, a_record_the_caller_cannot_read_stops_the_replay_there) {
  test::fake_shard shard;
  internal_log log(shard, topic);
  append_now(shard, log, {rec("a", "1")});
  append_now(shard, log, {rec("bad", "x"), rec("b", "2")});
  append_now(shard, log, {rec("c", "3")});
  internal_log again(shard, topic);
  std::vector<std::string> seen;
  auto ec = again.replay([&](const batch_record& r) {
    if (text(r.key) == "bad") return false;
    seen.push_back(text(r.key));
    return true;
  });
  EXPECT_TRUE(ec);
  EXPECT_EQ(seen, std::vector<std::string>{"a"});  // what was read before stays
}

TEST(internal_log, compaction_moves_the_log_start_to_the_snapshot) {
  test::fake_shard shard;
  internal_log log(shard, topic);
  for (int i = 0; i < 30; ++i) append_now(shard, log, {rec("k", std::to_string(i))});
  // Held 30 > max(min 10, 2 * live 1): compacts to the one live record.
  int snapshots = 0;
  log.maybe_compact(1, 10, [&] {
    ++snapshots;
    return std::vector<batch_record>{rec("k", "29")};
  });
  EXPECT_EQ(snapshots, 1);
  shard.run_io();
  log::partition_log* p = shard.topics().get(topic, 0);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->log_start_offset().value, 30);
  EXPECT_EQ(log.held_records(), 1);
  EXPECT_EQ(replayed(shard), std::vector<std::string>{"k=29"});
}

TEST(internal_log, no_compaction_below_the_thresholds_or_while_an_append_is_in_flight) {
  test::fake_shard shard;
  internal_log log(shard, topic);
  for (int i = 0; i < 30; ++i) append_now(shard, log, {rec("k" + std::to_string(i), "v")});
  int snapshots = 0;
  auto snap = [&] {
    ++snapshots;
    return std::vector<batch_record>{rec("k", "v")};
  };
  log.maybe_compact(1, 30, snap);   // held 30 is not above min_records
  log.maybe_compact(15, 10, snap);  // nor above twice the live records
  EXPECT_EQ(snapshots, 0);
  // Memory lags the log while an append is in flight: no snapshot of it.
  log.append({rec("x", "y")}, [](std::error_code) {});
  log.maybe_compact(1, 10, snap);
  EXPECT_EQ(snapshots, 0);
  shard.run_io();
  EXPECT_EQ(shard.topics().get(topic, 0)->log_start_offset().value, 0);
}

TEST(internal_log, an_empty_snapshot_drops_everything) {
  test::fake_shard shard;
  internal_log log(shard, topic);
  for (int i = 0; i < 20; ++i) append_now(shard, log, {rec("k", "v")});
  log.maybe_compact(0, 10, [] { return std::vector<batch_record>{}; });
  EXPECT_EQ(log.held_records(), 0);
  EXPECT_TRUE(replayed(shard).empty());
}

TEST(internal_log, after_close_nothing_is_written) {
  test::fake_shard shard;
  internal_log log(shard, topic);
  log.close();
  std::optional<std::error_code> result;
  log.append({rec("a", "1")}, [&](std::error_code ec) { result = ec; });
  ASSERT_TRUE(result);
  EXPECT_TRUE(*result);
  EXPECT_FALSE(shard.topics().partitions(topic));
}

TEST(internal_log, a_completion_after_the_owner_is_gone_calls_nothing) {
  test::fake_shard shard;
  bool called = false;
  {
    internal_log log(shard, topic);
    log.append({rec("a", "1")}, [&](std::error_code) { called = true; });
  }
  shard.run_io();
  EXPECT_FALSE(called);
  EXPECT_EQ(replayed(shard), std::vector<std::string>{"a=1"});  // the write itself happened
}

TEST(internal_log, the_topic_is_created_with_its_fixed_shape) {
  test::fake_shard shard;
  internal_log log(shard, topic);
  append_now(shard, log, {rec("a", "1")});
  EXPECT_EQ(shard.topics().partitions(topic)->size(), size_t(internal_topic_partitions));
  EXPECT_EQ(shard.topics().configs().get(topic), internal_topic_overrides());
  // The broker's retention never deletes a segment the coordinator replays.
  EXPECT_EQ(shard.topics().get(topic, 0)->config().retention_ms, -1);
  EXPECT_EQ(shard.topics().get(topic, 0)->config().retention_bytes, -1);
}

TEST(internal_log, replay_restores_a_shape_changed_behind_its_back) {
  test::fake_shard shard;
  internal_log log(shard, topic);
  append_now(shard, log, {rec("a", "1")});
  ASSERT_FALSE(shard.topics().configs().put(topic, {{"retention.ms", "1"}}));
  apply_topic_config(shard.topics(), shard.config(), topic);
  ASSERT_EQ(shard.topics().get(topic, 0)->config().retention_ms, 1);
  EXPECT_EQ(replayed(shard), std::vector<std::string>{"a=1"});
  EXPECT_EQ(shard.topics().configs().get(topic), internal_topic_overrides());
  EXPECT_EQ(shard.topics().get(topic, 0)->config().retention_ms, -1);
}

}  // namespace
}  // namespace sluice::broker
