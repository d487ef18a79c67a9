// A full disk (ENOSPC) on the write path: the append and those after it are
// answered no_space, the partition stays online (reads keep working), the
// torn tail is cut back to the last good batch before the next append, and
// once space is back appends continue at the same offsets without a restart.
// fsync failures are different: they still take the dir offline (fault_test).
// Also the sizing of index files: an idle partition costs a few pages of disk,
// an index grows as entries are added, and a segment rolls when it is full.

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <filesystem>

#include "log/file_names.h"
#include "log/log_manager.h"
#include "tests/log/producer_batches.h"
#include "tests/support/batch_builder.h"
#include "tests/support/history_checker.h"
#include "tests/support/log_helpers.h"
#include "tests/support/sim_disk/sim_disk.h"
#include "tests/support/temp_dir.h"

namespace sluice::log {
namespace {

class no_space_test : public ::testing::Test {
 protected:
  no_space_test() {
    std::filesystem::create_directory(root_ / "a");
    disk_ = std::make_unique<test::sim_disk>(root_.path(), 7);
  }

  void open() {
    log_manager_config mc;
    mc.log_dirs = {root_ / "a"};
    mc.config_for = [this](std::string_view) { return cfg_; };
    auto m = log_manager::open(*disk_, mc);
    ASSERT_TRUE(m) << "recovery failed: " << m.error().message();
    manager_ = std::move(*m);
  }
  partition_log* part() { return manager_->get(tp_); }

  std::vector<std::byte> batch(int records = 3) {
    return test::build_batch(records, 200, 1, "n" + std::to_string(++batches_) + "-");
  }

  // The bytes of every segment file on disk.
  uint64_t log_bytes_on_disk() const {
    uint64_t total = 0;
    for (const auto& e : std::filesystem::directory_iterator(part_dir())) {
      if (e.path().extension() == ".log") total += e.file_size();
    }
    return total;
  }
  std::string part_dir() const { return root_ / "a/t-0"; }

  void restart(bool crash) {
    test::drain(*disk_);
    manager_.reset();
    if (crash) {
      ASSERT_FALSE(disk_->crash());
    }
    open();
  }

  test::temp_dir root_{test::fast_temp_parent()};
  std::unique_ptr<test::sim_disk> disk_;
  log_config cfg_;
  topic_partition tp_{"t", 0};
  test::partition_history hist_;
  std::unique_ptr<log_manager> manager_;
  int batches_ = 0;
};

class full_disk : public no_space_test, public ::testing::WithParamInterface<bool> {};

TEST_P(full_disk, fails_appends_keeps_reads_and_accepts_writes_once_space_is_back) {
  const bool crash = GetParam();
  open();
  ASSERT_TRUE(manager_->create(tp_));
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(hist_.append(*part(), batch(), ack_level::flushed));
  test::drain(*disk_);
  const offset leo = part()->log_end_offset();
  const uint64_t size_before = log_bytes_on_disk();
  ASSERT_EQ(size_before, part()->size_bytes());

  // Room for part of one batch: it is torn, the two after it fail whole.
  disk_->set_space_left(100);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(hist_.append(*part(), batch(), i == 1 ? ack_level::written : ack_level::flushed));
  }
  test::drain(*disk_);
  const auto& e = hist_.entries();
  for (size_t i = e.size() - 3; i < e.size(); ++i) {
    EXPECT_EQ(e[i].callbacks, 1);
    EXPECT_EQ(e[i].result, errc::no_space) << "append " << i;
  }
  EXPECT_FALSE(part()->offline());
  EXPECT_FALSE(manager_->dir_offline(root_ / "a"));
  EXPECT_EQ(part()->log_end_offset(), leo);
  EXPECT_EQ(part()->high_watermark(), leo);
  // The torn batch was cut: nothing half-written is left for the next append.
  EXPECT_EQ(log_bytes_on_disk(), size_before);

  // Reads of what is there keep working.
  auto rr = hist_.check(test::read_all(*part()), part()->log_start_offset(), leo);
  EXPECT_TRUE(rr.durable_ok()) << rr.summary();
  EXPECT_EQ(rr.lost_written, 0u) << rr.summary();

  // Still full: refused again, still online.
  disk_->set_space_left(0);
  auto more = batch();
  auto info = part()->append(more, ack_level::flushed, nullptr);
  if (info) test::drain(*disk_);
  EXPECT_FALSE(part()->offline());
  EXPECT_EQ(part()->log_end_offset(), leo);

  // Space is back: the same offsets are taken again, without a restart.
  disk_->set_space_left(std::nullopt);
  auto again = hist_.append(*part(), batch(), ack_level::flushed);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->base_offset, leo);
  test::drain(*disk_);
  EXPECT_FALSE(hist_.entries().back().result);
  EXPECT_TRUE(hist_.entries().back().acked());

