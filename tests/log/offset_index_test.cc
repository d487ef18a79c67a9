#include "log/offset_index.h"

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

constexpr offset base{1000};
constexpr size_t max_bytes = 8 * 64;  // 64 entries

class offset_index_test : public ::testing::Test {
 protected:
  offset_index open(size_t max = max_bytes) {
    auto idx = offset_index::open(*io_, path_, base, max);
    EXPECT_TRUE(idx) << idx.error().message();
    return std::move(*idx);
  }
  // Appends {base + 10 * (i + 1), 100 * (i + 1)} for i < n.
  static void fill(offset_index& idx, int n) {
    for (int i = 1; i <= n; ++i) ASSERT_TRUE(idx.append(base + 10 * i, file_position{100u * i}));
  }
  // n entries, trimmed and flushed, as a clean roll leaves the file.
  void write_trimmed_index(int n) {
    auto idx = open();
    fill(idx, n);
    ASSERT_FALSE(idx.trim());
    ASSERT_FALSE(idx.flush());
  }
  // Overwrites bytes of the file, as a torn write or a stray process would.
  void write_raw(uint64_t pos, std::vector<std::byte> bytes) {
    auto f = io_->open(path_, io::open_mode::read_write);
    ASSERT_TRUE(f);
    ASSERT_FALSE(io_->write_at(f->get(), pos, bytes));
  }
  static std::vector<std::byte> entry_bytes(int32_t rel, int32_t pos) {
    std::vector<std::byte> b(8);
    base::store_be<int32_t>(b.data(), rel);
    base::store_be<int32_t>(b.data() + 4, pos);
    return b;
  }

  std::unique_ptr<io::io_backend> io_ = io::make_posix_backend();
  test::temp_dir dir_;
  std::string path_ = dir_ / "00000000000000001000.index";
};

TEST_F(offset_index_test, new_index_is_preallocated_and_empty) {
  auto idx = open(max_bytes + 5);  // rounded down to whole entries
  EXPECT_EQ(std::filesystem::file_size(path_), max_bytes);
  EXPECT_EQ(idx.entries(), 0u);
  EXPECT_EQ(idx.max_entries(), 64u);
  EXPECT_FALSE(idx.is_full());
  EXPECT_EQ(idx.base_offset(), base);
  EXPECT_EQ(idx.last_entry(), (index_entry{base, file_position{0}}));
  EXPECT_EQ(idx.lookup(base + 500), (index_entry{base, file_position{0}}));
  EXPECT_FALSE(idx.sanity_check(0));
}

TEST_F(offset_index_test, lookup_finds_the_greatest_entry_at_or_below_the_target) {
  auto idx = open();
  fill(idx, 3);  // 1010@100, 1020@200, 1030@300
  EXPECT_EQ(idx.lookup(offset{5}), (index_entry{base, file_position{0}}));
  EXPECT_EQ(idx.lookup(base + 9), (index_entry{base, file_position{0}}));
  EXPECT_EQ(idx.lookup(base + 10), (index_entry{base + 10, file_position{100}}));
  EXPECT_EQ(idx.lookup(base + 29), (index_entry{base + 20, file_position{200}}));
  EXPECT_EQ(idx.lookup(offset{INT64_MAX}), (index_entry{base + 30, file_position{300}}));
  EXPECT_EQ(idx.entry(1), (index_entry{base + 20, file_position{200}}));
}

TEST_F(offset_index_test, append_refuses_entries_out_of_order_or_out_of_range) {
  auto idx = open();
  EXPECT_FALSE(idx.append(base - 1, file_position{0}));
  ASSERT_TRUE(idx.append(base + 5, file_position{50}));
  EXPECT_FALSE(idx.append(base + 5, file_position{60}));  // offset not increasing
  EXPECT_FALSE(idx.append(base + 4, file_position{60}));
  EXPECT_FALSE(idx.append(base + 6, file_position{49}));  // position decreasing
  EXPECT_FALSE(idx.append(base + INT32_MAX + 1, file_position{60}));
  EXPECT_FALSE(idx.append(base + 6, file_position{uint64_t{INT32_MAX} + 1}));
  EXPECT_TRUE(idx.append(base + INT32_MAX, file_position{INT32_MAX}));
  EXPECT_EQ(idx.entries(), 2u);
}

