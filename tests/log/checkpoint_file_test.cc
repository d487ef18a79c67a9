#include "log/checkpoint_file.h"

#include <gtest/gtest.h>
#include <xxhash.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "base/big_endian.h"
#include "log/file_names.h"
#include "log/io/io_backend.h"
#include "log/record_batch.h"
#include "tests/support/sim_disk/sim_disk.h"
#include "tests/support/temp_dir.h"

namespace sluice::log {
namespace {

const std::string name{file_names::recovery_point_checkpoint};

std::vector<checkpoint_entry> make_entries(size_t n) {
  std::vector<checkpoint_entry> v;
  for (size_t i = 0; i < n; ++i) {
    v.push_back({"topic-" + std::to_string(i % 17), static_cast<int32_t>(i),
                 static_cast<int64_t>(i * 1'000'003)});
  }
  return v;
}

class checkpoint_file_test : public ::testing::Test {
 protected:
  void write(const std::vector<checkpoint_entry>& entries) {
    ASSERT_FALSE(write_checkpoint(*io_, dir_.path(), name, entries));
  }
  std::vector<std::byte> file_bytes() const {
    std::ifstream in(path_, std::ios::binary);
    std::vector<char> c{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    std::vector<std::byte> b(c.size());
    std::memcpy(b.data(), c.data(), c.size());
    return b;
  }
  void set_file_bytes(const std::vector<std::byte>& bytes) const {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
  }
  std::error_code read_error() const { return read_checkpoint(path_).error(); }

  std::unique_ptr<io::io_backend> io_ = io::make_posix_backend();
  test::temp_dir dir_;
  std::string path_ = dir_ / name;
};

TEST_F(checkpoint_file_test, round_trips_zero_one_and_many_entries) {
  for (size_t n : {0u, 1u, 1000u}) {
    auto entries = make_entries(n);
    write(entries);
    auto back = read_checkpoint(path_);
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(*back, entries);
  }
}

TEST_F(checkpoint_file_test, round_trips_long_topic_names_and_extreme_values) {
  std::vector<checkpoint_entry> entries = {
      {std::string(249, 'a'), INT32_MAX, INT64_MAX},
      {std::string(65535, 'z'), -1, INT64_MIN},
      {"", 0, -1},
  };
  write(entries);
  auto back = read_checkpoint(path_);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, entries);
}

TEST_F(checkpoint_file_test, layout_matches_the_documented_format) {
  write({{"ab", 3, 7}});
  std::vector<std::byte> b = file_bytes();
  const std::vector<int> head = {'S', 'L', 'C', 'K', 0, 1, 0, 0, 0, 1, 0, 2, 'a',
                                 'b', 0,   0,   0,   3, 0, 0, 0, 0, 0, 0, 0, 7};
  ASSERT_EQ(b.size(), head.size() + 8);
  for (size_t i = 0; i < head.size(); ++i) EXPECT_EQ(std::to_integer<int>(b[i]), head[i]) << i;
  EXPECT_EQ(static_cast<uint64_t>(base::load_be<int64_t>(b.data() + head.size())),
            XXH3_64bits(b.data(), head.size()));
}

TEST_F(checkpoint_file_test, topic_longer_than_65535_bytes_is_refused_and_nothing_is_written) {
  EXPECT_EQ(write_checkpoint(*io_, dir_.path(), name, {{std::string(65536, 't'), 0, 0}}),
            errc::invalid_argument);
  EXPECT_EQ(read_error(), errc::not_found);
}

TEST_F(checkpoint_file_test, missing_file_is_not_found) {
  EXPECT_EQ(read_error(), errc::not_found);
}

// The exhaustive corruption tests decode in-memory variants of a file that
// write_checkpoint produced (read_checkpoint is "read the whole file, decode");
// one variant of each kind also goes through the file.
std::error_code decode_error(std::span<const std::byte> b) { return decode_checkpoint(b).error(); }

TEST_F(checkpoint_file_test, every_truncation_is_corrupt) {
  write(make_entries(20));
  const std::vector<std::byte> full = file_bytes();
  for (size_t len = 0; len < full.size(); ++len) {
    ASSERT_EQ(decode_error(std::span(full).first(len)), errc::corrupt_file) << "length " << len;
  }
  set_file_bytes({full.begin(), full.begin() + 100});
  EXPECT_EQ(read_error(), errc::corrupt_file);
}

TEST_F(checkpoint_file_test, every_flipped_bit_is_corrupt) {
  write(make_entries(5));
  std::vector<std::byte> b = file_bytes();
  for (size_t bit = 0; bit < b.size() * 8; ++bit) {
    b[bit / 8] ^= std::byte{1} << (bit % 8);
    ASSERT_EQ(decode_error(b), errc::corrupt_file) << "bit " << bit;
    b[bit / 8] ^= std::byte{1} << (bit % 8);
  }
  b[40] ^= std::byte{0x10};
  set_file_bytes(b);
  EXPECT_EQ(read_error(), errc::corrupt_file);
}

TEST_F(checkpoint_file_test, appended_bytes_are_corrupt) {
  write(make_entries(3));
  std::vector<std::byte> b = file_bytes();
  for (int i = 0; i < 16; ++i) {
    b.push_back(std::byte{0});
    ASSERT_EQ(decode_error(b), errc::corrupt_file) << "extra " << i + 1;
  }
  set_file_bytes(b);
  EXPECT_EQ(read_error(), errc::corrupt_file);
}

TEST_F(checkpoint_file_test, random_garbage_is_corrupt) {
  std::mt19937 rng(1);
  std::vector<std::byte> b;
  for (int i = 0; i < 10000; ++i) {
    b.resize(rng() % 300);
    for (auto& c : b) c = static_cast<std::byte>(rng());
    if (b.size() >= 6 && i % 2 == 0) {  // past the magic and version checks
      const std::byte header[] = {std::byte{'S'}, std::byte{'L'}, std::byte{'C'},
                                  std::byte{'K'}, std::byte{0},   std::byte{1}};
      std::copy(std::begin(header), std::end(header), b.begin());
    }
    ASSERT_EQ(decode_error(b), errc::corrupt_file) << "case " << i;
  }
  set_file_bytes(b);
  EXPECT_EQ(read_error(), errc::corrupt_file);
}

// Rewrites the checksum after an edit, so that only the structural checks can object.
std::vector<std::byte> reseal(std::vector<std::byte> b) {
  uint64_t h = XXH3_64bits(b.data(), b.size() - 8);
  base::store_be<int64_t>(b.data() + b.size() - 8, static_cast<int64_t>(h));
  return b;
}

TEST(checkpoint_format, structural_errors_are_corrupt_even_under_a_valid_checksum) {
  auto one = encode_checkpoint({{"t", 0, 5}});
  ASSERT_TRUE(one);
  ASSERT_TRUE(decode_checkpoint(reseal(*one)));
  auto with = [&](size_t at, std::byte v) {
    std::vector<std::byte> b = *one;
    b[at] = v;
    return decode_checkpoint(reseal(b)).error();
  };
  EXPECT_EQ(with(0, std::byte{'X'}), errc::corrupt_file);   // magic
  EXPECT_EQ(with(5, std::byte{2}), errc::corrupt_file);     // version 2
  EXPECT_EQ(with(9, std::byte{2}), errc::corrupt_file);     // count 2, one entry present
  EXPECT_EQ(with(9, std::byte{0}), errc::corrupt_file);     // count 0, trailing entry
  EXPECT_EQ(with(11, std::byte{200}), errc::corrupt_file);  // topic length past the end
  // Four billion entries declared: refused before anything is allocated.
  std::vector<std::byte> b = *one;
  b[6] = b[7] = b[8] = b[9] = std::byte{0xff};
  EXPECT_EQ(decode_checkpoint(reseal(b)).error(), errc::corrupt_file);
}

TEST_F(checkpoint_file_test, interrupted_write_leaves_the_original_readable) {
  auto original = make_entries(4);
  write(original);
  // A crash between writing the .tmp and the rename: a torn .tmp is left behind.
  std::ofstream(path_ + std::string(file_names::tmp_suffix), std::ios::binary) << "SLCK garbage";
  auto back = read_checkpoint(path_);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, original);
  // The next write replaces both.
  auto next = make_entries(9);
  write(next);
  EXPECT_EQ(*read_checkpoint(path_), next);
  EXPECT_FALSE(std::filesystem::exists(path_ + std::string(file_names::tmp_suffix)));
}

// RELIABILITY B7 on the simulated disk: a write that fails at any step, or a
// power cut afterwards, leaves a readable checkpoint, the old or the new one.
TEST(checkpoint_on_sim_disk, a_failed_write_or_sync_leaves_the_previous_checkpoint_across_a_crash) {
  const auto before = make_entries(4);
  for (bool fail_sync : {false, true}) {
    test::temp_dir dir;
    test::sim_disk disk(dir.path(), 17);
    ASSERT_FALSE(write_checkpoint(disk, dir.path(), name, before));
    if (fail_sync) {
      disk.fail_nth_sync(1, EIO);
    } else {
      disk.fail_nth_write(1, ENOSPC);
    }
    EXPECT_TRUE(write_checkpoint(disk, dir.path(), name, make_entries(9)));
    EXPECT_EQ(*read_checkpoint(dir / name), before);
    ASSERT_FALSE(disk.crash());
    EXPECT_EQ(*read_checkpoint(dir / name), before) << "fail_sync " << fail_sync;
  }
}

TEST(checkpoint_on_sim_disk, a_completed_write_survives_a_crash) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    test::temp_dir dir;
    test::sim_disk disk(dir.path(), seed);
    ASSERT_FALSE(write_checkpoint(disk, dir.path(), name, make_entries(4)));
    const auto after = make_entries(static_cast<size_t>(seed) * 10);
    ASSERT_FALSE(write_checkpoint(disk, dir.path(), name, after));
    ASSERT_FALSE(disk.crash());
    auto back = read_checkpoint(dir / name);
    ASSERT_TRUE(back) << "seed " << seed << ": " << back.error().message();
    EXPECT_EQ(*back, after);
  }
}

}  // namespace
}  // namespace sluice::log
