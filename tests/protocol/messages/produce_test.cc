#include "protocol/messages/produce.h"

#include <gtest/gtest.h>

#include "protocol/frame.h"
#include "tests/protocol/byte_helpers.h"

namespace sluice::protocol {
namespace {

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

}  // namespace
}  // namespace sluice::protocol
