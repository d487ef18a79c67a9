// Reading whole batches into memory (log/log_reader.h): what coordinators
// replay at start and share groups look into.
#include "log/log_reader.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "log/io/io_backend.h"
#include "log/record_batch.h"
#include "tests/support/batch_builder.h"
#include "tests/support/fake_clock.h"
#include "tests/support/log_helpers.h"
#include "tests/support/temp_dir.h"

namespace sluice::log {
namespace {

class log_reader_test : public ::testing::Test {
 protected:
  void SetUp() override {
    io_ = io::make_posix_backend();
    cfg_.clock = clock_.fn();
    cfg_.segment_bytes = 4096;  // several segments for a few batches
  }
  std::unique_ptr<partition_log> open() {
    auto l = partition_log::open(*io_, dir_ / "t-0", cfg_, {});
    EXPECT_TRUE(l) << l.error().message();
    return l ? std::move(*l) : nullptr;
  }
  // Appends `n` batches of 3 records and waits; returns them as written.
  std::vector<std::vector<std::byte>> append(partition_log& log, int n) {
    std::vector<std::vector<std::byte>> out;
    for (int i = 0; i < n; ++i) {
      auto b = test::build_batch(3, 700, *clock_.now);
      test::append_and_wait(log, *io_, b);
      out.push_back(b);
    }
    return out;
  }

  test::temp_dir dir_;
  test::fake_clock clock_;
  log_config cfg_;
  std::unique_ptr<io::io_backend> io_;
};

TEST_F(log_reader_test, every_batch_comes_back_whole_in_order_across_segments_and_reads) {
  auto log = open();
  const auto written = append(*log, 12);
  ASSERT_GT(log->read(offset{0}, 1 << 20)->slices.size(), 1u) << "want several segments";
  for (uint64_t chunk : {uint64_t{1}, uint64_t{5000}, uint64_t{1} << 20}) {
    log_reader reader(*log, offset{0}, chunk);
    std::span<const std::byte> batch;
    size_t i = 0;
    while (reader.next(batch)) {
      ASSERT_LT(i, written.size());
      EXPECT_TRUE(std::ranges::equal(batch, written[i])) << "batch " << i << " chunk " << chunk;
      ++i;
    }
    EXPECT_FALSE(reader.error()) << reader.error().message();
    EXPECT_EQ(i, written.size()) << "chunk " << chunk;
    EXPECT_EQ(reader.next_offset(), offset{36});
  }
}

TEST_F(log_reader_test, starts_at_the_batch_holding_the_offset_and_stops_at_the_high_watermark) {
  auto log = open();
  append(*log, 3);
  // A fourth batch is written but not yet durable: past the high watermark.
  auto pending = test::build_batch(3, 10, *clock_.now);
  ASSERT_TRUE(log->append(pending, ack_level::flushed, [](std::error_code) {}));
  ASSERT_EQ(log->high_watermark(), offset{9});
  log_reader reader(*log, offset{4});  // inside the second batch
  std::span<const std::byte> batch;
  ASSERT_TRUE(reader.next(batch));
  EXPECT_EQ(record_batch_view(batch).base_offset(), offset{3});
  ASSERT_TRUE(reader.next(batch));
  EXPECT_EQ(record_batch_view(batch).base_offset(), offset{6});
  EXPECT_FALSE(reader.next(batch));
  EXPECT_FALSE(reader.error());
  test::drain(*io_);
}

TEST_F(log_reader_test, read_batches_returns_at_least_one_whole_batch_and_nothing_past_the_end) {
  auto log = open();
  const auto written = append(*log, 2);
  std::vector<std::byte> out;
  ASSERT_FALSE(read_batches(*log, offset{1}, 1, out));
  EXPECT_EQ(out, written[0]);  // one byte asked, one whole batch given
  ASSERT_FALSE(read_batches(*log, offset{0}, 1 << 20, out));
  EXPECT_EQ(out.size(), written[0].size() + written[1].size());
  ASSERT_FALSE(read_batches(*log, offset{6}, 1 << 20, out));
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace sluice::log