TEST_F(offset_index_test, full_index_refuses_append) {
  auto idx = open();
  fill(idx, 64);
  EXPECT_TRUE(idx.is_full());
  EXPECT_FALSE(idx.append(base + 10000, file_position{100000}));
  EXPECT_EQ(idx.entries(), 64u);
}

TEST_F(offset_index_test, truncate_to_drops_entries_at_and_above_the_offset) {
  auto idx = open();
  fill(idx, 5);
  idx.truncate_to(base + 35);
  EXPECT_EQ(idx.entries(), 3u);
  idx.truncate_to(base + 30);
  EXPECT_EQ(idx.entries(), 2u);
  EXPECT_EQ(idx.lookup(base + 50), (index_entry{base + 20, file_position{200}}));
  EXPECT_TRUE(idx.append(base + 25, file_position{250}));
  idx.truncate_to(base);
  EXPECT_EQ(idx.entries(), 0u);
}

TEST_F(offset_index_test, truncated_entries_do_not_come_back_after_an_unclean_close) {
  {
    auto idx = open();
    fill(idx, 5);
    idx.truncate_to(base + 30);
  }  // no trim: the file keeps its preallocated length
  auto idx = open();
  EXPECT_EQ(idx.entries(), 2u);
  EXPECT_FALSE(idx.sanity_check(1000));
}

TEST_F(offset_index_test, reset_drops_every_entry_and_reexpands_a_trimmed_file) {
  auto idx = open();
  fill(idx, 5);
  ASSERT_FALSE(idx.trim());
  ASSERT_FALSE(idx.reset());
  EXPECT_EQ(idx.entries(), 0u);
  EXPECT_EQ(idx.max_entries(), 64u);
  EXPECT_EQ(idx.lookup(base + 30), (index_entry{base, file_position{0}}));
  EXPECT_TRUE(idx.append(base + 1, file_position{1}));
}

TEST_F(offset_index_test, trim_leaves_a_full_index_that_resize_reopens_for_appends) {
  auto idx = open();
  fill(idx, 3);
  ASSERT_FALSE(idx.trim());
  EXPECT_EQ(std::filesystem::file_size(path_), 24u);
  EXPECT_TRUE(idx.is_full());
  EXPECT_FALSE(idx.append(base + 40, file_position{400}));
  ASSERT_FALSE(idx.resize(idx.max_index_size_bytes()));
  EXPECT_EQ(std::filesystem::file_size(path_), max_bytes);
  EXPECT_TRUE(idx.append(base + 40, file_position{400}));
  EXPECT_EQ(idx.lookup(base + 45), (index_entry{base + 40, file_position{400}}));
  EXPECT_EQ(idx.resize(8), errc::invalid_argument);  // would drop entries
}

TEST_F(offset_index_test, reopen_after_trim_recovers_the_same_entries) {
  write_trimmed_index(7);
  auto idx = open();
  EXPECT_EQ(idx.entries(), 7u);
  EXPECT_EQ(idx.max_entries(), 7u);  // an existing file keeps its length
  EXPECT_EQ(idx.last_entry(), (index_entry{base + 70, file_position{700}}));
  EXPECT_FALSE(idx.sanity_check(701));
}

TEST_F(offset_index_test, reopen_after_unclean_close_recovers_the_same_entries) {
  {
    auto idx = open();
    fill(idx, 7);
  }  // neither trimmed nor flushed: entries followed by zero padding
  auto idx = open();
  EXPECT_EQ(idx.entries(), 7u);
  EXPECT_EQ(idx.max_entries(), 64u);
  EXPECT_EQ(idx.last_entry(), (index_entry{base + 70, file_position{700}}));
  EXPECT_FALSE(idx.sanity_check(701));
  EXPECT_TRUE(idx.append(base + 80, file_position{800}));
}

