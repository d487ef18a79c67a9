#include "protocol/messages/fetch.h"

#include <gtest/gtest.h>

#include "protocol/frame.h"
#include "tests/protocol/byte_helpers.h"
#include "tests/protocol/message_test_helpers.h"

namespace sluice::protocol {
namespace {

using testing::body_of;
using testing::bytes_builder;

// Shaped like librdkafka 2.0.2's Fetch v11 (PROTOCOL.md G7): replica -1,
// read_committed, session 0 / epoch -1, no forgotten topics, empty rack.
TEST(fetch_request, v11_golden_bytes) {
  // clang-format off
  const auto body = bytes_builder()
                        .be32(-1).be32(500).be32(1).be32(52428800)
                        .u8s({0x01})                                  // isolation_level
                        .be32(0).be32(-1)                             // session id, epoch
                        .be32(1).be16(4).text("logs")
                        .be32(1).be32(2)                              // partition 2
                        .be32(-1)                                     // current_leader_epoch
                        .be64(1234).be64(-1).be32(1048576)
                        .be32(0)                                      // forgotten topics
                        .be16(0)                                      // rack_id ""
                        .take();
  // clang-format on
  fetch_request m;
  ASSERT_FALSE(decode_message(body, 11, m));
  EXPECT_EQ(m.replica_id, -1);
  EXPECT_EQ(m.max_wait_ms, 500);
  EXPECT_EQ(m.max_bytes, 52428800);
  EXPECT_EQ(m.isolation_level, 1);
  EXPECT_EQ(m.session_epoch, -1);
  ASSERT_EQ(m.topics.size(), 1u);
  ASSERT_EQ(m.topics[0].partitions.size(), 1u);
  EXPECT_EQ(m.topics[0].partitions[0].partition, 2);
  EXPECT_EQ(m.topics[0].partitions[0].fetch_offset, 1234);
  EXPECT_EQ(m.topics[0].partitions[0].partition_max_bytes, 1048576);

  writer w;
  ASSERT_FALSE(encode_message(m, 11, w));
  std::vector<std::byte> again;
  ASSERT_FALSE(std::move(w).finish().flatten(again));
  EXPECT_EQ(again, body);
}

TEST(fetch_request, v4_as_kafka_python_sends_it) {
  fetch_request m;
  m.max_wait_ms = 500;
  m.min_bytes = 1;
  m.max_bytes = 52428800;
  m.topics = {{"t", {{0, -1, 7, -1, 1048576}}}};
  writer w;
  ASSERT_FALSE(encode_message(m, 4, w));
  std::vector<std::byte> out;
  ASSERT_FALSE(std::move(w).finish().flatten(out));
  // clang-format off
  EXPECT_EQ(out, bytes_builder()
                     .be32(-1).be32(500).be32(1).be32(52428800).u8s({0x00})
                     .be32(1).be16(1).text("t").be32(1).be32(0).be64(7).be32(1048576)
                     .take());
  // clang-format on
}

TEST(fetch_response, v4_golden_bytes) {
  const auto batch = bytes_builder().fill(61, 0x33).take();
  fetch_response m;
  fetch_response::partition_data p;
  p.partition_index = 0;
  p.high_watermark = 10;
  p.last_stable_offset = 10;
  p.records = record_set::of(batch);
  m.responses = {{"t", {p}}};
  // clang-format off
  const auto expected = bytes_builder()
                            .be32(0)                                   // throttle_time_ms
                            .be32(1).be16(1).text("t")
                            .be32(1).be32(0).be16(0).be64(10).be64(10)
                            .be32(0)                                   // aborted: empty
                            .be32(61).fill(61, 0x33)
                            .take();
  // clang-format on
  writer w;
  ASSERT_FALSE(encode_message(m, 4, w));
  std::vector<std::byte> out;
  ASSERT_FALSE(std::move(w).finish().flatten(out));
  EXPECT_EQ(out, expected);
  fetch_response back;
  ASSERT_FALSE(decode_message(expected, 4, back));
  EXPECT_EQ(back, m);
}

TEST(fetch_response, v11_adds_session_and_preferred_read_replica) {
  fetch_response m;
  m.session_id = 0;
  fetch_response::partition_data p;
  p.aborted_transactions.reset();
  m.responses = {{"t", {p}}};
  writer w;
  ASSERT_FALSE(encode_message(m, 11, w));
  std::vector<std::byte> out;
  ASSERT_FALSE(std::move(w).finish().flatten(out));
  // clang-format off
  EXPECT_EQ(out, bytes_builder()
                     .be32(0).be16(0).be32(0)                       // throttle, error, session
                     .be32(1).be16(1).text("t")
                     .be32(1).be32(0).be16(0).be64(0).be64(-1).be64(-1)
                     .be32(-1)                                      // aborted: null
                     .be32(-1)                                      // preferred_read_replica
                     .be32(-1)                                      // records: null
                     .take());
  // clang-format on
}

// The broker's path: record sets are external slices (segment file ranges).
// The encoder writes everything else and says where each slice goes; the
// frame size counts the slices.
TEST(fetch_response, external_records_become_slices_between_owned_chunks) {
  fetch_response m;
  fetch_response::partition_data p0;
  p0.partition_index = 0;
  p0.records = record_set::external({.descriptor = 100, .length = 4096});
  fetch_response::partition_data p1;
  p1.partition_index = 1;
  p1.records = record_set::external({.descriptor = 101, .length = 512});
  fetch_response::partition_data p2;  // no data for this one
  p2.partition_index = 2;
  p2.records = record_set::of({});
  m.responses = {{"logs", {p0, p1, p2}}};

  chunked_buffer buf;
  ASSERT_FALSE(encode_response_frame(m, 11, 7, buf));
  ASSERT_TRUE(buf.has_external());
  const std::vector<chunk> chunks = buf.chunks();
  ASSERT_EQ(chunks.size(), 5u);
  EXPECT_FALSE(chunks[0].external);
  ASSERT_TRUE(chunks[1].external);
  EXPECT_EQ(chunks[1].external->descriptor, 100u);
  EXPECT_EQ(chunks[1].external->length, 4096u);
  EXPECT_FALSE(chunks[2].external);
  ASSERT_TRUE(chunks[3].external);
  EXPECT_EQ(chunks[3].external->descriptor, 101u);
  EXPECT_FALSE(chunks[4].external);

  size_t total = 0;
  for (const chunk& c : chunks) total += c.external ? c.external->length : c.bytes.size();
  EXPECT_EQ(total, buf.size());
  EXPECT_EQ(buf.owned().size() + 4096 + 512, buf.size());

  // Send it as a connection would, filling each slice from its "file".
  std::vector<std::byte> wire;
  for (const chunk& c : chunks) {
    if (c.external) {
      wire.insert(wire.end(), c.external->length, static_cast<std::byte>(c.external->descriptor));
    } else {
      wire.insert(wire.end(), c.bytes.begin(), c.bytes.end());
    }
  }
  const frame_split s = split_frame(wire, {.min_bytes = min_response_frame_bytes});
  ASSERT_EQ(s.state, frame_split::status::complete);
  EXPECT_EQ(s.consumed, wire.size());
  response_header h;
  std::span<const std::byte> body;
  ASSERT_FALSE(parse_response_frame(s.frame, api_key::fetch, 11, h, body));
  EXPECT_EQ(h.correlation_id, 7);
  fetch_response back;
  ASSERT_FALSE(decode_message(body, 11, back));
  const auto& parts = back.responses.at(0).partitions;
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].records, record_set::of(std::vector<std::byte>(4096, std::byte{100})));
  EXPECT_EQ(parts[1].records, record_set::of(std::vector<std::byte>(512, std::byte{101})));
  EXPECT_EQ(parts[2].records.size(), 0u);
  EXPECT_FALSE(parts[2].records.is_null());
}

