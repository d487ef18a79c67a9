#include "protocol/headers.h"

#include <gtest/gtest.h>

#include "tests/protocol/byte_helpers.h"

namespace sluice::protocol {
namespace {

using testing::bytes_builder;

std::vector<std::byte> encode(const request_header& h) {
  writer w;
  encode_request_header(w, h);
  std::vector<std::byte> out;
  EXPECT_FALSE(std::move(w).finish().flatten(out));
  return out;
}

TEST(request_header, v1_has_a_classic_client_id) {
  const request_header h{api_key::metadata, 1, 7, "kafka-python-2.0.2"};
  const auto bytes = encode(h);
  EXPECT_EQ(bytes,
            bytes_builder().be16(3).be16(1).be32(7).be16(18).text("kafka-python-2.0.2").take());
  reader r(bytes);
  request_header back;
  decode_request_header(r, back);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(back, h);
}

TEST(request_header, v2_keeps_the_classic_client_id_and_adds_tags) {
  const request_header h{api_key::api_versions, 3, 1, "rdkafka"};
  const auto bytes = encode(h);
  EXPECT_EQ(bytes,
            bytes_builder().be16(18).be16(3).be32(1).be16(7).text("rdkafka").u8s({0x00}).take());
  reader r(bytes);
  request_header back;
  decode_request_header(r, back);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(back, h);
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(request_header, null_client_id_round_trips) {
  const request_header h{api_key::fetch, 11, -3, std::nullopt};
  const auto bytes = encode(h);
  EXPECT_EQ(bytes, bytes_builder().be16(1).be16(11).be32(-3).be16(-1).take());
  reader r(bytes);
  request_header back;
  decode_request_header(r, back);
  EXPECT_EQ(back, h);
}

TEST(request_header, v0_has_no_client_id) {
  const request_header h{api_key::controlled_shutdown, 0, 9, std::nullopt};
  EXPECT_EQ(encode(h), bytes_builder().be16(7).be16(0).be32(9).take());
}

TEST(request_header, v2_skips_unknown_tags) {
  // clang-format off
  const auto bytes = bytes_builder()
                         .be16(18).be16(3).be32(1).be16(-1)
                         .u8s({0x02, 0x00, 0x01, 0xaa, 0x09, 0x02, 0xbb, 0xcc})
                         .u8s({0x42})
                         .take();
  // clang-format on
  reader r(bytes);
  request_header back;
  decode_request_header(r, back);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.remaining(), 1u);
  EXPECT_FALSE(r.flexible());  // the body's mode is left as it was
}

TEST(response_header, v0_is_the_correlation_id_alone) {
  writer w;
  encode_response_header(w, api_key::api_versions, 3, {77});
  std::vector<std::byte> out;
  ASSERT_FALSE(std::move(w).finish().flatten(out));
  // No tagged-field byte even for ApiVersions v3 (KIP-511, PROTOCOL.md G1).
  EXPECT_EQ(out, bytes_builder().be32(77).take());
}

TEST(response_header, v1_adds_an_empty_tag_section) {
  writer w;
  encode_response_header(w, api_key::metadata, 9, {77});
  std::vector<std::byte> out;
  ASSERT_FALSE(std::move(w).finish().flatten(out));
  EXPECT_EQ(out, bytes_builder().be32(77).u8s({0x00}).take());

  reader r(out);
  response_header back;
  decode_response_header(r, api_key::metadata, 9, back);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(back.correlation_id, 77);
  EXPECT_EQ(r.remaining(), 0u);
}

}  // namespace
}  // namespace sluice::protocol
