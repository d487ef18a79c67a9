// The read path reads batch headers only (partition_log::read,
// segment::read_run): what a read returns is checked against a reference
// computed from the appended batches, and what it read into user space
// (scan_counter) is checked to be a few 61-byte headers, never records.
#include <gtest/gtest.h>

#include <random>

#include "log/io/io_backend.h"
#include "log/partition_log.h"
#include "log/record_batch.h"
#include "tests/support/batch_builder.h"
#include "tests/support/fake_clock.h"
#include "tests/support/log_helpers.h"
#include "tests/support/temp_dir.h"

namespace sluice::log {
namespace {

struct appended {
  offset base;
  offset last;
  std::vector<std::byte> bytes;
};

class read_path_test : public ::testing::Test {
 protected:
  void SetUp() override {
    io_ = io::make_posix_backend();
    cfg_.clock = clock_.fn();
  }
  void open() {
    auto l = partition_log::open(*io_, dir_ / "t-0", cfg_, {});
    ASSERT_TRUE(l) << l.error().message();
    log_ = std::move(*l);
  }
  void append(int records, size_t value_size) {
    auto b = test::build_batch(records, value_size, *clock_.now);
    const offset base = test::append_and_wait(*log_, *io_, b);
    batches_.push_back({base, base + (records - 1), b});
  }
  // What a read must return, from the batches themselves (Kafka's rules:
  // from the batch holding `from`, below `limit`, the first batch whole even
  // past max_bytes, the later ones only while they fit).
  std::vector<std::byte> expected(offset from, uint64_t max_bytes, offset limit) const {
    std::vector<std::byte> out;
    if (from >= limit) return out;
    for (const auto& b : batches_) {
      if (b.last < from) continue;
      if (b.base >= limit) break;
      if (!out.empty() && out.size() + b.bytes.size() > max_bytes) break;
      out.insert(out.end(), b.bytes.begin(), b.bytes.end());
      if (out.size() >= max_bytes) break;
    }
    return out;
  }

