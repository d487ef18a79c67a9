#include "log/log_manager.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "log/file_names.h"
#include "log/io/io_backend.h"
#include "log/record_batch.h"
#include "tests/support/batch_builder.h"
#include "tests/support/fake_clock.h"
#include "tests/support/log_helpers.h"
#include "tests/support/temp_dir.h"

namespace sluice::log {
namespace {

class log_manager_test : public ::testing::Test {
 protected:
  void SetUp() override { io_ = io::make_posix_backend(); }
  std::unique_ptr<log_manager> open(std::vector<std::string> dirs = {}) {
    log_manager_config cfg;
    cfg.log_dirs = dirs.empty() ? std::vector<std::string>{dir_ / "data"} : dirs;
    cfg.warn = [this](std::string_view w) { warnings_.emplace_back(w); };
    auto m = log_manager::open(*io_, cfg);
    EXPECT_TRUE(m) << m.error().message();
    return m ? std::move(*m) : nullptr;
  }

  test::temp_dir dir_;
  std::unique_ptr<io::io_backend> io_;
  std::vector<std::string> warnings_;
};

TEST_F(log_manager_test, created_partitions_are_found_again_after_a_clean_restart) {
  std::vector<std::byte> b = test::build_batch(3, 10, 1);
  {
    auto m = open();
    auto p = m->create({"orders", 0});
    ASSERT_TRUE(p);
    ASSERT_TRUE(m->create({"orders", 1}));
    EXPECT_EQ(m->create({"orders", 1}).error(), errc::already_exists);
    test::append_and_wait(**p, *io_, b);
    ASSERT_FALSE(m->close());
  }
  EXPECT_TRUE(std::filesystem::exists(dir_ / "data/.sluice_clean_shutdown"));
  auto m = open();
  EXPECT_FALSE(std::filesystem::exists(dir_ / "data/.sluice_clean_shutdown"))
      << "the marker counts once: a crash after start must be unclean";
  ASSERT_EQ(m->partitions().size(), 2u);
  EXPECT_EQ(m->get({"orders", 0})->log_end_offset(), offset{3});
  EXPECT_EQ(m->get({"orders", 1})->log_end_offset(), offset{0});
  EXPECT_TRUE(warnings_.empty());
}

// The broker hands the manager its shard's clock; a partition stamps
// LogAppendTime (and rolls, expires producers) by it, also after AlterConfigs
// gives it new settings that carry no clock of their own.
TEST_F(log_manager_test, partitions_read_the_managers_clock_across_a_config_change) {
  test::fake_clock clock;
  log_manager_config cfg;
  cfg.log_dirs = {dir_ / "data"};
  cfg.clock = clock.fn();
  cfg.config_for = [](std::string_view) {
    log_config c;
    c.log_append_time = true;
    return c;
  };
  auto m = log_manager::open(*io_, cfg).value();
  partition_log* p = m->create({"t", 0}).value();
  const int64_t start = *clock.now;
  auto first = test::build_batch(1, 10, 1);
  test::append_and_wait(*p, *io_, first);
  clock.advance(5000);
  log_config altered;
  altered.log_append_time = true;
  altered.retention_ms = 60000;
  p->update_config(altered);
  auto second = test::build_batch(1, 10, 1);
  test::append_and_wait(*p, *io_, second);

  auto r = p->read(offset{0}, 1 << 20);
  ASSERT_TRUE(r);
  const auto bytes = test::read_slices(r->slices);
  batch_iterator it(bytes);
  record_batch_view v(bytes);
  std::vector<int64_t> stamps;
  while (it.next(v)) stamps.push_back(v.max_timestamp());
  EXPECT_EQ(stamps, (std::vector<int64_t>{start, start + 5000}));
  ASSERT_FALSE(m->close());
}

// Every group-committed fdatasync of every partition lands in the manager's
// histogram (what /metrics shows as sluice_log_flush_duration_seconds), and a
// config change does not detach a partition from it.
TEST_F(log_manager_test, partitions_record_their_syncs_in_the_managers_histogram) {
  auto m = open();
  partition_log* a = m->create({"a", 0}).value();
  partition_log* b = m->create({"b", 0}).value();
  EXPECT_EQ(m->sync_latency().count, 0u);
  auto first = test::build_batch(1, 10, 1);
  test::append_and_wait(*a, *io_, first);  // durability fsync: acknowledged once synced
  const uint64_t after_a = m->sync_latency().count;
  EXPECT_GE(after_a, 1u);
  b->update_config(log_config{});
  auto second = test::build_batch(1, 10, 1);
  test::append_and_wait(*b, *io_, second);
  EXPECT_GT(m->sync_latency().count, after_a);
  uint64_t in_buckets = 0;
  for (uint64_t n : m->sync_latency().counts) in_buckets += n;
  EXPECT_EQ(in_buckets, m->sync_latency().count);
  EXPECT_GT(m->sync_latency().sum_s, 0.0);
  ASSERT_FALSE(m->close());
}

TEST_F(log_manager_test, invalid_topic_names_are_refused) {
  auto m = open();
  EXPECT_EQ(m->create({"bad/name", 0}).error(), errc::invalid_argument);
  EXPECT_EQ(m->create({"..", 0}).error(), errc::invalid_argument);
  EXPECT_EQ(m->create({"ok", -1}).error(), errc::invalid_argument);
}

TEST_F(log_manager_test, remove_deletes_the_partition_directory) {
  auto m = open();
  ASSERT_TRUE(m->create({"gone", 0}));
  ASSERT_FALSE(m->remove({"gone", 0}));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "data/gone-0"));
  EXPECT_EQ(m->get({"gone", 0}), nullptr);
  EXPECT_EQ(m->remove({"gone", 0}), errc::not_found);
}

TEST_F(log_manager_test, partitions_spread_over_log_dirs) {
  auto m = open({dir_ / "a", dir_ / "b"});
  for (int p = 0; p < 4; ++p) ASSERT_TRUE(m->create({"spread", p}));
  int in_a = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir_ / "a")) in_a += e.is_directory();
  EXPECT_EQ(in_a, 2);
}

TEST_F(log_manager_test, damaged_checkpoint_means_full_recovery_with_a_warning) {
  std::vector<std::byte> b = test::build_batch(3, 10, 1);
  {
    auto m = open();
    auto p = m->create({"cp", 0});
    test::append_and_wait(**p, *io_, b);
    ASSERT_FALSE(m->close());
  }
  {
    std::ofstream f(dir_ / "data/recovery-point-offset-checkpoint", std::ios::trunc);
    f << "garbage";
  }
  auto m = open();
  ASSERT_NE(m->get({"cp", 0}), nullptr);
  EXPECT_EQ(m->get({"cp", 0})->log_end_offset(), offset{3});
  ASSERT_FALSE(warnings_.empty());
  EXPECT_NE(warnings_[0].find("recovery-point-offset-checkpoint"), std::string::npos);
}

TEST_F(log_manager_test, unclean_stop_keeps_acknowledged_data_and_accepts_new_appends) {
  std::vector<std::byte> b = test::build_batch(3, 10, 1), c = test::build_batch(2, 10, 1);
  {
    auto m = open();
    auto p = m->create({"crash", 0});
    test::append_and_wait(**p, *io_, b);
    // No close(): the process "dies" (destructors release resources only).
  }
  auto m = open();
  auto* p = m->get({"crash", 0});
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->log_end_offset(), offset{3});
  EXPECT_EQ(test::append_and_wait(*p, *io_, c), offset{3});
}

}  // namespace
}  // namespace sluice::log
