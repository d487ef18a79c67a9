// Primitive encodings: what the writer produces, and that the reader reads it
// back, in classic and flexible mode.

#include "protocol/writer.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include <gtest/gtest.h>

#include "protocol/reader.h"
#include "tests/protocol/byte_helpers.h"

namespace sluice::protocol {
namespace {

using testing::bytes_builder;

std::vector<std::byte> flat(writer& w) {
  std::vector<std::byte> out;
  EXPECT_FALSE(std::move(w).finish().flatten(out));
  return out;
}

TEST(writer, fixed_width_integers_are_big_endian) {
  writer w;
  w.int8(-2);
  w.int16(0x0102);
  w.int32(0x01020304);
  w.int64(0x0102030405060708);
  w.uint16(0xfffe);
  w.uint32(0xfffffffe);
  // clang-format off
  EXPECT_EQ(flat(w), bytes_builder()
                         .u8s({0xfe, 0x01, 0x02, 0x01, 0x02, 0x03, 0x04})
                         .u8s({0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08})
                         .u8s({0xff, 0xfe, 0xff, 0xff, 0xff, 0xfe})
                         .take());
  // clang-format on
}

TEST(writer, fixed_width_extremes_round_trip) {
  writer w;
  w.int8(INT8_MIN);
  w.int8(INT8_MAX);
  w.int16(INT16_MIN);
  w.int16(INT16_MAX);
  w.int32(INT32_MIN);
  w.int32(INT32_MAX);
  w.int64(INT64_MIN);
  w.int64(INT64_MAX);
  w.uint32(UINT32_MAX);
  w.boolean(true);
  w.boolean(false);
  w.float64(-1.5);
  w.float64(std::numeric_limits<double>::infinity());
  uuid id;
  for (size_t i = 0; i < id.bytes.size(); ++i) id.bytes[i] = static_cast<std::byte>(i * 17);
  w.uuid_value(id);
  const auto bytes = flat(w);

  reader r(bytes);
  EXPECT_EQ(r.int8(), INT8_MIN);
  EXPECT_EQ(r.int8(), INT8_MAX);
  EXPECT_EQ(r.int16(), INT16_MIN);
  EXPECT_EQ(r.int16(), INT16_MAX);
  EXPECT_EQ(r.int32(), INT32_MIN);
  EXPECT_EQ(r.int32(), INT32_MAX);
  EXPECT_EQ(r.int64(), INT64_MIN);
  EXPECT_EQ(r.int64(), INT64_MAX);
  EXPECT_EQ(r.uint32(), UINT32_MAX);
  EXPECT_TRUE(r.boolean());
  EXPECT_FALSE(r.boolean());
  EXPECT_EQ(r.float64(), -1.5);
  EXPECT_EQ(r.float64(), std::numeric_limits<double>::infinity());
  EXPECT_EQ(r.uuid_value(), id);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(writer, float64_keeps_nan_bits) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  writer w;
  w.float64(nan);
  const auto bytes = flat(w);
  reader r(bytes);
  const double back = r.float64();
  EXPECT_TRUE(std::isnan(back));
  EXPECT_EQ(std::memcmp(&back, &nan, sizeof nan), 0);
}

TEST(writer, unsigned_varints_use_seven_bits_per_byte) {
  writer w;
  w.unsigned_varint(0);
  w.unsigned_varint(127);
  w.unsigned_varint(128);
  w.unsigned_varint(300);
  w.unsigned_varint(UINT32_MAX);
  // clang-format off
  EXPECT_EQ(flat(w), bytes_builder()
                         .u8s({0x00, 0x7f, 0x80, 0x01, 0xac, 0x02})
                         .u8s({0xff, 0xff, 0xff, 0xff, 0x0f})
                         .take());
  // clang-format on
}

TEST(writer, varints_are_zigzag_encoded) {
  writer w;
  w.varint(0);
  w.varint(-1);
  w.varint(1);
  w.varint(-64);
  w.varint(64);
  EXPECT_EQ(flat(w), bytes_builder().u8s({0x00, 0x01, 0x02, 0x7f, 0x80, 0x01}).take());
}

TEST(writer, varint_and_varlong_extremes_round_trip) {
  const int32_t ints[] = {0, 1, -1, 63, -64, 64, INT32_MAX, INT32_MIN, 1 << 20, -(1 << 27)};
  const int64_t longs[] = {0, -1, INT64_MAX, INT64_MIN, int64_t{1} << 40, -(int64_t{1} << 62)};
  writer w;
  for (int32_t v : ints) w.varint(v);
  for (int64_t v : longs) w.varlong(v);
  const auto bytes = flat(w);
  reader r(bytes);
  for (int32_t v : ints) EXPECT_EQ(r.varint(), v);
  for (int64_t v : longs) EXPECT_EQ(r.varlong(), v);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(writer, varlong_min_takes_ten_bytes) {
  writer w;
  w.varlong(INT64_MIN);
  EXPECT_EQ(flat(w), bytes_builder().fill(9, 0xff).u8s({0x01}).take());
}

TEST(writer, classic_strings_have_int16_lengths) {
  writer w;
  w.string("ab");
  w.nullable_string(std::nullopt);
  w.nullable_string("");
  EXPECT_EQ(flat(w),
            bytes_builder().u8s({0x00, 0x02}).text("ab").u8s({0xff, 0xff, 0x00, 0x00}).take());
}

TEST(writer, compact_strings_have_length_plus_one) {
  writer w(true);
  w.string("ab");
  w.nullable_string(std::nullopt);
  w.nullable_string("");
  EXPECT_EQ(flat(w), bytes_builder().u8s({0x03}).text("ab").u8s({0x00, 0x01}).take());
}

TEST(writer, classic_nullable_string_ignores_flexible_mode) {
  writer w(true);
  w.classic_nullable_string("x");
  w.classic_nullable_string(std::nullopt);
  EXPECT_EQ(flat(w), bytes_builder().u8s({0x00, 0x01}).text("x").u8s({0xff, 0xff}).take());
}

TEST(writer, strings_of_32767_bytes_round_trip_in_both_modes) {
  const std::string big(32767, 'k');
  for (bool flexible : {false, true}) {
    writer w(flexible);
    w.string(big);
    w.nullable_string(big);
    const auto bytes = flat(w);
    reader r(bytes, flexible);
    EXPECT_EQ(r.string(), big);
    EXPECT_EQ(r.nullable_string(), big);
    EXPECT_TRUE(r.ok());
  }
}

TEST(writer, string_over_32767_bytes_fails_the_writer) {
  writer w;
  w.string(std::string(32768, 'k'));
  EXPECT_EQ(w.error(), codec_errc::string_too_long);
}

TEST(writer, bytes_and_arrays_in_both_modes_round_trip) {
  const auto payload = bytes_builder().u8s({1, 2, 3}).take();
  for (bool flexible : {false, true}) {
    writer w(flexible);
    w.bytes(payload);
    w.nullable_bytes(std::nullopt);
    w.nullable_bytes(std::span<const std::byte>());
    w.array(std::vector<int32_t>{7, 8}, [&](int32_t v) { w.int32(v); });
    w.nullable_array(std::optional<std::vector<int32_t>>(), [&](int32_t v) { w.int32(v); });
    const auto bytes = flat(w);

    reader r(bytes, flexible);
    EXPECT_TRUE(std::ranges::equal(r.bytes(), payload));
    EXPECT_FALSE(r.nullable_bytes().has_value());
    auto empty = r.nullable_bytes();
    ASSERT_TRUE(empty.has_value());
    EXPECT_TRUE(empty->empty());
    std::vector<int32_t> ints;
    r.array(ints, 4, [&](int32_t& v) { v = r.int32(); });
    EXPECT_EQ(ints, (std::vector<int32_t>{7, 8}));
    std::optional<std::vector<int32_t>> none = std::vector<int32_t>{1};
    r.nullable_array(none, 4, [&](int32_t& v) { v = r.int32(); });
    EXPECT_FALSE(none.has_value());
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r.remaining(), 0u);
  }
}

TEST(writer, compact_array_length_is_count_plus_one) {
  writer w(true);
  w.array_length(0);
  w.array_length(200);
  w.null_array();
  EXPECT_EQ(flat(w), bytes_builder().u8s({0x01, 0xc9, 0x01, 0x00}).take());
}

TEST(writer, tagged_fields_write_tag_size_and_value) {
  writer w(true);
  w.tagged_field_count(2);
  w.tagged_field(0, [](writer& f) { f.int16(0x1234); });
  w.tagged_field(5, [](writer& f) { f.string("hi"); });
  EXPECT_EQ(
      flat(w),
      bytes_builder().u8s({0x02, 0x00, 0x02, 0x12, 0x34, 0x05, 0x03, 0x03}).text("hi").take());
}

TEST(writer, tagged_fields_are_nothing_in_classic_mode) {
  writer w(false);
  w.tagged_field_count(1);
  w.tagged_field(0, [](writer& f) { f.int16(1); });
  w.empty_tagged_fields();
  EXPECT_EQ(w.size(), 0u);
}

TEST(writer, reader_keeps_known_tags_and_skips_unknown_ones) {
  writer w(true);
  w.tagged_field_count(3);
  w.tagged_field(1, [](writer& f) { f.int32(99); });
  w.tagged_field(7, [](writer& f) { f.string("unknown to the reader"); });
  w.tagged_field(300, [](writer& f) { f.int64(-5); });
  w.int8(42);  // whatever follows the section
  const auto bytes = flat(w);

  reader r(bytes, true);
  int32_t one = 0;
  int64_t three_hundred = 0;
  r.tagged_fields([&](uint32_t tag, reader& f) {
    if (tag == 1) one = f.int32();
    if (tag == 300) three_hundred = f.int64();
    return tag == 1 || tag == 300;
  });
  EXPECT_EQ(one, 99);
  EXPECT_EQ(three_hundred, -5);
  EXPECT_EQ(r.int8(), 42);
  EXPECT_TRUE(r.ok());
}

TEST(writer, records_are_borrowed_not_copied) {
  const auto records = bytes_builder().fill(1000, 0xab).take();
  writer w;
  w.int16(1);
  w.records(record_set::of(records));
  w.int16(2);
  const chunked_buffer buf = std::move(w).finish();
  EXPECT_EQ(buf.size(), 2u + 4u + 1000u + 2u);
  EXPECT_EQ(buf.owned().size(), 8u);  // the record bytes are not in the owned buffer
  const auto chunks = buf.chunks();
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[1].bytes.data(), records.data());
  EXPECT_EQ(chunks[1].bytes.size(), 1000u);
}

TEST(writer, external_records_leave_a_hole_of_known_size) {
  writer w;
  w.records(record_set::external({.descriptor = 42, .length = 4096}));
  w.int8(7);
  const chunked_buffer buf = std::move(w).finish();
  EXPECT_TRUE(buf.has_external());
  EXPECT_EQ(buf.size(), 4u + 4096u + 1u);
  const auto chunks = buf.chunks();
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[0].bytes.size(), 4u);
  ASSERT_TRUE(chunks[1].external.has_value());
  EXPECT_EQ(chunks[1].external->descriptor, 42u);
  EXPECT_EQ(chunks[1].external->length, 4096u);
  std::vector<std::byte> flat_bytes;
  EXPECT_EQ(buf.flatten(flat_bytes), codec_errc::external_not_flattenable);
}

TEST(writer, patch_int32_fills_a_reserved_prefix) {
  writer w;
  const size_t at = w.reserve_int32();
  w.int16(5);
  w.patch_int32(at, static_cast<int32_t>(w.size() - 4));
  EXPECT_EQ(flat(w), bytes_builder().u8s({0, 0, 0, 2, 0, 5}).take());
}

}  // namespace
}  // namespace sluice::protocol
