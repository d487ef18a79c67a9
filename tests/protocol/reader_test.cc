// The reader's refusals: RELIABILITY.md E3, count and length lies. Every case
// must be rejected, and rejected before anything is allocated for the lie
// (bytes allocated <= 2 x frame + 4 KiB).

#include "protocol/reader.h"

#include <functional>
#include <string>

#include <gtest/gtest.h>

#include "protocol/frame.h"
#include "protocol/message.h"
#include "protocol/messages/api_versions.h"
#include "protocol/messages/fetch.h"
#include "protocol/messages/metadata.h"
#include "protocol/messages/produce.h"
#include "tests/protocol/allocation_counter.h"
#include "tests/protocol/byte_helpers.h"

namespace sluice::protocol {
namespace {

using testing::allocation_scope;
using testing::bytes_builder;

// Runs decode on `bytes`, expects `expected`, and checks the allocation bound.
void expect_refused(const std::vector<std::byte>& bytes, codec_errc expected,
                    const std::function<std::error_code(std::span<const std::byte>)>& decode) {
  std::error_code ec;
  testing::allocation_stats stats;
  {
    allocation_scope scope;
    ec = decode(bytes);
    stats = scope.stats();
  }
  EXPECT_EQ(ec, expected) << ec.message();
  EXPECT_LE(stats.total_bytes, 2 * bytes.size() + 4096);
}

template <message M>
std::function<std::error_code(std::span<const std::byte>)> decoder(int16_t version) {
  return [version](std::span<const std::byte> b) {
    M m;
    return decode_message(b, version, m);
  };
}

// ---- primitives ----

TEST(reader, short_reads_fail_and_stick) {
  const auto bytes = bytes_builder().u8s({0x00, 0x01, 0x02}).take();
  reader r(bytes);
  EXPECT_EQ(r.int32(), 0);
  EXPECT_EQ(r.error(), codec_errc::truncated);
  EXPECT_EQ(r.remaining(), 0u);
  EXPECT_EQ(r.int8(), 0);  // later reads return zeroes and keep the first error
  EXPECT_EQ(r.error(), codec_errc::truncated);
}

TEST(reader, unsigned_varint_longer_than_five_bytes_is_refused) {
  const auto bytes = bytes_builder().u8s({0xff, 0xff, 0xff, 0xff, 0xff, 0x01}).take();
  reader r(bytes);
  r.unsigned_varint();
  EXPECT_EQ(r.error(), codec_errc::varint_too_long);
}

TEST(reader, unsigned_varint_overflowing_32_bits_is_refused) {
  const auto bytes = bytes_builder().u8s({0xff, 0xff, 0xff, 0xff, 0x10}).take();
  reader r(bytes);
  r.unsigned_varint();
  EXPECT_EQ(r.error(), codec_errc::varint_too_long);
}

TEST(reader, varlong_longer_than_ten_bytes_is_refused) {
  const auto bytes = bytes_builder().fill(10, 0xff).u8s({0x01}).take();
  reader r(bytes);
  r.varlong();
  EXPECT_EQ(r.error(), codec_errc::varint_too_long);
}

TEST(reader, varlong_overflowing_64_bits_is_refused) {
  const auto bytes = bytes_builder().fill(9, 0xff).u8s({0x02}).take();
  reader r(bytes);
  r.varlong();
  EXPECT_EQ(r.error(), codec_errc::varint_too_long);
}

TEST(reader, truncated_varint_is_refused) {
  const auto bytes = bytes_builder().u8s({0x80, 0x80}).take();
  reader r(bytes);
  r.varint();
  EXPECT_EQ(r.error(), codec_errc::truncated);
}

TEST(reader, string_length_beyond_remaining_is_refused) {
  const auto bytes = bytes_builder().be16(100).text("abc").take();
  reader r(bytes);
  EXPECT_EQ(r.string(), "");
  EXPECT_EQ(r.error(), codec_errc::truncated);
}

TEST(reader, negative_string_length_other_than_minus_one_is_refused) {
  const auto bytes = bytes_builder().be16(-2).take();
  reader r(bytes);
  r.nullable_string();
  EXPECT_EQ(r.error(), codec_errc::negative_length);
}

TEST(reader, null_for_a_non_nullable_string_is_refused) {
  const auto bytes = bytes_builder().be16(-1).take();
  reader r(bytes);
  r.string();
  EXPECT_EQ(r.error(), codec_errc::unexpected_null);
}

TEST(reader, compact_zero_for_a_non_nullable_string_is_refused) {
  const auto bytes = bytes_builder().u8s({0x00}).take();
  reader r(bytes, true);
  r.string();
  EXPECT_EQ(r.error(), codec_errc::unexpected_null);
}

TEST(reader, compact_string_longer_than_32767_is_refused) {
  // Length 32768 (+1 = 32769 = 0x8001 as varint 0x81 0x80 0x02).
  auto bytes = bytes_builder().u8s({0x81, 0x80, 0x02}).fill(32768, 'a').take();
  reader r(bytes, true);
  r.string();
  EXPECT_EQ(r.error(), codec_errc::string_too_long);
}

TEST(reader, bytes_length_int32_max_is_refused) {
  const auto bytes = bytes_builder().be32(INT32_MAX).fill(10, 0).take();
  reader r(bytes);
  r.bytes();
  EXPECT_EQ(r.error(), codec_errc::truncated);
}

TEST(reader, compact_bytes_length_near_uint32_max_is_refused) {
  const auto bytes = bytes_builder().u8s({0xff, 0xff, 0xff, 0xff, 0x0f}).fill(10, 0).take();
  reader r(bytes, true);
  r.nullable_bytes();
  EXPECT_EQ(r.error(), codec_errc::truncated);
}

TEST(reader, array_count_is_bounded_by_element_size) {
  // 3 elements of at least 4 bytes need 12 bytes; 11 are there.
  const auto bytes = bytes_builder().be32(3).fill(11, 0).take();
  reader r(bytes);
  std::vector<int32_t> v;
  r.array(v, 4, [&](int32_t& x) { x = r.int32(); });
  EXPECT_EQ(r.error(), codec_errc::truncated);
  EXPECT_EQ(v.capacity(), 0u);
}

TEST(reader, decoded_views_point_into_the_frame) {
  const auto bytes = bytes_builder().be16(2).text("hi").be32(3).u8s({1, 2, 3}).take();
  reader r(bytes);
  const std::string_view s = r.string_view();
  const record_set rs = r.records();
  EXPECT_EQ(s, "hi");
  EXPECT_EQ(reinterpret_cast<const std::byte*>(s.data()), bytes.data() + 2);
  EXPECT_EQ(rs.bytes().data(), bytes.data() + 8);
  EXPECT_EQ(rs.size(), 3u);
}

// ---- E3 table, through whole-message decoders ----

TEST(reader_e3, array_count_greater_than_remaining) {
  // Produce v3: transactional_id null, acks, timeout, then 1,000,000 topics.
  const auto bytes = bytes_builder().be16(-1).be16(1).be32(1000).be32(1000000).fill(20, 0).take();
  expect_refused(bytes, codec_errc::truncated, decoder<produce_request>(3));
}

TEST(reader_e3, array_count_int32_max) {
  const auto bytes = bytes_builder().be16(-1).be16(1).be32(1000).be32(INT32_MAX).take();
  expect_refused(bytes, codec_errc::truncated, decoder<produce_request>(3));
}

TEST(reader_e3, array_count_negative_other_than_minus_one) {
  const auto bytes = bytes_builder().be16(-1).be16(1).be32(1000).be32(-2).take();
  expect_refused(bytes, codec_errc::negative_length, decoder<produce_request>(3));
}

TEST(reader_e3, null_array_where_the_version_has_no_null) {
  const auto bytes = bytes_builder().be32(-1).take();
  expect_refused(bytes, codec_errc::unexpected_null, decoder<metadata_request>(0));
}

TEST(reader_e3, nested_array_count_greater_than_remaining) {
  // One topic "t" claiming 50,000 partitions of at least 5 bytes each.
  const auto bytes = bytes_builder()
                         .be16(-1)
                         .be16(1)
                         .be32(1000)
                         .be32(1)
                         .be16(1)
                         .text("t")
                         .be32(50000)
                         .fill(64, 0)
                         .take();
  expect_refused(bytes, codec_errc::truncated, decoder<produce_request>(3));
}

TEST(reader_e3, records_length_greater_than_remaining) {
  // clang-format off
  const auto bytes = bytes_builder()
                         .be16(-1).be16(1).be32(1000).be32(1).be16(1).text("t").be32(1)
                         .be32(0).be32(1 << 30).fill(16, 0)
                         .take();
  // clang-format on
  expect_refused(bytes, codec_errc::truncated, decoder<produce_request>(3));
}

TEST(reader_e3, string_length_greater_than_remaining) {
  const auto bytes = bytes_builder().be32(1).be16(30000).text("short").take();
  expect_refused(bytes, codec_errc::truncated, decoder<metadata_request>(1));
}

TEST(reader_e3, compact_varint_longer_than_five_bytes) {
  // ApiVersions v3 response: error_code, then an api_keys count of 6 bytes.
  const auto bytes = bytes_builder().be16(0).u8s({0xff, 0xff, 0xff, 0xff, 0xff, 0x01}).take();
  expect_refused(bytes, codec_errc::varint_too_long, decoder<api_versions_response>(3));
}

TEST(reader_e3, compact_varint_overflow) {
  const auto bytes = bytes_builder().be16(0).u8s({0xff, 0xff, 0xff, 0xff, 0x7f}).take();
  expect_refused(bytes, codec_errc::varint_too_long, decoder<api_versions_response>(3));
}

TEST(reader_e3, compact_zero_for_non_nullable_string) {
  const auto bytes = bytes_builder().u8s({0x00, 0x01, 0x00}).take();
  expect_refused(bytes, codec_errc::unexpected_null, decoder<api_versions_request>(3));
}

TEST(reader_e3, compact_zero_for_non_nullable_array) {
  const auto bytes = bytes_builder().be16(0).u8s({0x00}).be32(0).u8s({0x00}).take();
  expect_refused(bytes, codec_errc::unexpected_null, decoder<api_versions_response>(3));
}

TEST(reader_e3, compact_array_count_greater_than_remaining) {
  // 1,000,000 api_keys entries (varint 1,000,001 = 0xc1 0x84 0x3d).
  const auto bytes = bytes_builder().be16(0).u8s({0xc1, 0x84, 0x3d}).fill(60, 0).take();
  expect_refused(bytes, codec_errc::truncated, decoder<api_versions_response>(3));
}

TEST(reader_e3, tag_count_twenty_million) {
  // ApiVersions v3 request with empty names, then 2x10^7 tagged fields
  // (varint 20,000,000 = 0x80 0xda 0xc4 0x09).
  const auto bytes = bytes_builder().u8s({0x01, 0x01, 0x80, 0xda, 0xc4, 0x09}).fill(32, 0).take();
  expect_refused(bytes, codec_errc::truncated, decoder<api_versions_request>(3));
}

TEST(reader_e3, duplicate_tags) {
  const auto bytes = bytes_builder().u8s({0x01, 0x01, 0x02, 0x05, 0x00, 0x05, 0x00}).take();
  expect_refused(bytes, codec_errc::bad_tagged_fields, decoder<api_versions_request>(3));
}

TEST(reader_e3, descending_tags) {
  const auto bytes = bytes_builder().u8s({0x01, 0x01, 0x02, 0x05, 0x00, 0x04, 0x00}).take();
  expect_refused(bytes, codec_errc::bad_tagged_fields, decoder<api_versions_request>(3));
}

TEST(reader_e3, tag_size_greater_than_remaining) {
  const auto bytes = bytes_builder().u8s({0x01, 0x01, 0x01, 0x05, 0x64, 0x00, 0x00}).take();
  expect_refused(bytes, codec_errc::truncated, decoder<api_versions_request>(3));
}

TEST(reader_e3, known_tag_whose_value_overruns_its_size) {
  // ApiVersions v3 response, tag 1 (finalized_features_epoch, an int64) of size 2.
  const auto bytes =
      bytes_builder().be16(0).u8s({0x01}).be32(0).u8s({0x01, 0x01, 0x02, 0x00, 0x00}).take();
  expect_refused(bytes, codec_errc::truncated, decoder<api_versions_response>(3));
}

TEST(reader_e3, request_header_tag_count_twenty_million) {
  // ApiVersions v3 header (v2) with a lying tag count (CVE-2026-111115 class).
  // clang-format off
  const auto frame = bytes_builder()
                         .be16(18).be16(3).be32(1).be16(-1)
                         .u8s({0x80, 0xda, 0xc4, 0x09}).fill(16, 0)
                         .take();
  // clang-format on
  expect_refused(frame, codec_errc::truncated, [](std::span<const std::byte> b) {
    request_frame f;
    return parse_request_frame(b, f);
  });
}

TEST(reader_e3, fetch_aborted_transactions_count_lie) {
  // Fetch v4 response: throttle, one topic "t", one partition with a
  // 100,000-entry aborted_transactions array and nothing behind it.
  // clang-format off
  const auto bytes = bytes_builder()
                         .be32(0).be32(1).be16(1).text("t").be32(1)
                         .be32(0).be16(0).be64(0).be64(0).be32(100000).fill(8, 0)
                         .take();
  // clang-format on
  expect_refused(bytes, codec_errc::truncated, decoder<fetch_response>(4));
}

}  // namespace
}  // namespace sluice::protocol