  restart(crash);
  ASSERT_NE(part(), nullptr);
  EXPECT_FALSE(part()->offline());
  auto r =
      hist_.check(test::read_all(*part()), part()->log_start_offset(), part()->log_end_offset());
  EXPECT_TRUE(r.durable_ok()) << r.summary();
  EXPECT_EQ(r.lost_written, 0u) << r.summary();
  EXPECT_EQ(part()->log_end_offset(), again->last_offset + 1);
}

INSTANTIATE_TEST_SUITE_P(no_space, full_disk, ::testing::Bool(), [](const auto& info) {
  return std::string(info.param ? "then_power_loss" : "then_restart");
});

TEST_F(no_space_test, an_idempotent_retry_after_a_full_disk_is_written_not_taken_for_a_duplicate) {
  open();
  ASSERT_TRUE(manager_->create(tp_));
  auto b0 = producer_test::data_batch(1000, 0, 0);
  ASSERT_FALSE(producer_test::append(*part(), *disk_, b0).done_error);
  disk_->set_space_left(10);
  auto b1 = producer_test::data_batch(1000, 0, 1);
  auto failed = producer_test::append(*part(), *disk_, b1);
  ASSERT_FALSE(failed.error);
  EXPECT_EQ(failed.done_error, errc::no_space);

  disk_->set_space_left(std::nullopt);
  auto retry = producer_test::data_batch(1000, 0, 1);  // the client sends the same sequence
  auto ok = producer_test::append(*part(), *disk_, retry);
  ASSERT_FALSE(ok.error) << ok.error.message();
  EXPECT_FALSE(ok.done_error);
  EXPECT_FALSE(ok.info.duplicate) << "a batch that was never written answered as a duplicate";
  EXPECT_EQ(ok.info.base_offset, offset{1});
  EXPECT_EQ(part()->log_end_offset(), offset{2});
  auto next = producer_test::data_batch(1000, 0, 2);
  EXPECT_FALSE(producer_test::append(*part(), *disk_, next).error);
}

TEST_F(no_space_test, a_roll_that_finds_the_disk_full_refuses_the_append_and_retries_later) {
  cfg_.segment_bytes = 2048;
  open();
  ASSERT_TRUE(manager_->create(tp_));
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(hist_.append(*part(), batch(), ack_level::flushed));
  test::drain(*disk_);
  const size_t segments = part()->segment_count();
  const offset leo = part()->log_end_offset();
  disk_->set_space_left(0);  // not even the new segment's first index page
  bool refused = false;
  for (int i = 0; i < 20 && !refused; ++i) {
    auto b = batch();
    auto info = part()->append(b, ack_level::flushed, nullptr);
    if (!info) {
      EXPECT_EQ(info.error(), errc::no_space);
      refused = true;
    } else {
      test::drain(*disk_);
    }
  }
  EXPECT_TRUE(refused);
  EXPECT_FALSE(part()->offline());
  EXPECT_EQ(part()->log_end_offset(), leo);
  EXPECT_EQ(part()->segment_count(), segments);

  disk_->set_space_left(std::nullopt);
  auto ok = hist_.append(*part(), batch(), ack_level::flushed);
  ASSERT_TRUE(ok) << ok.error().message();
  EXPECT_EQ(ok->base_offset, leo);
  test::drain(*disk_);
  EXPECT_TRUE(hist_.entries().back().acked());
  restart(/*crash=*/true);
  auto r =
      hist_.check(test::read_all(*part()), part()->log_start_offset(), part()->log_end_offset());
  EXPECT_TRUE(r.durable_ok()) << r.summary();
}

