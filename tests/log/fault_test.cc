// Injected write and fdatasync failures (RELIABILITY B9, and principle 5: an
// fsync error takes the log directory offline; it is never retried and then
// acknowledged). Short writes, EINTR/EAGAIN and slow syncs (B10, B11) are in
// fault_retry_test.cc.

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <tuple>

#include "log/file_names.h"
#include "log/log_manager.h"
#include "tests/support/batch_builder.h"
#include "tests/support/history_checker.h"
#include "tests/support/log_helpers.h"
#include "tests/support/sim_disk/sim_disk.h"
#include "tests/support/temp_dir.h"

namespace sluice::log {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// The fds this process holds open on files below `dir`: a partition's segment
// files, to tell its fdatasyncs apart in sim_disk::sync_events().
std::set<int> fds_under(const std::string& dir) {
  std::set<int> out;
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    auto target = std::filesystem::read_symlink(e.path(), ec).string();
    if (!ec && target.starts_with(dir + "/")) out.insert(std::stoi(e.path().filename().string()));
  }
  return out;
}

// Two log dirs on one sim_disk: "a" holds partitions a-0 and a-1 (the one the
// faults hit and its neighbour), "b" holds b-0, which must not notice.
class fault_test : public ::testing::Test {
 protected:
  fault_test() {
    std::filesystem::create_directory(root_ / "a");
    std::filesystem::create_directory(root_ / "b");
    disk_ = std::make_unique<test::sim_disk>(root_.path(), 42);
  }

  void open() {
    log_manager_config mc;
    mc.log_dirs = {root_ / "a", root_ / "b"};
    mc.config_for = [this](std::string_view) { return cfg_; };
    mc.warn = [this](std::string_view w) { warnings_.emplace_back(w); };
    auto m = log_manager::open(*disk_, mc);
    ASSERT_TRUE(m) << "recovery failed: " << m.error().message();
    manager_ = std::move(*m);
  }

  // Creates a-0, b-0, a-1 (log_manager puts each in the dir with the fewest).
  void create_partitions() {
    for (const auto& tp : tps_) {
      ASSERT_TRUE(manager_->create(tp));
    }
    ASSERT_TRUE(part(0)->dir().starts_with(root_ / "a/"));
    ASSERT_TRUE(part(1)->dir().starts_with(root_ / "b/"));
    ASSERT_TRUE(part(2)->dir().starts_with(root_ / "a/"));
  }

  partition_log* part(size_t i) { return manager_->get(tps_[i]); }

  std::vector<std::byte> batch(int records = 3) {
    return test::build_batch(records, 80, 1, "n" + std::to_string(++batches_) + "-");
  }

  // Appends and waits for the answer; returns the callback's error.
  std::error_code append_and_answer(size_t i, ack_level level) {
    auto info = hist_[i].append(*part(i), batch(), level);
    if (!info) return info.error();
    test::drain(*disk_);
    return hist_[i].entries().back().result;
  }

  // Every partition: the history holds after a restart (and, if asked, after a
  // power loss first), and a new append continues the offsets.
  void restart_and_check(bool crash, bool page_cache_survives) {
    test::drain(*disk_);
    manager_.reset();
    if (crash) {
      ASSERT_FALSE(disk_->crash());
    }
    open();
    for (size_t i = 0; i < tps_.size(); ++i) {
      SCOPED_TRACE(tps_[i].topic + "-" + std::to_string(tps_[i].partition));
      partition_log* p = part(i);
      ASSERT_NE(p, nullptr);
      EXPECT_FALSE(p->offline());
      auto r = hist_[i].check(test::read_all(*p), p->log_start_offset(), p->log_end_offset());
      EXPECT_TRUE(r.durable_ok()) << r.summary();
      // Without a power loss the page cache keeps what was written: acks=1 too.
      if (page_cache_survives) {
        EXPECT_EQ(r.lost_written, 0u) << r.summary();
      }
      const offset leo = p->log_end_offset();
      auto info = hist_[i].append(*p, batch(), ack_level::flushed);
      ASSERT_TRUE(info);
      EXPECT_EQ(info->base_offset, leo);
      test::drain(*disk_);
      EXPECT_TRUE(hist_[i].entries().back().acked());
    }
  }