TEST(fetch_request, versions_outside_the_codec_range_are_unsupported) {
  const auto body = bytes_builder().be32(-1).be32(0).be32(0).be32(0).take();
  fetch_request m;
  EXPECT_EQ(decode_message(body, 3, m), codec_errc::unsupported_version);
  EXPECT_EQ(decode_message(body, 18, m), codec_errc::unsupported_version);
  EXPECT_EQ(to_kafka_error(decode_message(body, 18, m)), error_code::unsupported_version);
}

// Shaped like librdkafka 2.15's Fetch: no replica_id from v15, topics by id
// from v13, last_fetched_epoch -1 (v12+), session 0 / epoch -1, empty rack.
TEST(fetch_request, v17_golden_bytes) {
  // clang-format off
  const auto body = bytes_builder()
                        .be32(500).be32(1).be32(52428800)            // no replica_id (v15+)
                        .u8s({0x01})                                 // isolation_level
                        .be32(0).be32(-1)                            // session id, epoch
                        .u8s({0x02}).fill(16, 0x33)                  // one topic, by id
                        .u8s({0x02})
                        .be32(2).be32(-1).be64(1234)                 // partition, epoch, offset
                        .be32(-1)                                    // last_fetched_epoch
                        .be64(-1).be32(1048576)                      // log_start, max bytes
                        .u8s({0x00})                                 // partition tags
                        .u8s({0x00})                                 // topic tags
                        .u8s({0x01})                                 // forgotten: empty
                        .u8s({0x01})                                 // rack_id ""
                        .u8s({0x00})                                 // tags
                        .take();
  // clang-format on
  fetch_request m;
  m.max_wait_ms = 500;
  m.min_bytes = 1;
  m.max_bytes = 52428800;
  m.isolation_level = 1;
  fetch_request::fetch_topic t;
  t.topic_id = testing::uuid_filled(0x33);
  t.partitions = {{2, -1, 1234, -1, 1048576}};
  m.topics = {t};
  testing::expect_golden(body, 17, m);
}

