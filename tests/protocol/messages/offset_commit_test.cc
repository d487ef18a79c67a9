#include "protocol/messages/offset_commit.h"

#include <gtest/gtest.h>

#include "tests/protocol/byte_helpers.h"
#include "tests/protocol/message_test_helpers.h"

namespace sluice::protocol {
namespace {

using testing::body_of;
using testing::bytes_builder;

// kafka-python 2.0.2's consumer commits with v2: retention -1 (the broker's
// default) and empty metadata (checked against its encoder).
TEST(offset_commit_request, v2_golden_bytes_from_kafka_python) {
  // clang-format off
  const auto body = bytes_builder()
                        .be16(1).text("g").be32(1).be16(1).text("m")
                        .be64(-1)                                  // retention_time_ms (v2-4)
                        .be32(1).be16(1).text("t")
                        .be32(1).be32(0).be64(42).be16(0)          // partition, offset, metadata ""
                        .take();
  // clang-format on
  offset_commit_request expected;
  expected.group_id = "g";
  expected.generation_id = 1;
  expected.member_id = "m";
  expected.topics = {{"t", {{0, 42, -1, -1, ""}}}};
  testing::expect_golden(body, 2, expected);
}

// kafkajs 2.2.4 commits with v5: no retention, null metadata (checked against
// its encoder).
TEST(offset_commit_request, v5_golden_bytes_from_kafkajs) {
  // clang-format off
  const auto body = bytes_builder()
                        .be16(1).text("g").be32(1).be16(1).text("m")
                        .be32(1).be16(1).text("t")
                        .be32(1).be32(0).be64(42).be16(-1)
                        .take();
  // clang-format on
  offset_commit_request expected;
  expected.group_id = "g";
  expected.generation_id = 1;
  expected.member_id = "m";
  expected.topics = {{"t", {{0, 42, -1, -1, std::nullopt}}}};
  testing::expect_golden(body, 5, expected);
}

// librdkafka 2.0.2 commits with v7 (rd_kafka_OffsetCommitRequest): instance
// id, then per partition the leader epoch before the metadata.
TEST(offset_commit_request, v7_layout_as_librdkafka_writes_it) {
  offset_commit_request m;
  m.group_id = "g";
  m.generation_id = 4;
  m.member_id = "m";
  m.topics = {{"t", {{2, 100, 3, -1, ""}}}};
  // clang-format off
  const auto body = bytes_builder()
                        .be16(1).text("g").be32(4).be16(1).text("m")
                        .be16(-1)                                  // group_instance_id (v7)
                        .be32(1).be16(1).text("t")
                        .be32(1).be32(2).be64(100).be32(3).be16(0) // leader epoch (v6+)
                        .take();
  // clang-format on
  testing::expect_golden(body, 7, m);
}

TEST(offset_commit_request, v0_and_v1_are_the_old_layouts) {
  offset_commit_request m;
  m.group_id = "g";
  m.generation_id = 1;
  m.member_id = "m";
  m.topics = {{"t", {{0, 5, -1, 1234, std::nullopt}}}};
  // clang-format off
  EXPECT_EQ(body_of(m, 0), bytes_builder()
                               .be16(1).text("g")
                               .be32(1).be16(1).text("t").be32(1).be32(0).be64(5).be16(-1)
                               .take());
  testing::expect_golden(bytes_builder()
                             .be16(1).text("g").be32(1).be16(1).text("m")
                             .be32(1).be16(1).text("t")
                             .be32(1).be32(0).be64(5).be64(1234).be16(-1)  // commit_timestamp (v1)
                             .take(),
                         1, m);
  // clang-format on
}

TEST(offset_commit_response, v3_adds_throttle_time) {
  offset_commit_response m;
  m.throttle_time_ms = 4;
  m.topics = {{"t", {{0, error_code::none}, {1, error_code::offset_metadata_too_large}}}};
  // clang-format off
  const auto topics = bytes_builder()
                          .be32(1).be16(1).text("t").be32(2).be32(0).be16(0).be32(1).be16(12)
                          .take();
  // clang-format on
  EXPECT_EQ(body_of(m, 2), topics);
  auto v3 = bytes_builder().be32(4).take();
  v3.insert(v3.end(), topics.begin(), topics.end());
  testing::expect_golden(v3, 3, m);
  testing::expect_golden(v3, 7, m);
}

TEST(offset_commit_request, lying_partition_count_is_refused) {
  // One topic claiming 100,000 partitions of at least 13 bytes each.
  // clang-format off
  const auto body = bytes_builder()
                        .be16(1).text("g").be32(1).be16(1).text("m").be64(-1)
                        .be32(1).be16(1).text("t").be32(100000).fill(64, 0)
                        .take();
  // clang-format on
  testing::expect_refused<offset_commit_request>(body, 2, codec_errc::truncated);
}

TEST(offset_commit_request, lying_topic_count_is_refused) {
  const auto body =
      bytes_builder().be16(1).text("g").be32(1).be16(1).text("m").be32(INT32_MAX).take();
  testing::expect_refused<offset_commit_request>(body, 5, codec_errc::truncated);
}

// v8 (the first flexible version), hand-built from Kafka's spec: compact
// strings and arrays, an empty tag section after each struct. v9 has the
// same fields.
TEST(offset_commit_request, v8_and_v9_golden_bytes) {
  offset_commit_request m;
  m.group_id = "g";
  m.generation_id = 1;
  m.member_id = "m";
  m.topics = {{"t", {{0, 42, 3, -1, ""}}}};
  // clang-format off
  const auto body = bytes_builder()
                        .u8s({0x02}).text("g").be32(1).u8s({0x02}).text("m")
                        .u8s({0x00})                             // group_instance_id null
                        .u8s({0x02, 0x02}).text("t")             // 1 topic, "t"
                        .u8s({0x02}).be32(0).be64(42).be32(3)    // 1 partition, epoch 3
                        .u8s({0x01})                             // metadata ""
                        .u8s({0x00, 0x00, 0x00})                 // partition, topic, request tags
                        .take();
  // clang-format on
  testing::expect_golden(body, 8, m);
  testing::expect_golden(body, 9, m);
}

TEST(offset_commit_response, v8_golden_bytes) {
  offset_commit_response m;
  m.topics = {{"t", {{0, error_code::unknown_topic_or_partition}}}};
  // clang-format off
  const auto body = bytes_builder()
                        .be32(0).u8s({0x02, 0x02}).text("t")
                        .u8s({0x02}).be32(0).be16(3).u8s({0x00, 0x00, 0x00})
                        .take();
  // clang-format on
  testing::expect_golden(body, 8, m);
  testing::expect_golden(body, 9, m);
}

TEST(offset_commit_request, v8_lying_compact_topic_count_is_refused) {
  // A compact count of 2^28 topics in a few bytes.
  const auto body = bytes_builder()
                        .u8s({0x02})
                        .text("g")
                        .be32(1)
                        .u8s({0x02})
                        .text("m")
                        .u8s({0x00})
                        .u8s({0x80, 0x80, 0x80, 0x80, 0x01})
                        .fill(16, 0)
                        .take();
  testing::expect_refused<offset_commit_request>(body, 8, codec_errc::truncated);
}

}  // namespace
}  // namespace sluice::protocol
