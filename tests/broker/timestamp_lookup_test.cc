#include "broker/timestamp_lookup.h"

#include <gtest/gtest.h>

#include "base/big_endian.h"
#include "tests/broker/compressed_batch.h"

namespace sluice::broker {
namespace {

using compression::codec;
using protocol::error_code;

class batch_records_by_codec : public ::testing::TestWithParam<codec> {};

TEST_P(batch_records_by_codec, every_record_with_its_timestamp_and_offset) {
  auto batch = test::batch_with_timestamps({1000, 1500, 1200, 2000}, GetParam());
  base::store_be<int64_t>(batch.data(), 40);  // as if appended at offset 40
  const batch_records r = read_batch_records(batch);
  ASSERT_EQ(r.error, error_code::none);
  ASSERT_EQ(r.records.size(), 4u);
  const int64_t want_ts[] = {1000, 1500, 1200, 2000};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(r.records[i].timestamp, want_ts[i]) << i;
    EXPECT_EQ(r.records[i].offset, 40 + static_cast<int64_t>(i)) << i;
  }
}

TEST_P(batch_records_by_codec, log_append_time_gives_every_record_the_batch_time) {
  const auto batch = test::batch_with_timestamps({1000, 1500, 3000}, GetParam(), true);
  const batch_records r = read_batch_records(batch);
  ASSERT_EQ(r.error, error_code::none);
  for (const auto& rec : r.records) EXPECT_EQ(rec.timestamp, 3000);
}

TEST_P(batch_records_by_codec, a_cut_body_is_corrupt_not_a_crash) {
  auto batch = test::batch_with_timestamps({1, 2, 3, 4, 5}, GetParam());
  batch.resize(batch.size() - 6);
  EXPECT_EQ(read_batch_records(batch).error, error_code::corrupt_message);
}

INSTANTIATE_TEST_SUITE_P(all, batch_records_by_codec, ::testing::ValuesIn(test::every_codec()),
                         [](const auto& info) {
                           return std::string(compression::codec_name(info.param));
                         });

TEST(batch_records, a_lying_record_count_is_refused_before_reserving) {
  auto batch = test::batch_with_timestamps({1, 2}, codec::none);
  base::store_be<int32_t>(batch.data() + 57, 1 << 30);
  EXPECT_EQ(read_batch_records(batch).error, error_code::corrupt_message);
}

TEST(batch_records, an_unknown_codec_is_unsupported_compression_type) {
  auto batch = test::batch_with_timestamps({1, 2}, codec::none);
  base::store_be<int16_t>(batch.data() + 21, 6);
  EXPECT_EQ(read_batch_records(batch).error, error_code::unsupported_compression_type);
}

}  // namespace
}  // namespace sluice::broker
