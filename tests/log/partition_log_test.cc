#include "log/partition_log.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "log/file_names.h"
#include "log/io/io_backend.h"
#include "log/record_batch.h"
#include "tests/support/batch_builder.h"
#include "tests/support/fake_clock.h"
#include "tests/support/log_helpers.h"
#include "tests/support/temp_dir.h"

namespace sluice::log {
namespace {

class partition_log_test : public ::testing::Test {
 protected:
  void SetUp() override {
    io_ = io::make_posix_backend();
    cfg_.clock = clock_.fn();
  }
  std::unique_ptr<partition_log> open(partition_log::open_options opts = {}) {
    auto l = partition_log::open(*io_, dir_ / "t-0", cfg_, opts);
    EXPECT_TRUE(l) << l.error().message();
    return l ? std::move(*l) : nullptr;
  }
  std::vector<std::byte> batch(int records, size_t value_size = 100) {
    return test::build_batch(records, value_size, *clock_.now);
  }

  test::temp_dir dir_;
  test::fake_clock clock_;
  log_config cfg_;
  std::unique_ptr<io::io_backend> io_;
};

TEST_F(partition_log_test, append_assigns_consecutive_offsets_and_reads_back_identical_bytes) {
  auto log = open();
  std::vector<std::vector<std::byte>> batches;
  for (int i = 0; i < 10; ++i) batches.push_back(batch(i + 1));
  int64_t expected = 0;
  for (auto& b : batches) {
    EXPECT_EQ(test::append_and_wait(*log, *io_, b), offset{expected});
    expected += record_batch_view(b).record_count();
  }
  EXPECT_EQ(log->log_end_offset(), offset{expected});
  EXPECT_EQ(log->high_watermark(), offset{expected});
  auto r = log->read(offset{0}, 1 << 20);
  ASSERT_TRUE(r);
  std::vector<std::byte> all;
  for (auto& b : batches) all.insert(all.end(), b.begin(), b.end());
  EXPECT_EQ(test::read_slices(r->slices), all);
}

TEST_F(partition_log_test, read_from_the_middle_of_a_batch_starts_at_that_batch) {
  auto log = open();
  auto a = batch(5), b = batch(5);
  test::append_and_wait(*log, *io_, a);
  test::append_and_wait(*log, *io_, b);
  auto r = log->read(offset{7}, 1 << 20);
  ASSERT_TRUE(r);
  EXPECT_EQ(test::read_slices(r->slices), b);
}

TEST_F(partition_log_test, read_returns_at_least_one_whole_batch_even_above_max_bytes) {
  auto log = open();
  auto a = batch(10, 1000), b = batch(10, 1000);
  test::append_and_wait(*log, *io_, a);
  test::append_and_wait(*log, *io_, b);
  auto r = log->read(offset{0}, 1);
  ASSERT_TRUE(r);
  EXPECT_EQ(test::read_slices(r->slices), a);
}

TEST_F(partition_log_test, offsets_outside_the_log_are_out_of_range_and_the_end_reads_empty) {
  auto log = open();
  auto a = batch(3);
  test::append_and_wait(*log, *io_, a);
  EXPECT_EQ(log->read(offset{4}, 100).error(), errc::offset_out_of_range);
  EXPECT_EQ(log->read(offset{-1}, 100).error(), errc::offset_out_of_range);
  auto r = log->read(offset{3}, 100);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->slices.empty());
}

TEST_F(partition_log_test, written_ack_comes_before_the_high_watermark_moves_under_fsync_policy) {
  auto log = open();
  auto a = batch(2);
  bool written = false;
  ASSERT_TRUE(log->append(a, ack_level::written, [&](std::error_code ec) {
    EXPECT_FALSE(ec);
    written = true;
    // The write completed; the sync that covers it has not.
    EXPECT_EQ(log->high_watermark(), offset{0});
  }));
  EXPECT_EQ(log->log_end_offset(), offset{2});
  test::drain(*io_);
  EXPECT_TRUE(written);
  EXPECT_EQ(log->high_watermark(), offset{2});
  EXPECT_EQ(log->recovery_point(), offset{2});
}

TEST_F(partition_log_test, page_cache_policy_exposes_written_data_without_sync) {
  cfg_.policy = durability::page_cache;
  auto log = open();
  auto a = batch(2);
  test::append_and_wait(*log, *io_, a, ack_level::written);
  EXPECT_EQ(log->high_watermark(), offset{2});
  EXPECT_EQ(log->recovery_point(), offset{0});
  auto b = batch(1);
  test::append_and_wait(*log, *io_, b, ack_level::flushed);
  EXPECT_EQ(log->recovery_point(), offset{3});
}

TEST_F(partition_log_test, many_flushed_appends_share_few_fdatasyncs) {
  auto log = open();
  std::vector<std::vector<std::byte>> bufs(200, batch(1));
  int acked = 0;
  for (auto& b : bufs) {
    ASSERT_TRUE(log->append(b, ack_level::flushed, [&](std::error_code ec) {
      EXPECT_FALSE(ec);
      ++acked;
    }));
  }
  test::drain(*io_);
  EXPECT_EQ(acked, 200);
  EXPECT_EQ(log->high_watermark(), offset{200});
}

TEST_F(partition_log_test, rolls_at_segment_bytes_and_reads_across_segments) {
  cfg_.segment_bytes = 4096;
  auto log = open();
  std::vector<std::vector<std::byte>> bufs(40, batch(3, 200));
  std::vector<std::byte> all;
  for (auto& b : bufs) {
    test::append_and_wait(*log, *io_, b);
    all.insert(all.end(), b.begin(), b.end());
  }
  EXPECT_GT(log->segment_count(), 5u);
  auto r = log->read(offset{0}, 1u << 30);
  ASSERT_TRUE(r);
  EXPECT_EQ(test::read_slices(r->slices), all);
  for (const auto& e : std::filesystem::directory_iterator(dir_ / "t-0")) {
    // Segment files, and the producer-state snapshots taken at each roll.
    const std::string name = e.path().filename().string();
    EXPECT_TRUE(file_names::parse_segment_file(name) || file_names::parse_snapshot_file(name))
        << e.path();
  }
}

TEST_F(partition_log_test, rolls_when_the_active_segment_is_older_than_roll_ms) {
  cfg_.roll_ms = 1000;
  auto log = open();
  auto a = batch(1), b = batch(1);
  test::append_and_wait(*log, *io_, a);
  EXPECT_EQ(log->segment_count(), 1u);
  clock_.advance(1000);
  test::append_and_wait(*log, *io_, b);
  EXPECT_EQ(log->segment_count(), 2u);
}

TEST_F(partition_log_test, retention_by_bytes_deletes_oldest_segments_and_moves_log_start) {
  cfg_.segment_bytes = 2048;
  cfg_.retention_bytes = 8192;
  auto log = open();
  std::vector<std::vector<std::byte>> bufs(60, batch(2, 200));
  for (auto& b : bufs) test::append_and_wait(*log, *io_, b);
  uint64_t before = log->size_bytes();
  size_t deleted = log->enforce_retention(*clock_.now);
  EXPECT_GT(deleted, 0u);
  EXPECT_LE(log->size_bytes(), 8192u + 2048u);
  EXPECT_LT(log->size_bytes(), before);
  EXPECT_GT(log->log_start_offset(), offset{0});
  EXPECT_EQ(log->read(offset{0}, 100).error(), errc::offset_out_of_range);
  auto r = log->read(log->log_start_offset(), 100);
  ASSERT_TRUE(r);
  ASSERT_FALSE(r->slices.empty());
}

TEST_F(partition_log_test, retention_by_time_deletes_segments_older_than_retention_ms) {
  cfg_.segment_bytes = 1024;
  cfg_.retention_ms = 60'000;
  auto log = open();
  std::vector<std::vector<std::byte>> old_bufs(10, batch(2, 300));
  for (auto& b : old_bufs) test::append_and_wait(*log, *io_, b);
  offset old_end = log->log_end_offset();
  clock_.advance(120'000);
  std::vector<std::vector<std::byte>> new_bufs(3, batch(2, 300));
  for (auto& b : new_bufs) test::append_and_wait(*log, *io_, b);
  log->enforce_retention(*clock_.now);
  EXPECT_EQ(log->log_start_offset(), old_end);
}

TEST_F(partition_log_test, delete_records_moves_log_start_and_drops_whole_segments) {
  cfg_.segment_bytes = 1024;
  auto log = open();
  std::vector<std::vector<std::byte>> bufs(20, batch(2, 300));
  for (auto& b : bufs) test::append_and_wait(*log, *io_, b);
  size_t segments = log->segment_count();
  ASSERT_FALSE(log->delete_records_before(offset{21}));
  EXPECT_EQ(log->log_start_offset(), offset{21});
  EXPECT_LT(log->segment_count(), segments);
  EXPECT_EQ(log->read(offset{20}, 100).error(), errc::offset_out_of_range);
  EXPECT_TRUE(log->read(offset{21}, 100));
  EXPECT_EQ(log->delete_records_before(offset{1000}), errc::offset_out_of_range);
}

TEST_F(partition_log_test, offset_for_timestamp_finds_the_first_batch_at_or_after) {
  auto log = open();
  for (int i = 0; i < 50; ++i) {
    auto b = test::build_batch(2, 50, 1000 + i * 10);
    test::append_and_wait(*log, *io_, b);
  }
  EXPECT_EQ(log->offset_for_timestamp(0), offset{0});
  EXPECT_EQ(log->offset_for_timestamp(1000), offset{0});
  EXPECT_EQ(log->offset_for_timestamp(1001), offset{2});
  EXPECT_EQ(log->offset_for_timestamp(1250), offset{50});
  EXPECT_EQ(log->offset_for_timestamp(1490), offset{98});
  EXPECT_EQ(log->offset_for_timestamp(1491), std::nullopt);
}

TEST_F(partition_log_test, truncate_drops_records_at_and_after_the_offset) {
  cfg_.segment_bytes = 1024;
  auto log = open();
  std::vector<std::vector<std::byte>> bufs(20, batch(2, 300));
  for (auto& b : bufs) test::append_and_wait(*log, *io_, b);
  ASSERT_FALSE(log->truncate_to(offset{10}));
  EXPECT_EQ(log->log_end_offset(), offset{10});
  auto c = batch(1);
  EXPECT_EQ(test::append_and_wait(*log, *io_, c), offset{10});
  auto r = log->read(offset{0}, 1u << 20);
  ASSERT_TRUE(r);
  std::vector<std::byte> expect;
  for (int i = 0; i < 5; ++i) expect.insert(expect.end(), bufs[i].begin(), bufs[i].end());
  expect.insert(expect.end(), c.begin(), c.end());
  EXPECT_EQ(test::read_slices(r->slices), expect);
}

TEST_F(partition_log_test, truncate_under_page_cache_syncs_what_stays_and_later_flushes_answer) {
  cfg_.policy = durability::page_cache;
  auto log = open();
  std::vector<std::vector<std::byte>> bufs(6, batch(2));
  for (auto& b : bufs) test::append_and_wait(*log, *io_, b, ack_level::written);
  EXPECT_EQ(log->recovery_point(), offset{0});
  ASSERT_FALSE(log->truncate_to(offset{6}));
  EXPECT_EQ(log->recovery_point(), offset{6});
  auto c = batch(1);
  test::append_and_wait(*log, *io_, c, ack_level::written);
  bool flushed = false;
  log->flush([&](std::error_code ec) {
    EXPECT_FALSE(ec);
    flushed = true;
  });
  test::drain(*io_);
  EXPECT_TRUE(flushed);
  EXPECT_EQ(log->recovery_point(), offset{7});
}

TEST_F(partition_log_test, clean_reopen_keeps_offsets_and_takes_new_appends) {
  std::vector<std::byte> a = batch(4), b = batch(4);
  {
    auto log = open();
    test::append_and_wait(*log, *io_, a);
    ASSERT_FALSE(log->close());
  }
  partition_log::open_options opts;
  opts.clean_shutdown = true;
  auto log = open(opts);
  EXPECT_EQ(log->log_end_offset(), offset{4});
  EXPECT_EQ(test::append_and_wait(*log, *io_, b), offset{4});
  EXPECT_EQ(log->segment_count(), 1u);
  auto r = log->read(offset{0}, 1 << 20);
  std::vector<std::byte> all(a);
  all.insert(all.end(), b.begin(), b.end());
  EXPECT_EQ(test::read_slices(r->slices), all);
}

TEST_F(partition_log_test, log_append_time_overwrites_max_timestamp) {
  cfg_.log_append_time = true;
  auto log = open();
  auto a = test::build_batch(2, 10, 5);
  test::append_and_wait(*log, *io_, a);
  EXPECT_EQ(record_batch_view(a).max_timestamp(), *clock_.now);
  EXPECT_FALSE(validate_batch(a));
}

}  // namespace
}  // namespace sluice::log