  test::temp_dir root_{test::fast_temp_parent()};
  std::unique_ptr<test::sim_disk> disk_;
  log_config cfg_;
  // Declared before the manager so that they outlive it: its destructor waits
  // for I/O, and completions run the histories' callbacks.
  std::vector<topic_partition> tps_{{"a", 0}, {"b", 0}, {"a", 1}};
  test::partition_history hist_[3];
  std::unique_ptr<log_manager> manager_;
  std::vector<std::string> warnings_;
  int batches_ = 0;
};

// ---- a failed write (EIO, EROFS) ----

class failed_write : public fault_test,
                     public ::testing::WithParamInterface<std::tuple<int, bool>> {};

TEST_P(failed_write, takes_the_log_dir_offline_and_no_covered_append_is_acked) {
  const auto [err, crash] = GetParam();
  open();
  create_partitions();
  for (int i = 0; i < 4; ++i) {
    ASSERT_FALSE(append_and_answer(0, ack_level::flushed));
  }
  ASSERT_FALSE(append_and_answer(2, ack_level::flushed));
  const offset hw_before = part(0)->high_watermark();

  // Six appends in flight on a-0; the third write from now fails.
  disk_->fail_nth_write(3, err);
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(
        hist_[0].append(*part(0), batch(), i % 2 == 0 ? ack_level::flushed : ack_level::written));
  }
  test::drain(*disk_);
  EXPECT_EQ(disk_->stats().failed_writes, 1u);
  const auto& e = hist_[0].entries();
  for (size_t i = e.size() - 6; i < e.size(); ++i) {
    SCOPED_TRACE("append " + std::to_string(i));
    EXPECT_EQ(e[i].callbacks, 1);
    // The failed write and everything after it: never acknowledged at any level.
    if (i >= e.size() - 4) {
      EXPECT_TRUE(e[i].result) << "covered append was acknowledged";
    }
    // No acks=all ack in the burst: its fdatasync would have covered the hole.
    if (e[i].level == ack_level::flushed) {
      EXPECT_TRUE(e[i].result);
    }
  }
  EXPECT_EQ(part(0)->high_watermark(), hw_before);

  // The dir is offline: both of its partitions refuse appends; b is untouched.
  EXPECT_TRUE(part(0)->offline());
  EXPECT_TRUE(part(2)->offline());
  EXPECT_TRUE(manager_->dir_offline(root_ / "a"));
  EXPECT_FALSE(manager_->dir_offline(root_ / "b"));
  auto b = batch();
  EXPECT_EQ(part(0)->append(b, ack_level::flushed, nullptr).error(), errc::storage_offline);
  EXPECT_EQ(part(2)->append(b, ack_level::written, nullptr).error(), errc::storage_offline);
  EXPECT_FALSE(part(1)->offline());
  EXPECT_FALSE(append_and_answer(1, ack_level::flushed));
  auto created = manager_->create({"c", 0});
  ASSERT_TRUE(created);
  EXPECT_TRUE((*created)->dir().starts_with(root_ / "b/"))
      << "a new partition went to the offline dir";
  ASSERT_FALSE(manager_->remove({"c", 0}));

  // Reads keep working on the offline partition, up to the old high watermark.
  {
    auto r = part(0)->read(part(0)->log_start_offset(), 1 << 20);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->high_watermark, hw_before);
  }  // a file slice keeps its segment open; a power cut needs them all closed

  restart_and_check(crash, /*page_cache_survives=*/!crash);
}

// ENOSPC on a write is not an I/O error: the partition stays online and cuts
// the failed tail (no_space_test.cc).
INSTANTIATE_TEST_SUITE_P(fault, failed_write,
                         ::testing::Combine(::testing::Values(EIO, EROFS), ::testing::Bool()),
                         [](const auto& info) {
                           return std::string(std::get<0>(info.param) == EIO ? "eio" : "erofs") +
                                  (std::get<1>(info.param) ? "_then_power_loss" : "_then_restart");
                         });

// ---- a failed fdatasync (EIO, ENOSPC) ----

class failed_sync : public fault_test,
                    public ::testing::WithParamInterface<std::tuple<int, bool>> {};