TEST(fetch_request, v17_tagged_fields_when_set) {
  fetch_request m;
  m.cluster_id = "c";
  m.replica_state = {3, 7};
  fetch_request::fetch_topic t;
  t.topic_id = testing::uuid_filled(0x01);
  fetch_request::fetch_partition p;
  p.replica_directory_id = testing::uuid_filled(0x44);
  t.partitions = {p};
  m.topics = {t};
  // clang-format off
  const auto body = bytes_builder()
                        .be32(0).be32(0).be32(INT32_MAX).u8s({0x00}).be32(0).be32(-1)
                        .u8s({0x02}).fill(16, 0x01).u8s({0x02})
                        .be32(0).be32(-1).be64(0).be32(-1).be64(-1).be32(0)
                        .u8s({0x01, 0x00, 0x10}).fill(16, 0x44)      // replica_directory_id
                        .u8s({0x00})
                        .u8s({0x01, 0x01})                           // forgotten, rack
                        .u8s({0x02})                                 // two tagged fields
                        .u8s({0x00, 0x02, 0x02}).text("c")           // cluster_id
                        .u8s({0x01, 0x0d}).be32(3).be64(7).u8s({0x00})  // replica_state
                        .take();
  // clang-format on
  testing::expect_golden(body, 17, m);
  // v16 has no replica_directory_id: its tag is not written.
  EXPECT_EQ(body_of(m, 16).size(), body.size() - (2 + 16));
}

// v12: flexible, still by name, and replica_id still in the body.
TEST(fetch_request, v12_names_topics_and_forgotten_topics) {
  fetch_request m;
  m.session_id = 5;
  m.topics = {{"t", {{0, -1, 7, -1, 100}}}};
  m.forgotten_topics_data = {{"old", {1, 2}}};
  // clang-format off
  const auto body = bytes_builder()
                        .be32(-1).be32(0).be32(0).be32(INT32_MAX).u8s({0x00})
                        .be32(5).be32(-1)
                        .u8s({0x02, 0x02}).text("t").u8s({0x02})
                        .be32(0).be32(-1).be64(7).be32(-1).be64(-1).be32(100).u8s({0x00})
                        .u8s({0x00})
                        .u8s({0x02, 0x04}).text("old").u8s({0x03}).be32(1).be32(2).u8s({0x00})
                        .u8s({0x01})                                 // rack_id ""
                        .u8s({0x00})
                        .take();
  // clang-format on
  testing::expect_golden(body, 12, m);
}

TEST(fetch_response, v17_golden_bytes) {
  const auto batch = bytes_builder().fill(61, 0x33).take();
  fetch_response m;
  fetch_response::partition_data p;
  p.high_watermark = 10;
  p.last_stable_offset = 10;
  p.log_start_offset = 0;
  p.records = record_set::of(batch);
  fetch_response::fetchable_topic_response t;
  t.topic_id = testing::uuid_filled(0x33);
  t.partitions = {p};
  m.responses = {t};
  // clang-format off
  const auto body = bytes_builder()
                        .be32(0).be16(0).be32(0)                     // throttle, error, session
                        .u8s({0x02}).fill(16, 0x33)                  // topic by id
                        .u8s({0x02})
                        .be32(0).be16(0).be64(10).be64(10).be64(0)
                        .u8s({0x01})                                 // aborted: empty
                        .be32(-1)                                    // preferred_read_replica
                        .u8s({0x3e}).fill(61, 0x33)                  // records: 61 + 1
                        .u8s({0x00})                                 // partition tags
                        .u8s({0x00})                                 // topic tags
                        .u8s({0x00})                                 // tags
                        .take();
  // clang-format on
  testing::expect_golden(body, 17, m);
}

