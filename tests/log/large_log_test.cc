// A 1 GiB log: 1,024 batches of exactly 1 MiB over eight 128 MiB segments,
// written with acks=1 under durability::page_cache, reads back byte-identical
// through the file slices that a Fetch would sendfile. Its own suite
// (`large_log`) so that it can be filtered out, e.g. under sanitizers.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <vector>

#include "base/big_endian.h"
#include "base/crc32c.h"
#include "log/io/io_backend.h"
#include "log/partition_log.h"
#include "log/record_batch.h"
#include "tests/support/batch_builder.h"
#include "tests/support/log_helpers.h"
#include "tests/support/temp_dir.h"

namespace sluice::log {
namespace {

constexpr size_t batch_bytes = 1 << 20;
constexpr int batch_count = 1024;  // 1 GiB
constexpr uint64_t segment_bytes = 128ull << 20;
constexpr uint64_t read_chunk = 8ull << 20;
constexpr size_t in_flight = 4;  // buffers reused in turn

// Batch i: one record whose value fills the batch to exactly 1 MiB with bytes
// that depend on i (so that a batch read from the wrong place cannot match),
// baseOffset i, a valid CRC.
class batch_maker {
 public:
  batch_maker() {
    auto probe = test::build_batch(1, batch_bytes / 2, 1'700'000'000'000);
    size_t overhead = probe.size() - batch_bytes / 2;
    value_size_ = batch_bytes - overhead;
    template_ = test::build_batch(1, value_size_, 1'700'000'000'000);
  }
  size_t size() const { return template_.size(); }

  void make(int i, std::vector<std::byte>& out) const {
    if (out.size() != template_.size()) out = template_;
    // The value sits just before the record's last byte (its header count).
    std::byte* value = out.data() + out.size() - 1 - value_size_;
    uint64_t x = 0x9e3779b97f4a7c15ull * static_cast<uint64_t>(i + 1);
    size_t n = 0;
    for (; n + 8 <= value_size_; n += 8) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      std::memcpy(value + n, &x, 8);
    }
    for (; n < value_size_; ++n) value[n] = static_cast<std::byte>(x >> (8 * (n % 8)));
    base::store_be<int32_t>(out.data() + 17,
                            static_cast<int32_t>(base::crc32c(
                                std::span<const std::byte>(out).subspan(batch_crc_start))));
    set_base_offset(out, offset{i});
  }

 private:
  size_t value_size_ = 0;
  std::vector<std::byte> template_;
};

TEST(large_log, one_gib_over_eight_segments_reads_back_byte_identical_through_file_slices) {
  test::temp_dir dir;
  auto io = io::make_posix_backend();
  log_config cfg;
  cfg.segment_bytes = segment_bytes;
  cfg.policy = durability::page_cache;
  auto opened = partition_log::open(*io, dir / "big-0", cfg, {});
  ASSERT_TRUE(opened) << opened.error().message();
  auto& log = **opened;

  batch_maker maker;
  ASSERT_EQ(maker.size(), batch_bytes);
  std::vector<std::vector<std::byte>> buffers(in_flight);
  std::vector<bool> busy(in_flight, false);
  int acked = 0;
  for (int i = 0; i < batch_count; ++i) {
    size_t slot = static_cast<size_t>(i) % in_flight;
    // append() patches baseOffset in place and writes from the caller's
    // bytes: a buffer is reused only after its callback ran.
    while (busy[slot]) {
      io->wait();
    }
    maker.make(i, buffers[slot]);
    busy[slot] = true;
    auto info = log.append(buffers[slot], ack_level::written, [&, slot](std::error_code ec) {
      EXPECT_FALSE(ec) << ec.message();
      busy[slot] = false;
      ++acked;
    });
    ASSERT_TRUE(info) << info.error().message();
    ASSERT_EQ(info->base_offset, offset{i});
    io->poll();
  }
  test::drain(*io);
  ASSERT_EQ(acked, batch_count);
  EXPECT_EQ(log.log_end_offset(), offset{batch_count});
  EXPECT_EQ(log.high_watermark(), offset{batch_count});
  EXPECT_EQ(log.segment_count(), 8u);
  EXPECT_EQ(log.size_bytes(), uint64_t{batch_count} * batch_bytes);

  // Walk the log in 8 MiB reads, comparing every batch with a regenerated copy.
  std::vector<std::byte> expected;
  offset next{0};
  int batches_read = 0;
  size_t reads = 0;
  while (next < log.log_end_offset()) {
    auto r = log.read(next, read_chunk);
    ASSERT_TRUE(r) << r.error().message();
    ASSERT_FALSE(r->slices.empty()) << "nothing read at offset " << next.value;
    ASSERT_LE(r->bytes, read_chunk);
    ++reads;
    std::vector<std::byte> got = test::read_slices(r->slices);
    ASSERT_EQ(got.size(), r->bytes);
    batch_iterator it(got);
    record_batch_view v(got);
    while (it.next(v)) {
      ASSERT_EQ(v.base_offset(), next);
      maker.make(static_cast<int>(next.value), expected);
      ASSERT_TRUE(v.size_in_bytes() == expected.size() &&
                  std::memcmp(v.bytes().data(), expected.data(), expected.size()) == 0)
          << "batch " << next.value << " differs from what was written";
      next = v.next_offset();
      ++batches_read;
    }
    ASSERT_EQ(it.consumed(), got.size()) << "a read ended inside a batch";
  }
  EXPECT_EQ(batches_read, batch_count);
  EXPECT_EQ(reads, batch_count / (read_chunk / batch_bytes));
}

}  // namespace
}  // namespace sluice::log