TEST_F(no_space_test, a_full_disk_before_a_roll_cuts_back_into_the_previous_segment) {
  cfg_.segment_bytes = 1500;  // two of these batches fill a segment
  open();
  ASSERT_TRUE(manager_->create(tp_));
  ASSERT_TRUE(hist_.append(*part(), batch(), ack_level::flushed));
  test::drain(*disk_);
  const offset leo = part()->log_end_offset();
  const uint64_t size_before = log_bytes_on_disk();
  // A is torn in the first segment; B rolls and lands whole in a new one, C
  // after it: both follow the hole and must go with it.
  disk_->set_space_left(50);
  ASSERT_TRUE(hist_.append(*part(), batch(), ack_level::written));
  // Room for the roll and B; then none: A's remainder, sent again once its
  // short write completes (in drain), and C find the disk full.
  disk_->set_space_left(1 << 20);
  ASSERT_TRUE(hist_.append(*part(), batch(), ack_level::written));
  ASSERT_EQ(part()->segment_count(), 2u);
  disk_->set_space_left(0);
  ASSERT_TRUE(hist_.append(*part(), batch(), ack_level::flushed));
  test::drain(*disk_);
  for (size_t i = 1; i < 4; ++i) EXPECT_EQ(hist_.entries()[i].result, errc::no_space);
  EXPECT_EQ(part()->log_end_offset(), leo);
  EXPECT_EQ(part()->segment_count(), 1u);
  EXPECT_EQ(log_bytes_on_disk(), size_before);
  EXPECT_FALSE(part()->offline());
  disk_->set_space_left(std::nullopt);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(hist_.append(*part(), batch(), ack_level::flushed));
  test::drain(*disk_);
  EXPECT_TRUE(hist_.entries().back().acked());
  EXPECT_EQ(part()->log_end_offset(), leo + 12);
  restart(/*crash=*/false);
  auto r =
      hist_.check(test::read_all(*part()), part()->log_start_offset(), part()->log_end_offset());
  EXPECT_TRUE(r.durable_ok()) << r.summary();
  EXPECT_EQ(r.lost_written, 0u) << r.summary();
  EXPECT_EQ(part()->log_end_offset(), leo + 12);
}

// ---- index sizing (real files: st_blocks is what du reports) ----

uint64_t disk_usage(const std::filesystem::path& dir) {
  uint64_t total = 0;
  struct stat st {};
  if (::stat(dir.c_str(), &st) == 0) total += static_cast<uint64_t>(st.st_blocks) * 512;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (::stat(e.path().c_str(), &st) == 0) total += static_cast<uint64_t>(st.st_blocks) * 512;
  }
  return total;
}

TEST(index_sizing, an_idle_partition_costs_at_most_64_kib_of_disk) {
  test::temp_dir root;  // the real temp dir: its file system decides st_blocks
  auto io = io::make_posix_backend();
  log_manager_config mc;
  mc.log_dirs = {root / "d"};
  auto m = log_manager::open(*io, mc);
  ASSERT_TRUE(m);
  auto p = (*m)->create({"idle", 0});
  ASSERT_TRUE(p);
  auto b = test::build_batch(1, 100, 1);
  ASSERT_TRUE((*p)->append(b, ack_level::flushed, nullptr));
  test::drain(*io);
  const std::string dir = (*p)->dir();
  EXPECT_LE(disk_usage(dir), 64u * 1024) << "a one-record partition";
  ASSERT_FALSE((*m)->close());
  EXPECT_LE(disk_usage(dir), 64u * 1024) << "after a clean close";
}

TEST(index_sizing, an_index_grows_as_entries_come_and_the_segment_rolls_when_it_is_full) {
  test::temp_dir root;
  auto io = io::make_posix_backend();
  log_config cfg;
  cfg.index_interval_bytes = 0;        // an entry for every batch
  cfg.max_index_bytes = 8 * 1024 + 5;  // 1024 offset entries, 682 time entries
  log_manager_config mc;
  mc.log_dirs = {root / "d"};
  mc.config_for = [&](std::string_view) { return cfg; };
  auto m = log_manager::open(*io, mc);
  ASSERT_TRUE(m);
  auto p = (*m)->create({"grow", 0});
  ASSERT_TRUE(p);
  const std::string index = (*p)->dir() + "/" + file_names::index_file(offset{0});
  EXPECT_EQ(std::filesystem::file_size(index), 4096u);
  test::partition_history hist;
  auto batch = [n = 0]() mutable { return test::build_batch(1, 10, ++n, "g"); };
  for (int i = 0; i < 600; ++i) ASSERT_TRUE(hist.append(**p, batch(), ack_level::written));
  test::drain(*io);
  EXPECT_EQ((*p)->segment_count(), 1u);
  EXPECT_EQ(std::filesystem::file_size(index), 8192u);  // grown one step, at most the limit
  for (int i = 0; i < 600; ++i) ASSERT_TRUE(hist.append(**p, batch(), ack_level::written));
  test::drain(*io);
  // The time index (682 entries, one kept for the roll) filled first.
  EXPECT_EQ((*p)->segment_count(), 2u);
  ASSERT_FALSE((*m)->close());
  m->reset();
  m = log_manager::open(*io, mc);
  ASSERT_TRUE(m);
  partition_log* again = (*m)->get({"grow", 0});
  ASSERT_NE(again, nullptr);
  auto r = hist.check(test::read_all(*again), again->log_start_offset(), again->log_end_offset());
  EXPECT_TRUE(r.durable_ok()) << r.summary();
  EXPECT_EQ(r.lost_written, 0u) << r.summary();
  EXPECT_EQ(again->log_end_offset(), offset{1200});
}

}  // namespace
}  // namespace sluice::log
