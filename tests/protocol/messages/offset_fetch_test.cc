#include "protocol/messages/offset_fetch.h"

#include <gtest/gtest.h>

#include "tests/protocol/byte_helpers.h"
#include "tests/protocol/message_test_helpers.h"

namespace sluice::protocol {
namespace {

using testing::body_of;
using testing::bytes_builder;

// kafka-python 2.0.2's consumer fetches committed offsets with v1 (checked
// against its encoder).
TEST(offset_fetch_request, v1_golden_bytes_from_kafka_python) {
  offset_fetch_request expected;
  expected.group_id = "g";
  expected.topics = {{{"t", {0, 1}}}};
  const auto body =
      bytes_builder().be16(1).text("g").be32(1).be16(1).text("t").be32(2).be32(0).be32(1).take();
  testing::expect_golden(body, 1, expected);
  testing::expect_golden(body, 0, expected);
}

// kafkajs 2.2.4 sends v4 and writes an empty topic list as null, which from
// v2 on means every topic the group has committed (checked against its
// encoder).
TEST(offset_fetch_request, v4_null_topics_from_kafkajs_means_all) {
  offset_fetch_request expected;
  expected.group_id = "g";
  expected.topics.reset();
  testing::expect_golden(bytes_builder().be16(1).text("g").be32(-1).take(), 4, expected);
}

TEST(offset_fetch_request, null_topics_cannot_be_said_before_v2) {
  testing::expect_refused<offset_fetch_request>(bytes_builder().be16(1).text("g").be32(-1).take(),
                                                1, codec_errc::unexpected_null);
  offset_fetch_request m;
  m.topics.reset();
  writer w;
  EXPECT_EQ(encode_message(m, 1, w), codec_errc::unexpected_null);
  // An empty list is fine everywhere (and means no topics before v2).
  EXPECT_EQ(body_of(offset_fetch_request{}, 0), bytes_builder().be16(0).be32(0).take());
}

TEST(offset_fetch_response, v1_golden_bytes_for_a_partition_without_a_commit) {
  offset_fetch_response m;
  m.topics = {{"t", {{0, -1, -1, "", error_code::none}}}};
  // clang-format off
  const auto body = bytes_builder()
                        .be32(1).be16(1).text("t")
                        .be32(1).be32(0).be64(-1).be16(0).be16(0)   // offset -1, metadata "", error 0
                        .take();
  // clang-format on
  testing::expect_golden(body, 1, m);
}

TEST(offset_fetch_response, later_versions_add_error_throttle_and_leader_epoch) {
  offset_fetch_response m;
  m.throttle_time_ms = 5;
  m.topics = {{"t", {{0, 42, 3, std::nullopt, error_code::none}}}};
  m.error_code = error_code::coordinator_load_in_progress;
  // clang-format off
  testing::expect_golden(bytes_builder()
                             .be32(5)                                    // throttle (v3+)
                             .be32(1).be16(1).text("t")
                             .be32(1).be32(0).be64(42).be32(3).be16(-1).be16(0)  // epoch (v5)
                             .be16(14)                                   // error_code (v2+)
                             .take(),
                         5, m);
  // clang-format on
  m.topics[0].partitions[0].committed_leader_epoch = -1;
  // clang-format off
  EXPECT_EQ(body_of(m, 2), bytes_builder()
                               .be32(1).be16(1).text("t")
                               .be32(1).be32(0).be64(42).be16(-1).be16(0)
                               .be16(14)
                               .take());
  // clang-format on
}

TEST(offset_fetch_response, lying_partition_count_is_refused) {
  const auto body = bytes_builder().be32(1).be16(1).text("t").be32(50000).fill(100, 0).take();
  testing::expect_refused<offset_fetch_response>(body, 1, codec_errc::truncated);
}

}  // namespace
}  // namespace sluice::protocol
