#include "log/time_index.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <random>
#include <vector>

#include "base/big_endian.h"
#include "log/io/io_backend.h"
#include "log/record_batch.h"
#include "tests/support/temp_dir.h"

namespace sluice::log {
namespace {

constexpr offset base{500};
constexpr size_t max_bytes = 12 * 10;  // 10 slots, the last kept for the roll entry

class time_index_test : public ::testing::Test {
 protected:
  time_index open(size_t max = max_bytes) {
    auto idx = time_index::open(*io_, path_, base, max);
    EXPECT_TRUE(idx) << idx.error().message();
    return std::move(*idx);
  }
  // Appends {1000 * (i + 1), base + 10 * (i + 1)} for i < n.
  static void fill(time_index& idx, int n) {
    for (int i = 1; i <= n; ++i) ASSERT_TRUE(idx.maybe_append(1000 * i, base + 10 * i));
  }
  // Overwrites slot n of the file with {ts, rel}.
  void write_slot(size_t n, timestamp_ms ts, int32_t rel) {
    std::vector<std::byte> b(12);
    base::store_be<int64_t>(b.data(), ts);
    base::store_be<int32_t>(b.data() + 8, rel);
    auto f = io_->open(path_, io::open_mode::read_write);
    ASSERT_TRUE(f);
    ASSERT_FALSE(io_->write_at(f->get(), 12 * n, b));
  }
  // Writes 3 entries and trims, as a clean roll leaves the file.
  void write_trimmed_index() {
    auto idx = open();
    fill(idx, 3);
    ASSERT_FALSE(idx.trim());
  }

