#include "protocol/messages/produce.h"

#include <gtest/gtest.h>

#include "protocol/frame.h"
#include "tests/protocol/byte_helpers.h"
#include "tests/protocol/message_test_helpers.h"

namespace sluice::protocol {
namespace {

using testing::body_of;
using testing::bytes_builder;

TEST(produce_request, v7_golden_bytes_and_records_stay_in_the_frame) {
  // A 70-byte stand-in for a RecordBatch: the codec does not look inside.
  const auto batch = bytes_builder().fill(70, 0x5a).take();
  // clang-format off
  const auto body = bytes_builder()
                        .be16(-1)                                   // transactional_id (v3+)
                        .be16(-1).be32(30000)                       // acks=all, timeout
                        .be32(1).be16(4).text("logs")
                        .be32(2)
                        .be32(0).be32(70).text(std::string(70, '\x5a'))
                        .be32(1).be32(-1)                           // null records
                        .take();
  // clang-format on
  produce_request m;
  ASSERT_FALSE(decode_message(body, 7, m));
  EXPECT_FALSE(m.transactional_id.has_value());
  EXPECT_EQ(m.acks, -1);
  EXPECT_EQ(m.timeout_ms, 30000);
  ASSERT_EQ(m.topic_data.size(), 1u);
  EXPECT_EQ(m.topic_data[0].name, "logs");
  ASSERT_EQ(m.topic_data[0].partition_data.size(), 2u);
  const record_set& records = m.topic_data[0].partition_data[0].records;
  EXPECT_EQ(records, record_set::of(batch));
  // Zero copy: the view points at the bytes inside the body.
  EXPECT_EQ(records.bytes().data(), body.data() + 2 + 2 + 4 + 4 + 6 + 4 + 4 + 4);
  EXPECT_TRUE(m.topic_data[0].partition_data[1].records.is_null());

  writer w;
  ASSERT_FALSE(encode_message(m, 7, w));
  std::vector<std::byte> again;
  ASSERT_FALSE(std::move(w).finish().flatten(again));
  EXPECT_EQ(again, body);
}

TEST(produce_request, v2_has_no_transactional_id) {
  produce_request m;
  m.acks = 1;
  m.timeout_ms = 5;
  writer w;
  ASSERT_FALSE(encode_message(m, 2, w));
  std::vector<std::byte> out;
  ASSERT_FALSE(std::move(w).finish().flatten(out));
  EXPECT_EQ(out, bytes_builder().be16(1).be32(5).be32(0).take());
}

TEST(produce_request, client_frames_borrow_the_record_bytes) {
  const auto batch = bytes_builder().fill(4000, 0x01).take();
  produce_request m;
  m.acks = 1;
  m.topic_data = {{"t", {{3, record_set::of(batch)}}}};
  chunked_buffer buf;
  ASSERT_FALSE(encode_request_frame(m, 7, 1, "sluice", buf));
  EXPECT_LT(buf.owned().size(), 100u);
  bool borrowed = false;
  for (const chunk& c : buf.chunks()) borrowed |= c.bytes.data() == batch.data();
  EXPECT_TRUE(borrowed);
}

TEST(produce_response, v7_golden_bytes) {
  produce_response m;
  m.responses = {{"logs", {{0, error_code::none, 100, -1, 0}}}};
  m.throttle_time_ms = 0;
  // clang-format off
  const auto expected = bytes_builder()
                            .be32(1).be16(4).text("logs")
                            .be32(1).be32(0).be16(0).be64(100)
                            .be64(-1)                         // log_append_time_ms (v2+)
                            .be64(0)                          // log_start_offset (v5+)
                            .be32(0)                          // throttle_time_ms (v1+), last
                            .take();
  // clang-format on
  writer w;
  ASSERT_FALSE(encode_message(m, 7, w));
  std::vector<std::byte> out;
  ASSERT_FALSE(std::move(w).finish().flatten(out));
  EXPECT_EQ(out, expected);
  produce_response back;
  ASSERT_FALSE(decode_message(expected, 7, back));
  EXPECT_EQ(back, m);
}

TEST(produce_response, v0_is_topics_only) {
  produce_response m;
  m.responses = {{"a", {{1, error_code::not_leader_or_follower, 5}}}};
  writer w;
  ASSERT_FALSE(encode_message(m, 0, w));
  std::vector<std::byte> out;
  ASSERT_FALSE(std::move(w).finish().flatten(out));
  EXPECT_EQ(out, bytes_builder().be32(1).be16(1).text("a").be32(1).be32(1).be16(6).be64(5).take());
}

// v11 (librdkafka 2.15, Kafka 3.8+ producers): compact strings, compact
// records length, a tag section after each partition, topic and the body.
TEST(produce_request, v11_golden_bytes_and_records_stay_in_the_frame) {
  // clang-format off
  const auto body = bytes_builder()
                        .u8s({0x00})                               // transactional_id: null
                        .be16(-1).be32(1000)                       // acks, timeout_ms
                        .u8s({0x02}).u8s({0x02}).text("t")         // one topic
                        .u8s({0x02})                               // one partition
                        .be32(0).u8s({0x06}).fill(5, 0x5a)         // records: 5 bytes
                        .u8s({0x00})                               // partition tags
                        .u8s({0x00})                               // topic tags
                        .u8s({0x00})                               // tags
                        .take();
  // clang-format on
  const auto batch = bytes_builder().fill(5, 0x5a).take();
  produce_request m;
  m.acks = -1;
  m.timeout_ms = 1000;
  m.topic_data = {{"t", {{0, record_set::of(batch)}}}};
  testing::expect_golden(body, 11, m);
  produce_request back;
  ASSERT_FALSE(decode_message(body, 11, back));
  EXPECT_EQ(back.topic_data[0].partition_data[0].records.bytes().data(), body.data() + 16);
}

// KIP-951: a NOT_LEADER_OR_FOLLOWER answer names the new leader (partition
// tag 0) and its endpoint (top-level tag 0); v8's record_errors and
// error_message come before the partition's tags.
TEST(produce_response, v11_golden_bytes_with_leader_tags) {
  produce_response m;
  produce_response::partition_produce_response p;
  p.error_code = error_code::not_leader_or_follower;
  p.base_offset = -1;
  p.current_leader = {2, 5};
  m.responses = {{"t", {p}}};
  m.node_endpoints = {{2, "h", 9093, std::nullopt}};
  // clang-format off
  const auto body = bytes_builder()
                        .u8s({0x02}).u8s({0x02}).text("t")
                        .u8s({0x02})
                        .be32(0).be16(6).be64(-1).be64(-1).be64(-1)  // index, error, offsets
                        .u8s({0x01})                                 // record_errors: empty
                        .u8s({0x00})                                 // error_message: null
                        .u8s({0x01, 0x00, 0x09})                     // tag 0, 9 bytes
                        .be32(2).be32(5).u8s({0x00})                 // current_leader
                        .u8s({0x00})                                 // topic tags
                        .be32(0)                                     // throttle_time_ms
                        .u8s({0x01, 0x00, 0x0d})                     // tag 0, 13 bytes
                        .u8s({0x02}).be32(2).u8s({0x02}).text("h").be32(9093)
                        .u8s({0x00, 0x00})                           // rack null, tags
                        .take();
  // clang-format on
  testing::expect_golden(body, 11, m);
  // v9 has neither field: the same values encode without tags.
  EXPECT_EQ(body_of(m, 9).size(), body.size() - (2 + 9) - (2 + 13));
}

TEST(produce_response, v11_default_leader_fields_are_not_written) {
  produce_response m;
  produce_response::partition_produce_response p;
  p.base_offset = 7;
  p.record_errors = {{3, "bad"}};
  p.error_message = "x";
  m.responses = {{"t", {p}}};
  // clang-format off
  const auto body = bytes_builder()
                        .u8s({0x02}).u8s({0x02}).text("t").u8s({0x02})
                        .be32(0).be16(0).be64(7).be64(-1).be64(-1)
                        .u8s({0x02}).be32(3).u8s({0x04}).text("bad").u8s({0x00})
                        .u8s({0x02}).text("x")
                        .u8s({0x00, 0x00})                           // no partition/topic tags
                        .be32(0).u8s({0x00})
                        .take();
  // clang-format on
  testing::expect_golden(body, 11, m);
}

// E3: a v11 answer whose partition claims 2^21 record errors.
TEST(produce_response, v11_lying_record_error_count_is_refused) {
  // clang-format off
  const auto body = bytes_builder()
                        .u8s({0x02}).u8s({0x02}).text("t").u8s({0x02})
                        .be32(0).be16(0).be64(7).be64(-1).be64(-1)
                        .u8s({0x80, 0x80, 0x80, 0x01})               // 2^21 - 1 errors
                        .fill(40, 0x00)
                        .take();
  // clang-format on
  testing::expect_refused<produce_response>(body, 11, codec_errc::truncated);
}

// E3: a v11 request whose partition's tag section claims 10^6 fields.
TEST(produce_request, v11_lying_tag_count_is_refused) {
  // clang-format off
  const auto body = bytes_builder()
                        .u8s({0x00}).be16(1).be32(1000)
                        .u8s({0x02, 0x02}).text("t").u8s({0x02})
                        .be32(0).u8s({0x00})                         // null records
                        .u8s({0xc0, 0x84, 0x3d})                     // 1,000,000 tags
                        .fill(20, 0x00)
                        .take();
  // clang-format on
  testing::expect_refused<produce_request>(body, 11, codec_errc::truncated);
}

}  // namespace
}  // namespace sluice::protocol
