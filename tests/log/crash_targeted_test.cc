// Targeted power-loss tests: a rolled segment's directory entry is durable
// before its first ack (RELIABILITY B14), and acknowledged offset commits
// survive repeated power losses (C3, storage part). The seeded random campaigns
// (C1, C4) are in crash_test.cc.

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <filesystem>

#include "log/file_names.h"
#include "log/log_manager.h"
#include "log/record_batch.h"
#include "tests/log/crash_support.h"
#include "tests/support/batch_builder.h"
#include "tests/support/history_checker.h"
#include "tests/support/log_helpers.h"
#include "tests/support/power_cut_backend.h"
#include "tests/support/sim_disk/sim_disk.h"
#include "tests/support/temp_dir.h"

namespace sluice::log {
namespace {

using crash_support::env_or;
using crash_support::root_with_log_dirs;
using crash_support::seeds;
using crash_support::workload_rng;

// B14, targeted. With segment.bytes = 1 every append rolls. Each new segment's
// .log must be synced into its directory after it is created and before the
// first record in it is acknowledged (checked in call order), and a power loss
// that keeps no unsynced byte or directory entry (keep probability 0) must keep
// every segment holding an acknowledged record.
TEST(crash, rolled_segment_is_synced_into_its_directory_before_its_first_ack) {
  for (uint64_t seed : seeds(50)) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    test::temp_dir root{test::fast_temp_parent()};
    test::sim_disk disk(root_with_log_dirs(root), seed);
    disk.set_crash_keep_probability(0);
    test::power_cut_backend gate(disk);
    std::vector<std::string> events;  // "create <path>", "sync_dir <path>", "ack <base>"
    gate.set_observer([&](std::string_view call, const std::string& path) {
      events.push_back(std::string(call) + " " + path);
    });
    test::partition_history h;
    h.set_answer_hook([&](const test::partition_history::entry& e) {
      if (e.acked()) events.push_back("ack " + std::to_string(e.base.value));
    });
    log_config cfg;
    cfg.segment_bytes = 1;
    cfg.max_index_bytes = 96;
    log_manager_config mc;
    mc.log_dirs = {root / "data"};
    mc.config_for = [&](std::string_view) { return cfg; };
    const int n = 2 + static_cast<int>(seed % 12);
    std::string dir;
    {
      auto m = log_manager::open(gate, mc);
      ASSERT_TRUE(m);
      auto p = (*m)->create({"roll", 0});
      ASSERT_TRUE(p);
      dir = (*p)->dir();
      for (int i = 0; i < n; ++i) {
        auto b = test::build_batch(1 + i % 3, 100, 1, "r" + std::to_string(i) + "-");
        ASSERT_TRUE(h.append(**p, std::move(b), ack_level::flushed));
        test::drain(gate);
        ASSERT_TRUE(h.entries().back().acked());
      }
      EXPECT_EQ((*p)->segment_count(), static_cast<size_t>(n));
      // One more roll whose record is cut before its sync: the empty or torn
      // last segment this leaves is fine, a missing acknowledged one is not.
      ASSERT_TRUE(h.append(**p, test::build_batch(1, 100, 1, "cut-"), ack_level::flushed));
      gate.cut();
      h.freeze();
    }
    for (const auto& e : h.entries()) {
      if (!e.acked()) continue;
      auto created = std::find(events.begin(), events.end(),
                               "create " + dir + "/" + file_names::log_file(e.base));
      ASSERT_NE(created, events.end()) << "segment " << e.base.value << " never created";
      auto synced = std::find(created, events.end(), "sync_dir " + dir) - events.begin();
      auto acked = std::find(events.begin(), events.end(), "ack " + std::to_string(e.base.value)) -
                   events.begin();
      EXPECT_LT(synced, acked) << "segment " << e.base.value
                               << " acknowledged before its directory entry was synced";
    }

    ASSERT_FALSE(disk.crash());
    auto m = log_manager::open(disk, mc);
    ASSERT_TRUE(m) << "recovery failed: " << m.error().message();
    partition_log* p = (*m)->get({"roll", 0});
    ASSERT_NE(p, nullptr);
    EXPECT_GE(p->segment_count(), static_cast<size_t>(n));
    for (const auto& e : h.entries()) {
      if (e.acked()) {
        EXPECT_TRUE(std::filesystem::exists(dir + "/" + file_names::log_file(e.base)));
      }
    }
    auto r = h.check(test::read_all(*p), p->log_start_offset(), p->log_end_offset());
    EXPECT_TRUE(r.durable_ok()) << r.summary();
    EXPECT_EQ(r.acked_flushed, static_cast<uint64_t>(n));
  }
}

// C3, storage part: an offset commit is an acks=all append to an internal
// partition. Over repeated power losses on one disk, each followed by recovery
// and more commits, no acknowledged commit is lost, and the last commit of each
// group in the recovered log (what OffsetFetch answers) is never older than the
// last one acknowledged.
TEST(crash, acked_commits_never_regress_over_repeated_power_losses) {
  constexpr int64_t groups = 3;
  const uint64_t cycles = env_or("SLUICE_CRASH_CYCLES", 500);
  test::temp_dir root{test::fast_temp_parent()};
  test::sim_disk disk(root_with_log_dirs(root), 7);
  workload_rng rng(7);
  log_config cfg;
  cfg.segment_bytes = 4096;
  cfg.max_index_bytes = 480;
  log_manager_config mc;
  mc.log_dirs = {root / "data"};
  mc.config_for = [&](std::string_view) { return cfg; };
  const topic_partition tp{"__consumer_offsets", 0};
  test::partition_history h;
  std::array<int64_t, groups> acked{-1, -1, -1}, next{0, 0, 0};
  uint64_t commits_acked = 0;
  for (uint64_t cycle = 0; cycle < cycles; ++cycle) {
    SCOPED_TRACE("cycle " + std::to_string(cycle));
    test::power_cut_backend gate(disk);
    auto m = log_manager::open(gate, mc);
    ASSERT_TRUE(m) << "recovery failed: " << m.error().message();
    partition_log* p = cycle == 0 ? *(*m)->create(tp) : (*m)->get(tp);
    ASSERT_NE(p, nullptr);
    auto bytes = test::read_all(*p);
    auto r = h.check(bytes, p->log_start_offset(), p->log_end_offset());
    ASSERT_TRUE(r.durable_ok()) << r.summary();
    std::array<int64_t, groups> last{-1, -1, -1};
    batch_iterator it(bytes);
    record_batch_view v(bytes);
    while (it.next(v)) {
      const auto* e = h.at(v.base_offset());
      ASSERT_NE(e, nullptr);
      last[e->tag % groups] = e->tag / groups;
    }
    for (int64_t g = 0; g < groups; ++g) {
      EXPECT_GE(last[g], acked[g]) << "group " << g << " regressed";
    }

    h.thaw();
    const uint64_t k = rng.below(12);
    for (uint64_t j = 0; j < k; ++j) {
      const int64_t g = static_cast<int64_t>(rng.below(groups));
      const int64_t n = next[g]++;
      auto b =
          test::build_batch({{"group-" + std::to_string(g), "commit-" + std::to_string(n), 1}});
      ASSERT_TRUE(h.append(*p, std::move(b),
                           rng.chance(80) ? ack_level::flushed : ack_level::written,
                           n * groups + g));
      gate.flush();
      if (rng.chance(50)) gate.poll();
      if (rng.chance(10)) {
        EXPECT_FALSE((*m)->write_checkpoints());
      }
    }
    if (rng.chance(40)) test::drain(gate);
    gate.cut();
    h.freeze();
    m->reset();
    for (const auto& e : h.entries()) {
      if (e.acked() && e.level == ack_level::flushed && !e.superseded) {
        acked[e.tag % groups] = std::max(acked[e.tag % groups], e.tag / groups);
      }
    }
    ASSERT_FALSE(disk.crash());
  }
  for (const auto& e : h.entries()) commits_acked += e.acked() && e.level == ack_level::flushed;
  EXPECT_GT(commits_acked, cycles);
}

// B14 for the log dir itself. log_manager::open_dir creates a missing log dir
// but never syncs its parent, so a power loss takes the dir, and every
// acknowledged record in it, away. Disabled until log_manager.cc syncs the
// parent after creating the dir (Kafka's LogManager flushes the parent too).
TEST(crash, log_dir_created_at_start_survives_power_loss) {
  test::temp_dir root{test::fast_temp_parent()};
  test::sim_disk disk(root.path(), 1);  // no log dir yet: the manager makes it
  log_manager_config mc;
  mc.log_dirs = {root / "data"};
  {
    auto m = log_manager::open(disk, mc);
    ASSERT_TRUE(m);
    auto p = (*m)->create({"t", 0});
    ASSERT_TRUE(p);
    auto b = test::build_batch(3, 10, 1);
    test::append_and_wait(**p, disk, b, ack_level::flushed);
  }
  ASSERT_FALSE(disk.crash());
  auto m = log_manager::open(disk, mc);
  ASSERT_TRUE(m);
  auto* p = (*m)->get({"t", 0});
  ASSERT_NE(p, nullptr) << "an acknowledged partition vanished with its log dir";
  EXPECT_EQ(p->log_end_offset(), offset{3});
}

}  // namespace
}  // namespace sluice::log
