#include "base/varint.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

namespace sluice::base {
namespace {

std::vector<std::byte> bytes_of(std::initializer_list<int> v) {
  std::vector<std::byte> out;
  for (int b : v) out.push_back(std::byte(static_cast<uint8_t>(b)));
  return out;
}

std::vector<std::byte> varlong_bytes(int64_t v) {
  std::vector<std::byte> out;
  append_varlong(out, v);
  return out;
}

TEST(varint, small_magnitudes_of_either_sign_take_one_byte) {
  EXPECT_EQ(varlong_bytes(0), bytes_of({0x00}));
  EXPECT_EQ(varlong_bytes(-1), bytes_of({0x01}));
  EXPECT_EQ(varlong_bytes(1), bytes_of({0x02}));
  EXPECT_EQ(varlong_bytes(-64), bytes_of({0x7f}));
  EXPECT_EQ(varlong_bytes(64), bytes_of({0x80, 0x01}));
}

TEST(varint, a_varint_and_a_varlong_of_the_same_int32_are_the_same_bytes) {
  for (int32_t v : {0, 1, -1, 300, -300, INT32_MAX, INT32_MIN}) {
    std::byte b[max_varint_bytes];
    const size_t n = write_varint(v, b);
    EXPECT_EQ(std::vector<std::byte>(b, b + n), varlong_bytes(v)) << v;
  }
}

TEST(varint, extremes_round_trip_in_the_documented_widths) {
  const int64_t longs[] = {0,         -1,        1,         63,        -64,       64,
                           INT32_MAX, INT32_MIN, INT64_MAX, INT64_MIN, 1LL << 35, -(1LL << 62)};
  for (int64_t v : longs) {
    const auto bytes = varlong_bytes(v);
    EXPECT_EQ(bytes.size(), varlong_size(v)) << v;
    std::span<const std::byte> in(bytes);
    EXPECT_EQ(read_varlong(in).value(), v);
    EXPECT_TRUE(in.empty());
  }
  EXPECT_EQ(varlong_size(INT64_MIN), max_varlong_bytes);
  EXPECT_EQ(varlong_bytes(INT64_MIN),
            bytes_of({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}));
  for (int32_t v : {0, -1, INT32_MAX, INT32_MIN}) {
    std::byte b[max_varint_bytes];
    std::span<const std::byte> in(b, write_varint(v, b));
    EXPECT_EQ(read_varint(in).value(), v);
  }
  std::byte b[max_varint_bytes];
  std::span<const std::byte> in(b, write_unsigned_varint(UINT32_MAX, b));
  EXPECT_EQ(std::vector<std::byte>(in.begin(), in.end()), bytes_of({0xff, 0xff, 0xff, 0xff, 0x0f}));
  EXPECT_EQ(read_unsigned_varint(in).value(), UINT32_MAX);
}

TEST(varint, reading_advances_past_one_number_only) {
  const auto bytes = bytes_of({0xac, 0x02, 0x05});
  std::span<const std::byte> in(bytes);
  EXPECT_EQ(read_unsigned_varint(in).value(), 300u);
  EXPECT_EQ(in.size(), 1u);
  EXPECT_EQ(read_varint(in).value(), -3);
  EXPECT_TRUE(in.empty());
}

TEST(varint, input_ending_inside_a_number_is_truncated_and_not_consumed) {
  for (const auto& bytes : {bytes_of({}), bytes_of({0x80}), bytes_of({0xff, 0xff, 0xff, 0xff})}) {
    std::span<const std::byte> in(bytes);
    const auto r = read_varint(in);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), varint_error::truncated);
    EXPECT_EQ(in.size(), bytes.size());
  }
  const auto nine = bytes_of({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff});
  std::span<const std::byte> in(nine);
  EXPECT_EQ(read_varlong(in).error(), varint_error::truncated);
}

TEST(varint, more_bytes_or_bits_than_the_type_holds_are_too_long) {
  // A sixth byte for a 32-bit number; a fifth byte carrying bit 32.
  for (const auto& bytes :
       {bytes_of({0xff, 0xff, 0xff, 0xff, 0xff, 0x01}), bytes_of({0xff, 0xff, 0xff, 0xff, 0x10})}) {
    std::span<const std::byte> in(bytes);
    EXPECT_EQ(read_unsigned_varint(in).error(), varint_error::too_long);
    EXPECT_EQ(in.size(), bytes.size());
    in = bytes;
    EXPECT_EQ(read_varint(in).error(), varint_error::too_long);
  }
  // An eleventh byte for a 64-bit number; a tenth byte carrying bit 64.
  auto eleven = bytes_of({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01});
  std::span<const std::byte> in(eleven);
  EXPECT_EQ(read_varlong(in).error(), varint_error::too_long);
  const auto wide = bytes_of({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02});
  in = wide;
  EXPECT_EQ(read_unsigned_varlong(in).error(), varint_error::too_long);
}

}  // namespace
}  // namespace sluice::base