TEST_P(failed_sync, takes_the_log_dir_offline_and_is_never_retried_or_acked) {
  const auto [err, crash] = GetParam();
  open();
  create_partitions();
  for (int i = 0; i < 3; ++i) {
    ASSERT_FALSE(append_and_answer(0, ack_level::flushed));
  }
  ASSERT_FALSE(append_and_answer(2, ack_level::written));
  test::drain(*disk_);
  const offset hw_before = part(0)->high_watermark();
  const std::set<int> dir_a_fds = fds_under(root_ / "a");
  ASSERT_FALSE(dir_a_fds.empty());

  disk_->fail_nth_sync(1, err);
  const uint64_t syncs_before = disk_->stats().syncs;
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(hist_[0].append(*part(0), batch(), ack_level::flushed));
  }
  ASSERT_TRUE(hist_[0].append(*part(0), batch(), ack_level::written));
  test::drain(*disk_);

  // Exactly one fdatasync ran for the burst (group commit), it failed, and
  // every acks=all append it covered got an error.
  EXPECT_EQ(disk_->stats().failed_syncs, 1u);
  EXPECT_EQ(disk_->stats().syncs, syncs_before + 1);
  const auto& e = hist_[0].entries();
  for (size_t i = e.size() - 6; i < e.size(); ++i) {
    EXPECT_EQ(e[i].callbacks, 1);
    if (e[i].level == ack_level::flushed) {
      EXPECT_TRUE(e[i].result) << "append " << i << " acked";
    }
  }
  EXPECT_TRUE(manager_->dir_offline(root_ / "a"));
  EXPECT_FALSE(manager_->dir_offline(root_ / "b"));
  EXPECT_TRUE(part(2)->offline());
  EXPECT_EQ(part(0)->high_watermark(), hw_before) << "the high watermark passed a failed sync";

  // Asking again changes nothing: flush() answers at once with an error, no
  // append is taken, and no fdatasync of dir a's files ever runs again, while
  // dir b keeps syncing.
  const uint64_t syncs_after_failure = disk_->stats().syncs;
  std::error_code flushed;
  part(0)->flush([&](std::error_code ec) { flushed = ec; });
  EXPECT_EQ(flushed, errc::storage_offline);
  auto b = batch();
  EXPECT_EQ(part(0)->append(b, ack_level::flushed, nullptr).error(), errc::storage_offline);
  test::drain(*disk_);
  EXPECT_EQ(disk_->stats().syncs, syncs_after_failure);
  EXPECT_FALSE(append_and_answer(1, ack_level::flushed));
  EXPECT_GT(disk_->stats().syncs, syncs_after_failure);
  bool failed_seen = false;
  for (const auto& ev : disk_->sync_events()) {
    if (failed_seen) {
      EXPECT_FALSE(dir_a_fds.contains(ev.fd)) << "dir a synced again after a failure";
    }
    failed_seen = failed_seen || ev.res < 0;
  }
  EXPECT_TRUE(failed_seen);

  restart_and_check(crash, /*page_cache_survives=*/!crash);
}

INSTANTIATE_TEST_SUITE_P(fault, failed_sync,
                         ::testing::Combine(::testing::Values(EIO, ENOSPC), ::testing::Bool()),
                         [](const auto& info) {
                           return std::string(std::get<0>(info.param) == EIO ? "eio" : "enospc") +
                                  (std::get<1>(info.param) ? "_then_power_loss" : "_then_restart");
                         });

// Right after a roll one group commit syncs two files (the old segment's tail
// and the new segment). Either of them failing fails the whole group.
class failed_group_sync : public fault_test, public ::testing::WithParamInterface<uint64_t> {};

TEST_P(failed_group_sync, fails_every_append_of_the_group_after_a_roll) {
  cfg_.segment_bytes = 1;  // every append rolls
  open();
  ASSERT_TRUE(manager_->create(tps_[0]));
  ASSERT_FALSE(append_and_answer(0, ack_level::flushed));
  // Two appends, two new segments; both writes complete before the sync starts.
  disk_->fail_nth_sync(GetParam(), EIO);
  const uint64_t syncs_before = disk_->stats().syncs;
  ASSERT_TRUE(hist_[0].append(*part(0), batch(), ack_level::flushed));
  ASSERT_TRUE(hist_[0].append(*part(0), batch(), ack_level::flushed));
  test::drain(*disk_);
  EXPECT_EQ(disk_->stats().syncs, syncs_before + 2) << "one group of two files, not retried";
  for (size_t i = 1; i < 3; ++i) {
    EXPECT_TRUE(hist_[0].entries()[i].result) << i;
  }
  EXPECT_TRUE(part(0)->offline());
  EXPECT_EQ(part(0)->high_watermark(), hist_[0].entries()[0].last + 1);
}