TEST_F(offset_index_test, entry_at_relative_zero_position_zero_is_kept_when_followed) {
  {
    auto idx = open();
    ASSERT_TRUE(idx.append(base, file_position{0}));
    ASSERT_TRUE(idx.append(base + 3, file_position{90}));
  }
  EXPECT_EQ(open().entries(), 2u);
}

TEST_F(offset_index_test, deleted_file_reopens_empty) {
  {
    auto idx = open();
    fill(idx, 3);
  }
  std::filesystem::remove(path_);
  auto idx = open();
  EXPECT_EQ(idx.entries(), 0u);
  EXPECT_FALSE(idx.sanity_check(0));
}

TEST_F(offset_index_test, sanity_check_rejects_a_size_that_is_not_a_multiple_of_8) {
  write_trimmed_index(3);
  std::filesystem::resize_file(path_, 21);
  auto idx = open();
  EXPECT_EQ(idx.entries(), 2u);
  EXPECT_EQ(idx.sanity_check(1000), errc::corrupt_file);
}

TEST_F(offset_index_test, sanity_check_rejects_appended_garbage) {
  write_trimmed_index(3);
  write_raw(24, std::vector<std::byte>(16, std::byte{0xff}));
  auto idx = open();
  EXPECT_EQ(idx.entries(), 3u);
  EXPECT_EQ(idx.sanity_check(1000), errc::corrupt_file);
}

TEST_F(offset_index_test, sanity_check_rejects_non_monotonic_entries) {
  write_trimmed_index(4);
  write_raw(16, entry_bytes(15, 300));  // offset 1015 after 1020
  auto idx = open();
  EXPECT_EQ(idx.entries(), 2u);
  EXPECT_EQ(idx.sanity_check(1000), errc::corrupt_file);

  write_raw(16, entry_bytes(30, 150));  // position 150 after 200
  EXPECT_EQ(open().sanity_check(1000), errc::corrupt_file);
}

TEST_F(offset_index_test, sanity_check_rejects_positions_past_the_log_size) {
  auto idx = open();
  fill(idx, 3);
  EXPECT_FALSE(idx.sanity_check(301));
  EXPECT_EQ(idx.sanity_check(300), errc::corrupt_file);
  EXPECT_EQ(idx.sanity_check(0), errc::corrupt_file);
}

TEST_F(offset_index_test, open_rejects_a_negative_base_offset_or_a_maximum_below_one_entry) {
  EXPECT_EQ(offset_index::open(*io_, path_, offset{-1}, max_bytes).error(), errc::invalid_argument);
  EXPECT_EQ(offset_index::open(*io_, path_, base, 7).error(), errc::invalid_argument);
}

TEST_F(offset_index_test, rename_to_moves_the_file) {
  auto idx = open();
  fill(idx, 2);
  std::string moved = path_ + ".deleted";
  ASSERT_FALSE(idx.rename_to(moved));
  EXPECT_EQ(idx.path(), moved);
  EXPECT_TRUE(std::filesystem::exists(moved));
  EXPECT_FALSE(std::filesystem::exists(path_));
  EXPECT_FALSE(idx.flush());
}

TEST_F(offset_index_test, random_lookups_agree_with_a_linear_search) {
  std::mt19937_64 rng(42);
  std::vector<index_entry> expected;
  auto idx = open(8 * 20000);
  offset o = base;
  uint64_t pos = 0;
  for (int i = 0; i < 15000; ++i) {
    o = o + 1 + static_cast<int64_t>(rng() % 100);
    pos += 1 + rng() % 8192;
    ASSERT_TRUE(idx.append(o, file_position{pos}));
    expected.push_back({o, file_position{pos}});
  }
  auto linear = [&](offset target) {
    index_entry best{base, file_position{0}};
    for (const auto& e : expected) {
      if (e.offset <= target) best = e;
    }
    return best;
  };
  for (int i = 0; i < 10000; ++i) {
    offset target{base.value - 10 + static_cast<int64_t>(rng() % (o - base + 100))};
    ASSERT_EQ(idx.lookup(target), linear(target)) << "target " << target.value;
  }
  // Entries themselves are lookup targets too.
  for (const auto& e : expected) ASSERT_EQ(idx.lookup(e.offset), e);
}

}  // namespace
}  // namespace sluice::log