  std::unique_ptr<io::io_backend> io_ = io::make_posix_backend();
  test::temp_dir dir_;
  std::string path_ = dir_ / "00000000000000000500.timeindex";
};

constexpr timestamp_offset none{no_timestamp, base};

TEST_F(time_index_test, new_index_is_preallocated_and_empty) {
  auto idx = open(max_bytes + 11);  // rounded down to whole entries
  EXPECT_EQ(std::filesystem::file_size(path_), max_bytes);
  EXPECT_EQ(idx.entries(), 0u);
  EXPECT_EQ(idx.max_entries(), 10u);
  EXPECT_EQ(idx.last_entry(), none);
  EXPECT_EQ(idx.lookup(123456), none);
  EXPECT_FALSE(idx.sanity_check());
}

TEST_F(time_index_test, lookup_finds_the_greatest_timestamp_at_or_below_the_target) {
  auto idx = open();
  fill(idx, 3);  // 1000->510, 2000->520, 3000->530
  EXPECT_EQ(idx.lookup(-5), none);
  EXPECT_EQ(idx.lookup(999), none);
  EXPECT_EQ(idx.lookup(1000), (timestamp_offset{1000, base + 10}));
  EXPECT_EQ(idx.lookup(2999), (timestamp_offset{2000, base + 20}));
  EXPECT_EQ(idx.lookup(INT64_MAX), (timestamp_offset{3000, base + 30}));
  EXPECT_EQ(idx.entry(0), (timestamp_offset{1000, base + 10}));
}

TEST_F(time_index_test, maybe_append_adds_only_a_larger_timestamp) {
  auto idx = open();
  EXPECT_FALSE(idx.maybe_append(no_timestamp, base));
  ASSERT_TRUE(idx.maybe_append(0, base));  // the epoch is a timestamp like any other
  ASSERT_TRUE(idx.maybe_append(100, base + 5));
  EXPECT_FALSE(idx.maybe_append(100, base + 6));  // same timestamp
  EXPECT_FALSE(idx.maybe_append(50, base + 7));   // older timestamp
  EXPECT_FALSE(idx.maybe_append(200, base + 4));  // offset going backwards
  EXPECT_FALSE(idx.maybe_append(200, base - 1));
  EXPECT_FALSE(idx.maybe_append(200, base + INT32_MAX + 1));
  EXPECT_TRUE(idx.maybe_append(200, base + 5));  // same offset, larger timestamp
  EXPECT_EQ(idx.entries(), 3u);
  EXPECT_EQ(idx.last_entry(), (timestamp_offset{200, base + 5}));
}

TEST_F(time_index_test, last_slot_is_kept_for_the_entry_appended_at_roll) {
  auto idx = open();
  fill(idx, 9);
  EXPECT_TRUE(idx.is_full());
  EXPECT_FALSE(idx.maybe_append(99000, base + 1000));
  EXPECT_TRUE(idx.maybe_append(99000, base + 1000, /*skip_full_check=*/true));
  EXPECT_FALSE(idx.maybe_append(99001, base + 1001, /*skip_full_check=*/true));
  EXPECT_EQ(idx.entries(), 10u);
}

TEST_F(time_index_test, truncate_to_drops_entries_at_and_above_the_offset) {
  auto idx = open();
  fill(idx, 3);
  ASSERT_TRUE(idx.maybe_append(3500, base + 30));  // a second entry for offset 530
  idx.truncate_to(base + 30);
  EXPECT_EQ(idx.entries(), 2u);
  EXPECT_EQ(idx.lookup(5000), (timestamp_offset{2000, base + 20}));
  idx.truncate_to(base + 11);
  EXPECT_EQ(idx.entries(), 1u);
  idx.truncate_to(offset{0});
  EXPECT_EQ(idx.entries(), 0u);
}

TEST_F(time_index_test, reset_and_reopen_after_an_unclean_close_give_back_what_was_kept) {
  {
    auto idx = open();
    fill(idx, 5);
    idx.truncate_to(base + 30);
  }  // untrimmed, unflushed
  auto idx = open();
  EXPECT_EQ(idx.entries(), 2u);
  EXPECT_EQ(idx.max_entries(), 10u);
  EXPECT_EQ(idx.last_entry(), (timestamp_offset{2000, base + 20}));
  EXPECT_FALSE(idx.sanity_check());
  ASSERT_FALSE(idx.reset());
  EXPECT_EQ(idx.entries(), 0u);
  EXPECT_EQ(idx.lookup(5000), none);
}

TEST_F(time_index_test, reopen_after_trim_recovers_the_same_entries) {
  write_trimmed_index();
  EXPECT_EQ(std::filesystem::file_size(path_), 36u);
  auto idx = open();
  EXPECT_EQ(idx.entries(), 3u);
  EXPECT_TRUE(idx.is_full());
  EXPECT_EQ(idx.last_entry(), (timestamp_offset{3000, base + 30}));
  EXPECT_FALSE(idx.sanity_check());
  ASSERT_FALSE(idx.resize(idx.max_index_size_bytes()));  // reopened as the active segment
  EXPECT_TRUE(idx.maybe_append(4000, base + 40));
}

TEST_F(time_index_test, deleted_file_reopens_empty) {
  write_trimmed_index();
  std::filesystem::remove(path_);
  auto idx = open();
  EXPECT_EQ(idx.entries(), 0u);
  EXPECT_FALSE(idx.sanity_check());
}

TEST_F(time_index_test, sanity_check_rejects_a_size_that_is_not_a_multiple_of_12) {
  write_trimmed_index();
  std::filesystem::resize_file(path_, 32);
  EXPECT_EQ(open().sanity_check(), errc::corrupt_file);
}

TEST_F(time_index_test, sanity_check_rejects_appended_garbage) {
  write_trimmed_index();
  write_slot(3, -77, -1);
  EXPECT_EQ(open().sanity_check(), errc::corrupt_file);
}

TEST_F(time_index_test, sanity_check_rejects_non_monotonic_entries) {
  write_trimmed_index();
  write_slot(1, 500, 20);  // timestamp going backwards
  auto idx = open();
  EXPECT_EQ(idx.entries(), 1u);
  EXPECT_EQ(idx.sanity_check(), errc::corrupt_file);
  write_slot(1, 2000, 5);  // offset going backwards
  EXPECT_EQ(open().sanity_check(), errc::corrupt_file);
}

TEST_F(time_index_test, random_lookups_agree_with_a_linear_search) {
  std::mt19937_64 rng(7);
  std::vector<timestamp_offset> expected;
  auto idx = open(12 * 20000);
  timestamp_ms ts = 1'700'000'000'000;
  offset o = base;
  for (int i = 0; i < 15000; ++i) {
    ts += 1 + static_cast<int64_t>(rng() % 5000);
    o = o + static_cast<int64_t>(rng() % 50);  // offsets may repeat
    ASSERT_TRUE(idx.maybe_append(ts, o));
    expected.push_back({ts, o});
  }
  auto linear = [&](timestamp_ms target) {
    timestamp_offset best = none;
    for (const auto& e : expected) {
      if (e.timestamp <= target) best = e;
    }
    return best;
  };
  timestamp_ms first = expected.front().timestamp;
  for (int i = 0; i < 10000; ++i) {
    timestamp_ms target = first - 1000 + static_cast<int64_t>(rng() % (ts - first + 2000));
    ASSERT_EQ(idx.lookup(target), linear(target)) << "target " << target;
  }
  for (const auto& e : expected) ASSERT_EQ(idx.lookup(e.timestamp), e);
}

}  // namespace
}  // namespace sluice::log