INSTANTIATE_TEST_SUITE_P(fault, failed_group_sync, ::testing::Values(1u, 2u), [](const auto& info) {
  return info.param == 1 ? "first_file_fails" : "second_file_fails";
});

// Principle 5 end to end: after a failed fdatasync under steady load from two
// partitions of the dir, with slow syncs in flight, nothing of the dir is ever
// acknowledged or synced again — not by more appends, flush(), polling, or a
// clean close, which must not write the dir's checkpoints or its
// clean-shutdown marker (the next start must recover the dir).
TEST_F(fault_test, fsync_error_is_never_retried_and_then_acknowledged) {
  open();
  create_partitions();
  disk_->set_sync_delay(std::chrono::milliseconds(1), std::chrono::milliseconds(3));
  for (size_t i : {0, 2}) {
    ASSERT_FALSE(append_and_answer(i, ack_level::flushed));
  }
  ASSERT_FALSE(manager_->write_checkpoints());
  const std::string checkpoint_before =
      read_file(root_ / ("a/" + std::string(file_names::recovery_point_checkpoint)));
  const std::set<int> dir_a_fds = fds_under(root_ / "a");

  // The first sync from now is a-0's (its append is the only write before the
  // first poll); it fails 1-3 ms later, while all three partitions keep going.
  disk_->fail_nth_sync(1, EIO);
  ASSERT_TRUE(hist_[0].append(*part(0), batch(1), ack_level::flushed));
  for (int round = 0; round < 60; ++round) {
    for (size_t i : {0, 1, 2}) {
      (void)hist_[i].append(*part(i), batch(1),
                            round % 3 != 0 ? ack_level::flushed : ack_level::written);
    }
    disk_->poll();
    if (round % 4 == 0) disk_->wait();
    part(0)->flush(nullptr);
  }
  test::drain(*disk_);
  ASSERT_EQ(disk_->stats().failed_syncs, 1u);
  EXPECT_TRUE(manager_->dir_offline(root_ / "a"));
  EXPECT_FALSE(manager_->dir_offline(root_ / "b"));

  // After the failed sync was delivered, no fdatasync of dir a's files is
  // submitted (one of a-1's may have been in flight already), and no success
  // callback for dir a runs once the first error was answered.
  test::sim_disk::clock::time_point failure{};
  bool failed_seen = false;
  for (const auto& ev : disk_->sync_events()) {
    if (failed_seen && ev.submitted > failure) {
      EXPECT_FALSE(dir_a_fds.contains(ev.fd)) << "dir a synced again";
    }
    if (ev.res < 0 && !failed_seen) failure = ev.delivered;
    failed_seen = failed_seen || ev.res < 0;
  }
  ASSERT_TRUE(failed_seen);
  auto first_error = test::sim_disk::clock::time_point::max();
  for (size_t i : {0, 2}) {
    for (const auto& e : hist_[i].entries()) {
      if (e.callbacks > 0 && e.result) first_error = std::min(first_error, e.answered_at);
    }
  }
  for (size_t i : {0, 2}) {
    for (const auto& e : hist_[i].entries()) {
      if (e.acked()) {
        EXPECT_LE(e.answered_at, first_error) << "ack after the dir failed";
      }
      EXPECT_FALSE(e.after_offline);
    }
  }
  // b went on: its appends were acknowledged throughout.
  size_t b_acked = 0;
  for (const auto& e : hist_[1].entries()) b_acked += e.acked();
  EXPECT_EQ(b_acked, hist_[1].entries().size());

  // A clean close leaves dir a as the failure left it.
  (void)manager_->close();
  for (const auto& ev : disk_->sync_events()) {
    if (ev.submitted > failure) {
      EXPECT_FALSE(dir_a_fds.contains(ev.fd)) << "close synced dir a";
    }
  }
  EXPECT_FALSE(
      std::filesystem::exists(root_ / ("a/" + std::string(file_names::clean_shutdown_marker))));
  EXPECT_TRUE(
      std::filesystem::exists(root_ / ("b/" + std::string(file_names::clean_shutdown_marker))));
  EXPECT_EQ(read_file(root_ / ("a/" + std::string(file_names::recovery_point_checkpoint))),
            checkpoint_before);

  restart_and_check(/*crash=*/true, /*page_cache_survives=*/false);
}

}  // namespace
}  // namespace sluice::log