  test::temp_dir dir_;
  test::fake_clock clock_;
  log_config cfg_;
  std::unique_ptr<io::io_backend> io_;
  std::unique_ptr<partition_log> log_;
  std::vector<appended> batches_;
};

// A share group's acquisition asks for every header with the slice (one
// pass, not a second scan of it): each batch of the read, in order, once.
TEST_F(read_path_test, a_read_with_headers_yields_every_batch_of_its_slice_once) {
  open();
  for (int i = 0; i < 200; ++i) append(10, 1000);
  std::vector<batch_info> headers;
  scan_counter scanned;
  auto r = log_->read(offset{25}, 1 << 20, offset{1500}, &scanned, &headers);
  ASSERT_TRUE(r);
  const auto bytes = test::read_slices(r->slices);
  EXPECT_EQ(bytes, expected(offset{25}, 1 << 20, offset{1500}));
  ASSERT_EQ(r->slices.size(), 1u);
  ASSERT_FALSE(headers.empty());
  EXPECT_EQ(headers.front().base_offset, offset{20});
  EXPECT_EQ(headers.front().position, r->slices[0].position);
  uint64_t next_position = headers.front().position.value;
  for (const auto& h : headers) {
    EXPECT_EQ(h.position.value, next_position) << "a batch left out or read twice";
    next_position += h.size;
  }
  EXPECT_EQ(next_position - headers.front().position.value, r->bytes);
  EXPECT_EQ(headers.back().next_offset(), r->slices[0].next_offset);
  // Headers still: one 61-byte read per batch (and the index lookup's).
  EXPECT_EQ(scanned.bytes, scanned.reads * batch_header_size);
  EXPECT_LE(scanned.reads, headers.size() + 2);
}

TEST_F(read_path_test, a_large_read_reads_a_few_headers_and_no_record_bytes) {
  open();
  for (int i = 0; i < 200; ++i) append(10, 1000);  // ~10 KiB batches, 2 MiB in all
  scan_counter scanned;
  auto r = log_->read(offset{0}, 1 << 20, offset{INT64_MAX}, &scanned);
  ASSERT_TRUE(r);
  EXPECT_EQ(test::read_slices(r->slices), expected(offset{0}, 1 << 20, offset{INT64_MAX}));
  ASSERT_GT(r->bytes, 900u << 10);
  // The first batch, then the last index entry within max_bytes and what
  // follows it: a handful of headers, where a buffered scan read ~2 MiB.
  EXPECT_LE(scanned.reads, 4u);
  EXPECT_EQ(scanned.bytes, scanned.reads * batch_header_size);
  EXPECT_LE(static_cast<double>(scanned.bytes) / static_cast<double>(r->bytes), 0.001);
}

TEST_F(read_path_test, reading_from_the_middle_of_a_batch_reads_headers_from_its_index_entry) {
  open();
  for (int i = 0; i < 300; ++i) append(1 + i % 3, 20);  // ~100-byte batches
  const offset from = batches_[200].last;               // inside batch 200 when it holds several
  scan_counter scanned;
  auto r = log_->read(from, 16 << 10, offset{INT64_MAX}, &scanned);
  ASSERT_TRUE(r);
  EXPECT_EQ(test::read_slices(r->slices), expected(from, 16 << 10, offset{INT64_MAX}));
  // At most the headers of one index interval (4096 bytes of batches) before
  // the target and one after the last usable entry, not every batch read.
  const uint64_t per_interval = cfg_.index_interval_bytes / 80 + 2;
  EXPECT_LE(scanned.reads, 2 * per_interval);
  EXPECT_LT(scanned.reads, (16u << 10) / 100);  // fewer than the batches returned
}

TEST_F(read_path_test, every_read_matches_the_reference_across_segments) {
  cfg_.segment_bytes = 64 << 10;  // several segments
  open();
  std::mt19937 rng(13);
  for (int i = 0; i < 400; ++i) {
    append(1 + static_cast<int>(rng() % 5), 10 + rng() % 1500);
  }
  const int64_t end = log_->log_end_offset().value;
  for (int i = 0; i < 2000; ++i) {
    const offset from{static_cast<int64_t>(rng() % static_cast<uint64_t>(end))};
    const uint64_t max_bytes = rng() % 3 == 0 ? rng() % 200 : rng() % (96 << 10);
    const offset upper{rng() % 4 == 0 ? INT64_MAX : static_cast<int64_t>(rng() % (end + 5))};
    auto r = log_->read(from, max_bytes, upper);
    ASSERT_TRUE(r);
    // One slice per segment; together they are the reference's bytes.
    auto want = expected(from, max_bytes, upper);
    auto got = test::read_slices(r->slices);
    ASSERT_LE(got.size(), want.size()) << "from " << from.value << " max " << max_bytes;
    ASSERT_TRUE(std::equal(got.begin(), got.end(), want.begin()))
        << "from " << from.value << " max " << max_bytes << " upper " << upper.value;
    ASSERT_EQ(got.size(), want.size())
        << "from " << from.value << " max " << max_bytes << " upper " << upper.value;
    // Each slice knows the offsets it spans: those of the batches it holds.
    for (const auto& slice : r->slices) {
      auto bytes = test::read_slices({slice});
      batch_iterator it(bytes);
      record_batch_view v(bytes);
      offset first{-1}, next{-1};
      while (it.next(v)) {
        if (first.value < 0) first = v.base_offset();
        next = v.last_offset() + 1;
      }
      ASSERT_EQ(slice.base_offset, first) << "from " << from.value << " max " << max_bytes;
      ASSERT_EQ(slice.next_offset, next) << "from " << from.value << " max " << max_bytes;
    }
  }
}

TEST_F(read_path_test, find_batch_reads_headers_only) {
  open();
  for (int i = 0; i < 50; ++i) append(4, 3000);  // ~12 KiB batches: an entry for each
  scan_counter scanned;
  auto r = log_->read(batches_[37].base + 2, 1, offset{INT64_MAX}, &scanned);
  ASSERT_TRUE(r);
  EXPECT_EQ(test::read_slices(r->slices), batches_[37].bytes);
  EXPECT_LE(scanned.reads, 3u);  // the entry's batch, the target's, the one after
}

}  // namespace
}  // namespace sluice::log
