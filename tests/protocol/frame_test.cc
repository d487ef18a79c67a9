#include "protocol/frame.h"

#include <gtest/gtest.h>

#include "protocol/messages/metadata.h"
#include "tests/protocol/allocation_counter.h"
#include "tests/protocol/byte_helpers.h"

namespace sluice::protocol {
namespace {

using testing::bytes_builder;

TEST(split_frame, asks_for_the_rest_of_the_size_prefix) {
  const auto bytes = bytes_builder().u8s({0x00, 0x00}).take();
  const frame_split s = split_frame(bytes, {});
  EXPECT_EQ(s.state, frame_split::status::need_more);
  EXPECT_EQ(s.missing, 2u);
}

TEST(split_frame, refuses_negative_sizes) {
  const auto bytes = bytes_builder().be32(-1).take();
  const frame_split s = split_frame(bytes, {});
  EXPECT_EQ(s.state, frame_split::status::invalid);
  EXPECT_EQ(s.error, codec_errc::frame_too_small);
}

TEST(split_frame, refuses_sizes_below_a_request_header) {
  for (int32_t size = 0; size < min_request_frame_bytes; ++size) {
    const auto bytes = bytes_builder().be32(size).fill(static_cast<size_t>(size), 0).take();
    const frame_split s = split_frame(bytes, {});
    EXPECT_EQ(s.state, frame_split::status::invalid) << size;
    EXPECT_EQ(s.error, codec_errc::frame_too_small) << size;
  }
}

TEST(split_frame, refuses_sizes_above_the_maximum_before_allocating) {
  const auto bytes = bytes_builder().be32(INT32_MAX).take();
  testing::allocation_scope scope;
  const frame_split s = split_frame(bytes, {.min_bytes = 8, .max_bytes = 1 << 20});
  EXPECT_EQ(scope.stats().total_bytes, 0u);
  EXPECT_EQ(s.state, frame_split::status::invalid);
  EXPECT_EQ(s.error, codec_errc::frame_too_large);
}

TEST(split_frame, accepts_exactly_the_maximum) {
  const auto bytes = bytes_builder().be32(1 << 20).fill(10, 0).take();
  const frame_split s = split_frame(bytes, {.min_bytes = 8, .max_bytes = 1 << 20});
  EXPECT_EQ(s.state, frame_split::status::need_more);
  EXPECT_EQ(s.missing, (1u << 20) - 10u);
}

TEST(split_frame, returns_one_complete_frame_and_leaves_the_next) {
  const auto bytes = bytes_builder().be32(8).fill(8, 0x11).be32(8).fill(3, 0x22).take();
  const frame_split s = split_frame(bytes, {});
  ASSERT_EQ(s.state, frame_split::status::complete);
  EXPECT_EQ(s.frame.size(), 8u);
  EXPECT_EQ(s.frame.data(), bytes.data() + 4);
  EXPECT_EQ(s.consumed, 12u);
  const frame_split next = split_frame(std::span(bytes).subspan(s.consumed), {});
  EXPECT_EQ(next.state, frame_split::status::need_more);
  EXPECT_EQ(next.missing, 5u);
}

TEST(check_frame_size, response_limits_allow_a_bare_correlation_id) {
  const frame_limits responses{.min_bytes = min_response_frame_bytes, .max_bytes = 1000};
  EXPECT_FALSE(check_frame_size(4, responses));
  EXPECT_EQ(check_frame_size(3, responses), codec_errc::frame_too_small);
}

TEST(parse_request_frame, reads_the_header_per_api_and_version) {
  // ApiVersions v3: header v2, with client_id and a tag section.
  // clang-format off
  const auto frame = bytes_builder()
                         .be16(18).be16(3).be32(5).be16(7).text("rdkafka").u8s({0x00})
                         .u8s({0x01, 0x01, 0x00})
                         .take();
  // clang-format on
  request_frame f;
  ASSERT_FALSE(parse_request_frame(frame, f));
  EXPECT_EQ(f.header.key, api_key::api_versions);
  EXPECT_EQ(f.header.api_version, 3);
  EXPECT_EQ(f.header.correlation_id, 5);
  EXPECT_EQ(f.header.client_id, "rdkafka");
  EXPECT_EQ(f.body.size(), 3u);
  EXPECT_EQ(f.body.data(), frame.data() + 18);
}

TEST(parse_request_frame, unsupported_api_versions_version_still_yields_its_header) {
  // ApiVersions v9 from some future client: the header is v2 all the same, so
  // the broker can answer UNSUPPORTED_VERSION to the right correlation id.
  const auto frame = bytes_builder().be16(18).be16(9).be32(44).be16(-1).u8s({0x00}).take();
  request_frame f;
  ASSERT_FALSE(parse_request_frame(frame, f));
  EXPECT_EQ(f.header.api_version, 9);
  EXPECT_EQ(f.header.correlation_id, 44);
  EXPECT_TRUE(f.body.empty());
}

TEST(parse_request_frame, keeps_the_fixed_fields_of_a_bad_header) {
  const auto frame = bytes_builder().be16(3).be16(1).be32(12).be16(100).text("short").take();
  request_frame f;
  EXPECT_EQ(parse_request_frame(frame, f), codec_errc::truncated);
  EXPECT_EQ(f.header.key, api_key::metadata);
  EXPECT_EQ(f.header.correlation_id, 12);
}

TEST(parse_request_frame, unknown_api_keys_parse_with_a_v1_header) {
  const auto frame = bytes_builder().be16(999).be16(0).be32(3).be16(1).text("c").take();
  request_frame f;
  ASSERT_FALSE(parse_request_frame(frame, f));
  EXPECT_EQ(static_cast<int16_t>(f.header.key), 999);
  EXPECT_EQ(f.header.client_id, "c");
}

TEST(encode_request_frame, size_prefix_counts_header_and_body) {
  metadata_request m;
  m.topics = {{"a"}};
  chunked_buffer buf;
  ASSERT_FALSE(encode_request_frame(m, 1, 8, "cid", buf));
  std::vector<std::byte> out;
  ASSERT_FALSE(buf.flatten(out));
  // clang-format off
  EXPECT_EQ(out, bytes_builder()
                     .be32(2 + 2 + 4 + 5 + 4 + 3)
                     .be16(3).be16(1).be32(8).be16(3).text("cid")
                     .be32(1).be16(1).text("a")
                     .take());
  // clang-format on

  const frame_split s = split_frame(out, {});
  ASSERT_EQ(s.state, frame_split::status::complete);
  request_frame f;
  ASSERT_FALSE(parse_request_frame(s.frame, f));
  metadata_request back;
  ASSERT_FALSE(decode_message(f.body, f.header.api_version, back));
  EXPECT_EQ(back, m);
}

TEST(encode_request_frame, refuses_versions_the_codec_does_not_implement) {
  chunked_buffer buf;
  EXPECT_EQ(encode_request_frame(metadata_request{}, 13, 1, std::nullopt, buf),
            codec_errc::unsupported_version);
}

TEST(parse_response_frame, splits_header_and_body) {
  metadata_response m;
  m.controller_id = 1;
  chunked_buffer buf;
  ASSERT_FALSE(encode_response_frame(m, 1, 99, buf));
  std::vector<std::byte> out;
  ASSERT_FALSE(buf.flatten(out));
  const frame_split s = split_frame(out, {.min_bytes = min_response_frame_bytes});
  ASSERT_EQ(s.state, frame_split::status::complete);
  response_header h;
  std::span<const std::byte> body;
  ASSERT_FALSE(parse_response_frame(s.frame, api_key::metadata, 1, h, body));
  EXPECT_EQ(h.correlation_id, 99);
  metadata_response back;
  ASSERT_FALSE(decode_message(body, 1, back));
  EXPECT_EQ(back, m);
}

}  // namespace
}  // namespace sluice::protocol
