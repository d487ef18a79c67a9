// sim_disk: injected faults (RELIABILITY B9, B10, B11) and simulated power loss
// of file data (C1, with the C4 negative control) and of directory entries (B14).

#include "tests/support/sim_disk/sim_disk.h"

#include <poll.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

#include <gtest/gtest.h>

#include "tests/log/io/io_test_helpers.h"
#include "tests/support/temp_dir.h"

namespace sluice::log::io {
namespace {

using test::sim_disk;
using testing::iov_of;
using testing::read_file;
using testing::readable;
using testing::recorded_op;

using namespace std::chrono_literals;
using clock_type = sim_disk::clock;

bool exists(const std::string& path) { return std::filesystem::exists(path); }

std::span<const std::byte> bytes(const std::string& s) { return std::as_bytes(std::span(s)); }

// A file created through the disk with `content`, fdatasynced and synced into
// its directory: durable in every sense.
void durable_file(sim_disk& d, const std::string& path, const std::string& content) {
  auto fd = d.open(path, open_mode::create_exclusive);
  ASSERT_TRUE(fd);
  ASSERT_FALSE(d.write_at(fd->get(), 0, bytes(content)));
  ASSERT_FALSE(d.sync(fd->get()));
  ASSERT_FALSE(d.sync_dir(std::filesystem::path(path).parent_path()));
}

// One async write, waited for; returns its result.
int32_t write_async(sim_disk& d, int fd, uint64_t pos, const std::string& s) {
  const iovec iov = iov_of(s);
  recorded_op op;
  d.submit_write(fd, pos, {&iov, 1}, &op);
  d.flush();
  while (op.calls == 0) d.wait();
  return op.res;
}

// ---- fault injection ----

TEST(sim_disk, fail_nth_write_returns_the_errno_and_writes_nothing) {
  test::temp_dir dir;
  sim_disk d(dir.path(), 1);
  auto fd = d.open(dir / "f", open_mode::create_exclusive);
  d.fail_nth_write(3, EIO);
  EXPECT_EQ(write_async(d, fd->get(), 0, "aa"), 2);
  EXPECT_EQ(write_async(d, fd->get(), 2, "bb"), 2);
  EXPECT_EQ(write_async(d, fd->get(), 4, "cc"), -EIO);
  EXPECT_EQ(write_async(d, fd->get(), 6, "dd"), 2);
  EXPECT_EQ(read_file(dir / "f"), std::string("aabb\0\0dd", 8));
  d.fail_nth_write(1, ENOSPC);  // the synchronous write counts too
  EXPECT_EQ(d.write_at(fd->get(), 0, bytes("zz")), make_error_code(errc::no_space));
  EXPECT_EQ(read_file(dir / "f"), std::string("aabb\0\0dd", 8));
  EXPECT_EQ(d.writes(), 5u);
  EXPECT_EQ(d.injected_faults(), 2u);
}

TEST(sim_disk, fail_nth_sync_returns_the_errno_and_makes_nothing_durable) {
  test::temp_dir dir;
  sim_disk d(dir.path(), 2);
  d.set_crash_keep_probability(0);  // every unsynced page is lost
  {
    auto fd = d.open(dir / "f", open_mode::create_exclusive);
    ASSERT_FALSE(d.sync_dir(dir.path()));
    ASSERT_EQ(write_async(d, fd->get(), 0, "unsynced"), 8);
    d.fail_nth_sync(2, EIO);
    recorded_op first, second;
    d.submit_datasync(fd->get(), &first);
    d.submit_datasync(fd->get(), &second);
    while (d.in_flight() > 0) d.wait();
    EXPECT_EQ(first.res, 0);
    EXPECT_EQ(second.res, -EIO);
    ASSERT_EQ(write_async(d, fd->get(), 8, "-more"), 5);
    d.fail_nth_sync(1, EIO);
    EXPECT_EQ(d.sync(fd->get()), make_error_code(errc::io_error));
  }
  ASSERT_FALSE(d.crash());
  EXPECT_EQ(read_file(dir / "f"), "unsynced");  // the first sync counted, the failed one not
  EXPECT_EQ(d.syncs(), 3u);
  EXPECT_EQ(d.stats().failed_syncs, 2u);
}

TEST(sim_disk, syncs_of_a_bad_fd_fail_with_or_without_the_real_call) {
  test::temp_dir dir;
  sim_disk d(dir.path(), 17);
  for (const bool real : {false, true}) {
    d.set_real_syncs(real);
    recorded_op op;
    d.submit_datasync(-1, &op);
    d.wait();
    EXPECT_EQ(op.res, -EBADF);
    EXPECT_EQ(d.sync(-1), make_error_code(errc::io_error));
    EXPECT_EQ(d.sync_dir(dir / "missing"), make_error_code(errc::not_found));
    auto fd = d.open(dir / ("f" + std::to_string(real)), open_mode::create_exclusive);
    EXPECT_FALSE(d.sync(fd->get()));
    EXPECT_FALSE(d.sync_dir(dir.path()));
  }
}

// B10: 100,000 appends through short writes, EINTR and EAGAIN, each resubmitted
// until it is whole, give the same bytes as a run without faults.
TEST(
    sim_disk,
    short_writes_and_retry_errors_at_the_configured_rate_leave_a_resubmitting_writer_byte_identical) {
  test::temp_dir dir;
  sim_disk d(dir.path(), 3);
  d.set_short_write_probability(0.1);
  d.set_retry_error_probability(0.1);
  auto fd = d.open(dir / "log", open_mode::create_exclusive);
  std::mt19937 rng(3);
  std::string expected;
  expected.reserve(100'000 * 33);
  int eintr = 0, eagain = 0;
  for (int i = 0; i < 100'000; ++i) {
    const std::string chunk(2 + rng() % 63, static_cast<char>('A' + i % 26));
    for (size_t done = 0; done < chunk.size();) {
      const int32_t res = write_async(d, fd->get(), expected.size() + done, chunk.substr(done));
      if (res == -EINTR)
        ++eintr;
      else if (res == -EAGAIN)
        ++eagain;
      else
        ASSERT_GT(res, 0);
      if (res > 0) done += static_cast<size_t>(res);
    }
    expected += chunk;
  }
  EXPECT_EQ(read_file(dir / "log"), expected);
  const auto s = d.stats();
  EXPECT_GT(eintr, 0);
  EXPECT_GT(eagain, 0);
  EXPECT_EQ(s.retry_errors, static_cast<uint64_t>(eintr + eagain));
  const double retry_rate = static_cast<double>(s.retry_errors) / static_cast<double>(s.writes);
  const double short_rate =
      static_cast<double>(s.short_writes) / static_cast<double>(s.writes - s.retry_errors);
  EXPECT_NEAR(retry_rate, 0.1, 0.02);
  EXPECT_NEAR(short_rate, 0.1, 0.02);
}

// B11: a delayed fdatasync completion is never delivered before it is due, and
// what it covers is what was written before it was submitted.
TEST(sim_disk, slow_sync_completions_are_never_delivered_early) {
  test::temp_dir dir;
  sim_disk d(dir.path(), 4);
  d.set_sync_delay(20ms, 60ms);
  auto fd = d.open(dir / "f", open_mode::create_exclusive);
  std::vector<recorded_op> ops(10);
  const auto start = clock_type::now();
  for (auto& op : ops) d.submit_datasync(fd->get(), &op);
  d.flush();
  EXPECT_EQ(d.poll(), 0u);
  pollfd p{d.event_fd(), POLLIN, 0};
  EXPECT_EQ(::poll(&p, 1, 0), 0);  // the event fd stays quiet until one is due
  EXPECT_EQ(::poll(&p, 1, 5000), 1);
  while (d.in_flight() > 0) d.wait();
  const auto events = d.sync_events();
  ASSERT_EQ(events.size(), ops.size());
  for (const auto& e : events) {
    EXPECT_GE(e.delivered - e.submitted, 20ms);
    const auto* op = static_cast<const recorded_op*>(e.op);
    EXPECT_EQ(op->res, 0);
    EXPECT_GE(op->at, e.delivered);  // the io_op (and any ack it sends) runs after
  }
  for (const auto& op : ops) EXPECT_GE(op.at - start, 20ms);
}

TEST(
    sim_disk,
    a_sync_covers_the_writes_before_its_submission_even_when_their_page_changes_while_it_is_pending) {
  test::temp_dir dir;
  sim_disk d(dir.path(), 5);
  d.set_crash_keep_probability(0);
  d.set_sync_delay(30ms, 30ms);
  {
    auto fd = d.open(dir / "f", open_mode::create_exclusive);
    ASSERT_FALSE(d.sync_dir(dir.path()));
    ASSERT_EQ(write_async(d, fd->get(), 0, std::string(100, 'a')), 100);
    recorded_op sync;
    d.submit_datasync(fd->get(), &sync);
    // Same 4 KiB page, written while the sync is in flight.
    ASSERT_EQ(write_async(d, fd->get(), 100, std::string(100, 'b')), 100);
    ASSERT_EQ(write_async(d, fd->get(), 0, std::string(10, 'c')), 10);
    while (sync.calls == 0) d.wait();
  }
  ASSERT_FALSE(d.crash());
  EXPECT_EQ(read_file(dir / "f"), std::string(100, 'a'));
}

TEST(sim_disk, a_sync_whose_completion_was_not_delivered_protects_nothing) {
  test::temp_dir dir;
  sim_disk d(dir.path(), 6);
  d.set_crash_keep_probability(0);
  d.set_sync_delay(10s, 10s);
  recorded_op sync;
  {
    auto fd = d.open(dir / "f", open_mode::create_exclusive);
    ASSERT_FALSE(d.sync_dir(dir.path()));
    ASSERT_EQ(write_async(d, fd->get(), 0, "pending"), 7);
    d.submit_datasync(fd->get(), &sync);
  }
  ASSERT_FALSE(d.crash());
  EXPECT_EQ(sync.calls, 0);  // dropped with the process
  EXPECT_EQ(d.in_flight(), 0u);
  EXPECT_EQ(read_file(dir / "f"), "");
}

// ---- power loss: file data ----

// C1 property: whatever else happens, every byte covered by a delivered sync
// survives, and every other byte is either what was written or a hole.
TEST(sim_disk, crash_keeps_every_byte_synced_before_it_over_200_seeds) {
  int lossy_seeds = 0;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    test::temp_dir dir;
    sim_disk d(dir.path(), seed);
    d.set_sync_delay(0ms, 1ms);
    std::mt19937 rng(static_cast<uint32_t>(seed));
    std::string expected;
    size_t synced = 0;
    struct pending_sync final : io_op {
      void complete(int32_t res) override {
        if (res == 0) *synced = std::max(*synced, covers);
      }
      size_t* synced = nullptr;
      size_t covers = 0;
    };
    std::vector<std::unique_ptr<pending_sync>> syncs;
    {
      auto fd = d.open(dir / "seg.log", open_mode::create_exclusive);
      ASSERT_FALSE(d.sync_dir(dir.path()));
      for (int step = 0; step < 60; ++step) {
        const unsigned action = rng() % 20;
        if (action < 14) {
          const std::string chunk(1 + rng() % 6000, static_cast<char>('a' + rng() % 26));
          ASSERT_EQ(write_async(d, fd->get(), expected.size(), chunk),
                    static_cast<int32_t>(chunk.size()));
          expected += chunk;
        } else if (action < 18) {
          auto& s = syncs.emplace_back(std::make_unique<pending_sync>());
          s->synced = &synced;
          s->covers = expected.size();
          d.submit_datasync(fd->get(), s.get());
        } else if (action < 19) {
          ASSERT_FALSE(d.sync(fd->get()));
          synced = expected.size();
        } else {
          d.poll();
        }
      }
    }
    ASSERT_FALSE(d.crash());
    const std::string got = read_file(dir / "seg.log");
    ASSERT_GE(got.size(), synced);
    ASSERT_LE(got.size(), expected.size());
    ASSERT_EQ(got.substr(0, synced), expected.substr(0, synced));
    for (size_t i = synced; i < got.size(); ++i)
      ASSERT_TRUE(got[i] == expected[i] || got[i] == '\0') << "byte " << i;
    if (got != expected) ++lossy_seeds;
  }
  EXPECT_GT(lossy_seeds, 100);  // the unsynced tail is really at risk
}

// C4 negative control: with no fdatasync at all a crash must lose data, or the
// simulator is too kind to prove anything.
TEST(sim_disk, crash_without_any_sync_loses_data_in_most_seeds) {
  int lossy = 0, vanished = 0;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    test::temp_dir dir;
    sim_disk d(dir.path(), seed);
    std::string expected;
    {
      auto a = d.open(dir / "a.log", open_mode::create_exclusive);
      auto b = d.open(dir / "b.log", open_mode::create_exclusive);
      ASSERT_TRUE(a && b);
      for (int i = 0; i < 20; ++i) {
        const std::string chunk(1000, static_cast<char>('a' + i));
        ASSERT_EQ(write_async(d, a->get(), expected.size(), chunk), 1000);
        ASSERT_EQ(write_async(d, b->get(), expected.size(), chunk), 1000);
        expected += chunk;
      }
      // Half the seeds make the names durable (but no data); half sync nothing.
      if (seed % 2 == 0) {
        ASSERT_FALSE(d.sync_dir(dir.path()));
      }
    }
    ASSERT_FALSE(d.crash());
    if (!exists(dir / "a.log")) ++vanished;
    if (read_file(dir / "a.log") != expected) ++lossy;
    if (read_file(dir / "b.log") != expected) ++lossy;
  }
  EXPECT_GE(lossy, 360);     // of 400 files
  EXPECT_EQ(vanished, 100);  // never synced into its directory: gone every time
}

TEST(sim_disk, the_same_seed_gives_the_same_crash) {
  auto run = [](uint64_t seed) {
    test::temp_dir dir;
    sim_disk d(dir.path(), seed);
    {
      auto fd = d.open(dir / "f", open_mode::create_exclusive);
      EXPECT_FALSE(d.sync_dir(dir.path()));
      for (int i = 0; i < 30; ++i) write_async(d, fd->get(), i * 1500ull, std::string(1500, 'x'));
    }
    EXPECT_FALSE(d.crash());
    return read_file(dir / "f");
  };
  EXPECT_EQ(run(77), run(77));
}

TEST(sim_disk, writes_through_mmap_and_preallocation_are_kept) {
  test::temp_dir dir;
  sim_disk d(dir.path(), 8);
  d.set_crash_keep_probability(0);
  {
    auto fd = d.open(dir / "00.index", open_mode::create_exclusive);
    ASSERT_FALSE(d.sync_dir(dir.path()));
    ASSERT_FALSE(d.allocate(fd->get(), 65536));
    void* m = ::mmap(nullptr, 65536, PROT_READ | PROT_WRITE, MAP_SHARED, fd->get(), 0);
    ASSERT_NE(m, MAP_FAILED);
    std::memcpy(static_cast<char*>(m) + 8192, "entry", 5);
    ::munmap(m, 65536);
  }
  ASSERT_FALSE(d.crash());
  const std::string got = read_file(dir / "00.index");
  ASSERT_EQ(got.size(), 65536u);
  EXPECT_EQ(got.substr(8192, 5), "entry");
}

TEST(sim_disk, crash_refuses_while_a_file_under_the_root_is_open) {
  test::temp_dir dir;
  sim_disk d(dir.path(), 9);
  auto fd = d.open(dir / "f", open_mode::create_exclusive);
  EXPECT_EQ(d.crash(), make_error_code(errc::invalid_argument));
  fd->reset();
  EXPECT_FALSE(d.crash());
}

// ---- power loss: directory entries (B14) ----

TEST(sim_disk, an_unsynced_create_is_undone_by_crash_and_a_synced_one_survives) {
  test::temp_dir dir;
  sim_disk d(dir.path(), 10);
  { auto fd = d.open(dir / "lost", open_mode::create_exclusive); }
  durable_file(d, dir / "kept", "data");
  { auto fd = d.open(dir / "late", open_mode::create_exclusive); }  // after the sync_dir
  ASSERT_FALSE(d.crash());
  EXPECT_FALSE(exists(dir / "late"));
  EXPECT_TRUE(exists(dir / "lost"));  // named by the sync_dir that made "kept" durable
  EXPECT_EQ(read_file(dir / "kept"), "data");
}

TEST(sim_disk, an_unsynced_rename_is_undone_by_crash_and_a_synced_one_survives) {
  test::temp_dir dir;
  sim_disk d(dir.path(), 11);
  durable_file(d, dir / "a.tmp", "new");
  durable_file(d, dir / "b", "old");
  ASSERT_FALSE(d.rename(dir / "a.tmp", dir / "b"));  // replaces b
  EXPECT_EQ(read_file(dir / "b"), "new");
  ASSERT_FALSE(d.crash());
  EXPECT_EQ(read_file(dir / "a.tmp"), "new");
  EXPECT_EQ(read_file(dir / "b"), "old");

  ASSERT_FALSE(d.rename(dir / "a.tmp", dir / "b"));
  ASSERT_FALSE(d.sync_dir(dir.path()));
  ASSERT_FALSE(d.crash());
  EXPECT_FALSE(exists(dir / "a.tmp"));
  EXPECT_EQ(read_file(dir / "b"), "new");
}

TEST(sim_disk, a_rename_across_directories_is_undone_unless_both_are_synced) {
  test::temp_dir dir;
  sim_disk d(dir.path(), 12);
  ASSERT_FALSE(d.create_dir(dir / "x"));
  ASSERT_FALSE(d.create_dir(dir / "y"));
  ASSERT_FALSE(d.sync_dir(dir.path()));
  durable_file(d, dir / "x/f", "moved");
  ASSERT_FALSE(d.rename(dir / "x/f", dir / "y/f"));
  ASSERT_FALSE(d.sync_dir(dir / "y"));  // only the target directory
  ASSERT_FALSE(d.crash());
  // The new name is durable, the old one was never removed durably: both.
  EXPECT_EQ(read_file(dir / "x/f"), "moved");
  EXPECT_EQ(read_file(dir / "y/f"), "moved");
}

TEST(sim_disk, an_unsynced_remove_is_undone_by_crash_and_a_synced_one_survives) {
  test::temp_dir dir;
  sim_disk d(dir.path(), 13);
  durable_file(d, dir / "f", "back");
  ASSERT_FALSE(d.remove(dir / "f"));
  EXPECT_FALSE(exists(dir / "f"));
  ASSERT_FALSE(d.crash());
  EXPECT_EQ(read_file(dir / "f"), "back");

  ASSERT_FALSE(d.remove(dir / "f"));
  ASSERT_FALSE(d.sync_dir(dir.path()));
  EXPECT_TRUE(std::filesystem::is_empty(dir / ".simdisk-stash"));  // nothing left to restore
  ASSERT_FALSE(d.crash());
  EXPECT_FALSE(exists(dir / "f"));
}

TEST(sim_disk, a_directory_never_synced_into_its_parent_vanishes_with_its_contents) {
  test::temp_dir dir;
  sim_disk d(dir.path(), 14);
  ASSERT_FALSE(d.create_dir(dir / "topic-0"));
  durable_file(d, dir / "topic-0/00.log", "records");  // synced into topic-0 only
  ASSERT_FALSE(d.create_dir(dir / "topic-1"));
  ASSERT_FALSE(d.sync_dir(dir.path()));
  { auto fd = d.open(dir / "topic-1/00.log", open_mode::create_exclusive); }
  ASSERT_FALSE(d.crash());
  EXPECT_TRUE(exists(dir / "topic-0"));  // the root sync came after both mkdirs
  EXPECT_EQ(read_file(dir / "topic-0/00.log"), "records");
  EXPECT_TRUE(exists(dir / "topic-1"));
  EXPECT_FALSE(exists(dir / "topic-1/00.log"));

  ASSERT_FALSE(d.create_dir(dir / "topic-2"));
  durable_file(d, dir / "topic-2/00.log", "gone");
  ASSERT_FALSE(d.crash());
  EXPECT_FALSE(exists(dir / "topic-2"));
}

TEST(sim_disk, an_unsynced_remove_all_is_undone_by_crash) {
  test::temp_dir dir;
  sim_disk d(dir.path(), 15);
  ASSERT_FALSE(d.create_dir(dir / "p"));
  ASSERT_FALSE(d.sync_dir(dir.path()));
  durable_file(d, dir / "p/a", "A");
  durable_file(d, dir / "p/b", "B");
  ASSERT_FALSE(d.remove_all(dir / "p"));
  EXPECT_FALSE(exists(dir / "p"));
  ASSERT_FALSE(d.crash());
  EXPECT_EQ(read_file(dir / "p/a"), "A");
  EXPECT_EQ(read_file(dir / "p/b"), "B");

  ASSERT_FALSE(d.remove_all(dir / "p"));
  ASSERT_FALSE(d.sync_dir(dir.path()));
  ASSERT_FALSE(d.crash());
  EXPECT_FALSE(exists(dir / "p"));
  EXPECT_TRUE(std::filesystem::is_empty(dir / ".simdisk-stash"));
}

TEST(sim_disk, what_existed_before_the_disk_was_made_counts_as_durable) {
  test::temp_dir dir;
  std::filesystem::create_directory(dir / "old");
  std::ofstream(dir / "old/f") << "before";
  sim_disk d(dir.path(), 16);
  ASSERT_FALSE(d.remove(dir / "old/f"));
  ASSERT_FALSE(d.crash());
  EXPECT_EQ(read_file(dir / "old/f"), "before");
}

}  // namespace
}  // namespace sluice::log::io
