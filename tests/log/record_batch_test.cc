#include "log/record_batch.h"

#include <gtest/gtest.h>

#include <string_view>

#include "base/big_endian.h"
#include "log/errors.h"
#include "tests/support/batch_builder.h"

namespace sluice::log {
namespace {

TEST(record_batch, built_batch_validates_and_exposes_its_header) {
  auto bytes = test::build_batch(3, 10, 1000);
  ASSERT_FALSE(validate_batch(bytes));
  record_batch_view b(bytes);
  EXPECT_EQ(b.magic(), 2);
  EXPECT_EQ(b.record_count(), 3);
  EXPECT_EQ(b.last_offset_delta(), 2);
  EXPECT_EQ(b.max_timestamp(), 1000);
  EXPECT_EQ(b.size_in_bytes(), bytes.size());
  EXPECT_EQ(b.compression(), compression_type::none);
}

TEST(record_batch, base_offset_is_patched_without_touching_the_crc) {
  auto bytes = test::build_batch(2, 8, 5);
  set_base_offset(bytes, offset{1234});
  EXPECT_FALSE(validate_batch(bytes));
  EXPECT_EQ(record_batch_view(bytes).base_offset(), offset{1234});
  EXPECT_EQ(record_batch_view(bytes).next_offset(), offset{1236});
}

TEST(record_batch, log_append_time_rewrites_max_timestamp_and_crc) {
  auto bytes = test::build_batch(2, 8, 5);
  set_log_append_time(bytes, 99999);
  EXPECT_FALSE(validate_batch(bytes));
  EXPECT_TRUE(record_batch_view(bytes).log_append_time());
  EXPECT_EQ(record_batch_view(bytes).max_timestamp(), 99999);
}

TEST(record_batch, every_single_bit_flip_in_crc_covered_bytes_is_caught) {
  auto good = test::build_batch(2, 16, 7);
  for (size_t i = batch_crc_start; i < good.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      auto bad = good;
      bad[i] ^= std::byte{static_cast<uint8_t>(1u << bit)};
      EXPECT_EQ(validate_batch(bad), errc::corrupt_batch) << "byte " << i << " bit " << bit;
    }
  }
}

TEST(record_batch, flips_in_length_magic_and_crc_fields_are_caught) {
  auto good = test::build_batch(2, 16, 7);
  for (size_t i = 8; i < batch_crc_start; ++i) {
    if (i >= 12 && i < 16) continue;  // partitionLeaderEpoch is not checked by Kafka either
    for (int bit = 0; bit < 8; ++bit) {
      auto bad = good;
      bad[i] ^= std::byte{static_cast<uint8_t>(1u << bit)};
      EXPECT_TRUE(validate_batch(bad)) << "byte " << i << " bit " << bit;
    }
  }
}

TEST(record_batch, truncated_or_padded_bytes_are_rejected) {
  auto good = test::build_batch(1, 4, 1);
  for (size_t n = 0; n < good.size(); ++n) {
    EXPECT_TRUE(validate_batch(std::span<const std::byte>(good).first(n))) << n;
  }
  auto padded = good;
  padded.push_back(std::byte{0});
  EXPECT_TRUE(validate_batch(padded));
}

TEST(record_batch, record_count_inconsistent_with_last_offset_delta_is_rejected) {
  auto bytes = test::build_batch(3, 4, 1);
  base::store_be<int32_t>(bytes.data() + 57, 4);  // recordCount 4, lastOffsetDelta 2
  base::store_be<int32_t>(bytes.data() + 17,
                          static_cast<int32_t>(record_batch_view(bytes).compute_crc()));
  EXPECT_EQ(validate_batch(bytes), errc::corrupt_batch);
}

TEST(record_batch, iterator_splits_back_to_back_batches_and_stops_at_a_partial_one) {
  auto a = test::build_batch(1, 4, 1);
  auto b = test::build_batch(5, 4, 1);
  std::vector<std::byte> buf(a);
  buf.insert(buf.end(), b.begin(), b.end());
  buf.insert(buf.end(), a.begin(), a.begin() + 20);
  batch_iterator it(buf);
  record_batch_view v(buf);
  ASSERT_TRUE(it.next(v));
  EXPECT_EQ(v.record_count(), 1);
  ASSERT_TRUE(it.next(v));
  EXPECT_EQ(v.record_count(), 5);
  EXPECT_FALSE(it.next(v));
  EXPECT_EQ(it.consumed(), a.size() + b.size());
}

}  // namespace
}  // namespace sluice::log
