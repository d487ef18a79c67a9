#include "protocol/messages/offset_delete.h"

#include <gtest/gtest.h>

#include "tests/protocol/byte_helpers.h"
#include "tests/protocol/message_test_helpers.h"

namespace sluice::protocol {
namespace {

using testing::bytes_builder;

// librdkafka 2.0.2's DeleteConsumerGroupOffsets (rd_kafka_OffsetDeleteRequest,
// v0): group id, then topics with bare partition indexes.
TEST(offset_delete_request, v0_golden_bytes) {
  offset_delete_request expected;
  expected.group_id = "g";
  expected.topics = {{"t", {{0}, {2}}}};
  // clang-format off
  testing::expect_golden(bytes_builder()
                             .be16(1).text("g")
                             .be32(1).be16(1).text("t").be32(2).be32(0).be32(2)
                             .take(),
                         0, expected);
  // clang-format on
}

TEST(offset_delete_response, error_code_comes_before_throttle_time) {
  offset_delete_response m;
  m.error_code = error_code::group_id_not_found;
  m.throttle_time_ms = 3;
  m.topics = {{"t", {{0, error_code::group_subscribed_to_topic}}}};
  // clang-format off
  testing::expect_golden(bytes_builder()
                             .be16(69).be32(3)
                             .be32(1).be16(1).text("t").be32(1).be32(0).be16(86)
                             .take(),
                         0, m);
  // clang-format on
}

TEST(offset_delete_request, lying_partition_count_is_refused) {
  // clang-format off
  const auto body = bytes_builder()
                        .be16(1).text("g").be32(1).be16(1).text("t").be32(1000).fill(40, 0)
                        .take();
  // clang-format on
  testing::expect_refused<offset_delete_request>(body, 0, codec_errc::truncated);
}

}  // namespace
}  // namespace sluice::protocol