TEST(fetch_response, v16_tagged_fields_when_set) {
  fetch_response m;
  fetch_response::partition_data p;
  p.aborted_transactions.reset();
  p.diverging_epoch = {4, 99};
  p.current_leader = {1, 6};
  p.snapshot_id = {50, 3};
  fetch_response::fetchable_topic_response t;
  t.topic_id = testing::uuid_filled(0x02);
  t.partitions = {p};
  m.responses = {t};
  m.node_endpoints = {{1, "h", 9092, "r"}};
  // clang-format off
  const auto body = bytes_builder()
                        .be32(0).be16(0).be32(0)
                        .u8s({0x02}).fill(16, 0x02).u8s({0x02})
                        .be32(0).be16(0).be64(0).be64(-1).be64(-1)
                        .u8s({0x00})                                 // aborted: null
                        .be32(-1).u8s({0x00})                        // replica, records null
                        .u8s({0x03})                                 // three tagged fields
                        .u8s({0x00, 0x0d}).be32(4).be64(99).u8s({0x00})  // diverging_epoch
                        .u8s({0x01, 0x09}).be32(1).be32(6).u8s({0x00})   // current_leader
                        .u8s({0x02, 0x0d}).be64(50).be32(3).u8s({0x00})  // snapshot_id
                        .u8s({0x00})
                        .u8s({0x01, 0x00, 0x0e})                     // node_endpoints, 14 bytes
                        .u8s({0x02}).be32(1).u8s({0x02}).text("h").be32(9092)
                        .u8s({0x02}).text("r").u8s({0x00})
                        .take();
  // clang-format on
  testing::expect_golden(body, 16, m);
  // v15 has no node_endpoints.
  EXPECT_EQ(body_of(m, 15).size(), body.size() - (2 + 14));
}

// Zero copy at the flexible versions too: the compact length prefix is
// written, the slice is spliced, and the frame size counts it.
TEST(fetch_response, v17_external_records_keep_the_compact_prefix) {
  fetch_response m;
  fetch_response::partition_data p;
  p.records = record_set::external({.descriptor = 3, .length = 300});
  fetch_response::fetchable_topic_response t;
  t.topic_id = testing::uuid_filled(0x09);
  t.partitions = {p};
  m.responses = {t};
  chunked_buffer buf;
  ASSERT_FALSE(encode_response_frame(m, 17, 1, buf));
  const std::vector<chunk> chunks = buf.chunks();
  ASSERT_EQ(chunks.size(), 3u);
  ASSERT_TRUE(chunks[1].external);
  EXPECT_EQ(chunks[1].external->length, 300u);
  // The owned bytes before the slice end with unsigned varint 301.
  const auto& before = chunks[0].bytes;
  ASSERT_GE(before.size(), 2u);
  EXPECT_EQ(before[before.size() - 2], std::byte{0xad});
  EXPECT_EQ(before[before.size() - 1], std::byte{0x02});
  EXPECT_EQ(buf.owned().size() + 300, buf.size());
}

// E3: a v17 request whose topic claims a million partitions of 16+ bytes.
TEST(fetch_request, v17_lying_partition_count_is_refused) {
  // clang-format off
  const auto body = bytes_builder()
                        .be32(500).be32(1).be32(1).u8s({0x00}).be32(0).be32(-1)
                        .u8s({0x02}).fill(16, 0x33)
                        .u8s({0xc1, 0x84, 0x3d})                     // 1,000,000 partitions
                        .fill(200, 0x00)
                        .take();
  // clang-format on
  testing::expect_refused<fetch_request>(body, 17, codec_errc::truncated);
}

// E3: a v17 answer whose node_endpoints (a tagged field) claims 2^28 entries.
TEST(fetch_response, v17_lying_node_endpoint_count_is_refused) {
  // clang-format off
  const auto body = bytes_builder()
                        .be32(0).be16(0).be32(0).u8s({0x01})         // no topics
                        .u8s({0x01, 0x00, 0x08})                     // tag 0, 8 bytes
                        .u8s({0x80, 0x80, 0x80, 0x80, 0x01}).fill(3, 0x00)
                        .take();
  // clang-format on
  testing::expect_refused<fetch_response>(body, 17, codec_errc::truncated);
}

}  // namespace
}  // namespace sluice::protocol
