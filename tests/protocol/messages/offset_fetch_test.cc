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

// v6 (first flexible) and v7 (require_stable), hand-built from Kafka's spec.
TEST(offset_fetch_request, v6_and_v7_golden_bytes) {
  offset_fetch_request m;
  m.group_id = "g";
  m.topics = {{{"t", {0, 1}}}};
  // clang-format off
  const auto v6 = bytes_builder()
                      .u8s({0x02}).text("g").u8s({0x02, 0x02}).text("t")
                      .u8s({0x03}).be32(0).be32(1).u8s({0x00})   // 2 partitions, topic tags
                      .u8s({0x00})
                      .take();
  // clang-format on
  testing::expect_golden(v6, 6, m);
  m.require_stable = true;
  auto v7 = v6;
  v7.insert(v7.end() - 1, std::byte{0x01});  // require_stable before the request's tags
  testing::expect_golden(v7, 7, m);
}

// v8 batches groups (null topics: all); v9 adds member id and epoch per group.
TEST(offset_fetch_request, v8_and_v9_golden_bytes_with_groups) {
  offset_fetch_request m;
  m.groups = {{"g", std::nullopt, -1, std::nullopt}};
  m.require_stable = true;
  testing::expect_golden(
      bytes_builder().u8s({0x02, 0x02}).text("g").u8s({0x00, 0x00, 0x01, 0x00}).take(), 8, m);
  m.groups = {{"g", std::nullopt, -1, {{{"t", {0}}}}}};
  m.require_stable = false;
  // clang-format off
  const auto v9 = bytes_builder()
                      .u8s({0x02, 0x02}).text("g")
                      .u8s({0x00}).be32(-1)                        // member_id null, epoch -1
                      .u8s({0x02, 0x02}).text("t").u8s({0x02}).be32(0).u8s({0x00})
                      .u8s({0x00})                                 // group tags
                      .u8s({0x00, 0x00})                           // require_stable, tags
                      .take();
  // clang-format on
  testing::expect_golden(v9, 9, m);
}

TEST(offset_fetch_response, v8_golden_bytes_answer_per_group) {
  offset_fetch_response m;
  offset_fetch_response::offset_fetch_response_group g;
  g.group_id = "g";
  g.topics = {{"t", {{0, 42, -1, "", error_code::none}}}};
  m.groups = {g, {"h", {}, error_code::coordinator_not_available}};
  // clang-format off
  const auto body = bytes_builder()
                        .be32(0).u8s({0x03})                         // throttle, 2 groups
                        .u8s({0x02}).text("g").u8s({0x02, 0x02}).text("t")
                        .u8s({0x02}).be32(0).be64(42).be32(-1).u8s({0x01}).be16(0)
                        .u8s({0x00, 0x00})                           // partition, topic tags
                        .be16(0).u8s({0x00})                         // group error, tags
                        .u8s({0x02}).text("h").u8s({0x01}).be16(15).u8s({0x00})
                        .u8s({0x00})
                        .take();
  // clang-format on
  testing::expect_golden(body, 8, m);
  EXPECT_EQ(single_group(m, "h").error_code, error_code::coordinator_not_available);
  EXPECT_EQ(single_group(m, "g").topics.size(), 1u);
}

TEST(offset_fetch_response, single_group_reads_the_v0_to_v7_form) {
  offset_fetch_response m;
  m.topics = {{"t", {{0, 7, -1, "", error_code::none}}}};
  m.error_code = error_code::none;
  const auto g = single_group(m, "g");
  EXPECT_EQ(g.group_id, "g");
  EXPECT_EQ(g.topics, m.topics);
}

TEST(offset_fetch_request, v8_lying_group_count_is_refused) {
  const auto body = bytes_builder().u8s({0xff, 0xff, 0xff, 0x7f}).fill(8, 0).take();
  testing::expect_refused<offset_fetch_request>(body, 8, codec_errc::truncated);
}

TEST(offset_fetch_response, v6_lying_partition_count_is_refused) {
  const auto body = bytes_builder()
                        .be32(0)
                        .u8s({0x02, 0x02})
                        .text("t")
                        .u8s({0xa0, 0x8d, 0x06})
                        .fill(32, 0)
                        .take();
  testing::expect_refused<offset_fetch_response>(body, 6, codec_errc::truncated);
}

}  // namespace
}  // namespace sluice::protocol
