#include "protocol/messages/delete_records.h"

#include <gtest/gtest.h>

#include "tests/protocol/byte_helpers.h"
#include "tests/protocol/message_test_helpers.h"

namespace sluice::protocol {
namespace {

using testing::bytes_builder;

// kafkajs 2.2.4's admin.deleteTopicRecords sends v1 (checked against its
// encoder); librdkafka 2.0.2 sends v1 with the same layout.
TEST(delete_records_request, v1_golden_bytes_from_kafkajs) {
  // clang-format off
  const auto body = bytes_builder()
                        .be32(1).be16(1).text("t")
                        .be32(1).be32(0).be64(5)        // partition 0: delete before offset 5
                        .be32(5000)                     // timeout_ms
                        .take();
  // clang-format on
  delete_records_request expected;
  expected.topics = {{"t", {{0, 5}}}};
  expected.timeout_ms = 5000;
  testing::expect_golden(body, 1, expected);
  testing::expect_golden(body, 0, expected);
}

TEST(delete_records_response, golden_bytes) {
  delete_records_response m;
  m.throttle_time_ms = 6;
  m.topics = {{"t", {{0, 5, error_code::none}, {1, -1, error_code::offset_out_of_range}}}};
  // clang-format off
  const auto body = bytes_builder()
                        .be32(6)
                        .be32(1).be16(1).text("t")
                        .be32(2)
                        .be32(0).be64(5).be16(0)
                        .be32(1).be64(-1).be16(1)
                        .take();
  // clang-format on
  testing::expect_golden(body, 1, m);
}

TEST(delete_records_request, lying_partition_count_is_refused) {
  // One topic claiming 10,000 partitions of 12 bytes with 40 bytes behind it.
  const auto body = bytes_builder().be32(1).be16(1).text("t").be32(10000).fill(40, 0).take();
  testing::expect_refused<delete_records_request>(body, 1, codec_errc::truncated);
}

// v2 is v1 in the flexible encoding.
TEST(delete_records_request, v2_golden_bytes) {
  delete_records_request m;
  m.topics = {{"t", {{0, 5}}}};
  m.timeout_ms = 1000;
  // clang-format off
  const auto body = bytes_builder()
                        .u8s({2}).u8s({2}).text("t")
                        .u8s({2}).be32(0).be64(5).u8s({0})   // partition and its tags
                        .u8s({0})                            // topic's tags
                        .be32(1000)
                        .u8s({0})
                        .take();
  // clang-format on
  testing::expect_golden(body, 2, m);
}

TEST(delete_records_response, v2_golden_bytes) {
  delete_records_response m;
  m.throttle_time_ms = 6;
  m.topics = {{"t", {{0, 5, error_code::none}}}};
  // clang-format off
  const auto body = bytes_builder()
                        .be32(6)
                        .u8s({2}).u8s({2}).text("t")
                        .u8s({2}).be32(0).be64(5).be16(0).u8s({0})
                        .u8s({0})
                        .u8s({0})
                        .take();
  // clang-format on
  testing::expect_golden(body, 2, m);
}

// E3: a flexible response claiming 100,000 partitions.
TEST(delete_records_response, v2_lying_partition_count_is_refused) {
  // clang-format off
  const auto body = bytes_builder()
                        .be32(0).u8s({2}).u8s({2}).text("t").u8s({0xa1, 0x8d, 0x06}).fill(40, 0)
                        .take();
  // clang-format on
  testing::expect_refused<delete_records_response>(body, 2, codec_errc::truncated);
}

}  // namespace
}  // namespace sluice::protocol
