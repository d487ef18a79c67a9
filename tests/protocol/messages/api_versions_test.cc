#include "protocol/messages/api_versions.h"

#include <gtest/gtest.h>

#include "protocol/frame.h"
#include "tests/protocol/byte_helpers.h"

namespace sluice::protocol {
namespace {

using testing::bytes_builder;

std::vector<std::byte> flat(const chunked_buffer& buf) {
  std::vector<std::byte> out;
  EXPECT_FALSE(buf.flatten(out));
  return out;
}

// What librdkafka 2.0.2 sends first on every connection: ApiVersions v3,
// request header v2 with client_id "rdkafka", body with the software name and
// version as compact strings, and empty tag sections.
// clang-format off
const std::vector<std::byte> librdkafka_v3_request = bytes_builder()
    .be32(36)
    .be16(18).be16(3).be32(1)          // api_key, api_version, correlation_id
    .be16(7).text("rdkafka")           // client_id: classic string even in header v2
    .u8s({0x00})                       // header tags
    .u8s({0x0b}).text("librdkafka")    // client_software_name: compact, 10 + 1
    .u8s({0x06}).text("2.0.2")         // client_software_version: compact, 5 + 1
    .u8s({0x00})                       // body tags
    .take();
// clang-format on

TEST(api_versions_request, decodes_librdkafkas_v3_request) {
  const frame_split s = split_frame(librdkafka_v3_request, {});
  ASSERT_EQ(s.state, frame_split::status::complete);
  request_frame f;
  ASSERT_FALSE(parse_request_frame(s.frame, f));
  EXPECT_EQ(f.header.key, api_key::api_versions);
  EXPECT_EQ(f.header.api_version, 3);
  EXPECT_EQ(f.header.correlation_id, 1);
  EXPECT_EQ(f.header.client_id, "rdkafka");
  api_versions_request m;
  ASSERT_FALSE(decode_message(f.body, 3, m));
  EXPECT_EQ(m.client_software_name, "librdkafka");
  EXPECT_EQ(m.client_software_version, "2.0.2");
}

TEST(api_versions_request, encodes_librdkafkas_v3_request_byte_for_byte) {
  api_versions_request m{"librdkafka", "2.0.2"};
  chunked_buffer buf;
  ASSERT_FALSE(encode_request_frame(m, 3, 1, "rdkafka", buf));
  EXPECT_EQ(flat(buf), librdkafka_v3_request);
}

TEST(api_versions_request, kafka_python_v0_request_has_an_empty_body) {
  // clang-format off
  const auto frame = bytes_builder()
                         .be32(28).be16(18).be16(0).be32(1).be16(18).text("kafka-python-2.0.2")
                         .take();
  // clang-format on
  chunked_buffer buf;
  ASSERT_FALSE(encode_request_frame(api_versions_request{}, 0, 1, "kafka-python-2.0.2", buf));
  EXPECT_EQ(flat(buf), frame);
}

TEST(api_versions_response, v3_has_a_v0_header_and_a_compact_body) {
  api_versions_response m;
  m.api_keys = {{0, 0, 7}, {18, 0, 3}};
  chunked_buffer buf;
  ASSERT_FALSE(encode_response_frame(m, 3, 1, buf));
  // clang-format off
  EXPECT_EQ(flat(buf), bytes_builder()
                           .be32(4 + 2 + 1 + 14 + 4 + 1)
                           .be32(1)                             // header v0: no tag byte
                           .be16(0)                             // error_code
                           .u8s({0x03})                         // two entries, compact
                           .be16(0).be16(0).be16(7).u8s({0x00})
                           .be16(18).be16(0).be16(3).u8s({0x00})
                           .be32(0)                             // throttle_time_ms
                           .u8s({0x00})                         // no tagged fields
                           .take());
  // clang-format on
}

TEST(api_versions_response, v3_tagged_fields_are_written_when_set) {
  api_versions_response m;
  m.supported_features = {{"metadata.version", 1, 20}};
  m.finalized_features_epoch = 5;
  const auto body = [&] {
    writer w;
    EXPECT_FALSE(encode_message(m, 3, w));
    return flat(std::move(w).finish());
  }();
  // clang-format off
  EXPECT_EQ(body, bytes_builder()
                      .be16(0).u8s({0x01}).be32(0)
                      .u8s({0x02})                                   // two tagged fields
                      .u8s({0x00, 0x17, 0x02, 0x11}).text("metadata.version")
                      .be16(1).be16(20).u8s({0x00})                  // tag 0, 23 bytes
                      .u8s({0x01, 0x08}).be64(5)                     // tag 1, 8 bytes
                      .take());
  // clang-format on
  api_versions_response back;
  ASSERT_FALSE(decode_message(body, 3, back));
  EXPECT_EQ(back, m);
}

TEST(api_versions_response, v3_skips_unknown_tags) {
  // clang-format off
  const auto body = bytes_builder()
                        .be16(0).u8s({0x01}).be32(0)
                        .u8s({0x02, 0x03, 0x01, 0x01, 0x09, 0x02, 0xaa, 0xbb})
                        .take();
  // clang-format on
  api_versions_response back;
  ASSERT_FALSE(decode_message(body, 3, back));
  EXPECT_TRUE(back.zk_migration_ready);
}

// PROTOCOL.md G1: an ApiVersions request of a version the broker does not
// implement is answered in v0 layout with UNSUPPORTED_VERSION and ApiVersions'
// own range; librdkafka then retries with v0 (or the advertised max).
TEST(api_versions_response, unsupported_version_answer_is_v0_layout) {
  chunked_buffer buf;
  ASSERT_FALSE(encode_response_frame(unsupported_version_response(0, 3),
                                     unsupported_version_response_version, 42, buf));
  // clang-format off
  EXPECT_EQ(flat(buf), bytes_builder()
                           .be32(16)
                           .be32(42)
                           .be16(35)                      // UNSUPPORTED_VERSION
                           .be32(1).be16(18).be16(0).be16(3)
                           .take());
  // clang-format on
}

TEST(api_versions_response, client_falls_back_to_v0_for_an_error_answer) {
  const auto body = bytes_builder().be16(35).be32(1).be16(18).be16(0).be16(2).take();
  api_versions_response m;
  ASSERT_FALSE(decode_api_versions_response(body, 3, m));
  EXPECT_EQ(m.error_code, error_code::unsupported_version);
  ASSERT_EQ(m.api_keys.size(), 1u);
  EXPECT_EQ(m.api_keys[0].max_version, 2);
}

TEST(api_versions_response, client_reads_a_proper_v3_answer_as_v3) {
  api_versions_response sent;
  sent.api_keys = {{3, 0, 8}};
  sent.throttle_time_ms = 12;
  sent.zk_migration_ready = true;
  writer w;
  ASSERT_FALSE(encode_message(sent, 3, w));
  const auto body = flat(std::move(w).finish());
  api_versions_response m;
  ASSERT_FALSE(decode_api_versions_response(body, 3, m));
  EXPECT_EQ(m, sent);
}

TEST(api_versions_response, v0_and_v1_differ_by_throttle_time) {
  api_versions_response m;
  m.api_keys = {{1, 4, 11}};
  m.throttle_time_ms = 0;
  writer w0, w1;
  ASSERT_FALSE(encode_message(m, 0, w0));
  ASSERT_FALSE(encode_message(m, 1, w1));
  EXPECT_EQ(flat(std::move(w0).finish()),
            bytes_builder().be16(0).be32(1).be16(1).be16(4).be16(11).take());
  EXPECT_EQ(flat(std::move(w1).finish()),
            bytes_builder().be16(0).be32(1).be16(1).be16(4).be16(11).be32(0).take());
}

// v4 (what Kafka 3.9+'s Java client and librdkafka 2.15 send first) is v3 on
// the wire: header v2 with a classic client_id, compact body.
TEST(api_versions_request, v4_frame_is_the_v3_layout) {
  // clang-format off
  const auto frame = bytes_builder()
                         .be32(2 + 2 + 4 + 2 + 3 + 1 + 18 + 6 + 1)
                         .be16(18).be16(4).be32(9)
                         .be16(3).text("cli").u8s({0x00})               // header v2
                         .u8s({0x12}).text("apache-kafka-java")          // 17 + 1
                         .u8s({0x06}).text("4.1.0")
                         .u8s({0x00})
                         .take();
  // clang-format on
  chunked_buffer buf;
  ASSERT_FALSE(
      encode_request_frame(api_versions_request{"apache-kafka-java", "4.1.0"}, 4, 9, "cli", buf));
  EXPECT_EQ(flat(buf), frame);
  const frame_split s = split_frame(frame, {});
  request_frame f;
  ASSERT_FALSE(parse_request_frame(s.frame, f));
  api_versions_request m;
  ASSERT_FALSE(decode_message(f.body, 4, m));
  EXPECT_EQ(m.client_software_name, "apache-kafka-java");
}

// The response header stays v0 at v4 too (KIP-511), and a supported feature
// may now say min_version 0 (KAFKA-17011): the bytes are v3's.
TEST(api_versions_response, v4_has_a_v0_header_and_v3s_body) {
  api_versions_response m;
  m.api_keys = {{18, 0, 4}};
  m.supported_features = {{"kraft.version", 0, 1}};
  chunked_buffer v4;
  ASSERT_FALSE(encode_response_frame(m, 4, 3, v4));
  chunked_buffer v3;
  ASSERT_FALSE(encode_response_frame(m, 3, 3, v3));
  // clang-format off
  const auto expected = bytes_builder()
                            .be32(4 + 2 + 1 + 7 + 4 + 1 + 2 + 20)
                            .be32(3)                                  // header v0
                            .be16(0).u8s({0x02}).be16(18).be16(0).be16(4).u8s({0x00})
                            .be32(0)
                            .u8s({0x01, 0x00, 0x14})                  // tag 0, 20 bytes
                            .u8s({0x02, 0x0e}).text("kraft.version")
                            .be16(0).be16(1).u8s({0x00})
                            .take();
  // clang-format on
  EXPECT_EQ(flat(v4), expected);
  EXPECT_EQ(flat(v4), flat(v3));
}

}  // namespace
}  // namespace sluice::protocol
