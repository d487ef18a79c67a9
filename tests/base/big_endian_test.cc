#include "base/big_endian.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

namespace sluice::base {
namespace {

std::array<std::byte, 8> bytes_of(std::initializer_list<int> v) {
  std::array<std::byte, 8> out{};
  size_t i = 0;
  for (int b : v) out[i++] = std::byte(static_cast<uint8_t>(b));
  return out;
}

TEST(big_endian, loads_the_most_significant_byte_first) {
  const auto b = bytes_of({0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08});
  EXPECT_EQ(load_be<uint8_t>(b.data()), 0x01u);
  EXPECT_EQ(load_be<uint16_t>(b.data()), 0x0102u);
  EXPECT_EQ(load_be<uint32_t>(b.data()), 0x01020304u);
  EXPECT_EQ(load_be<uint64_t>(b.data()), 0x0102030405060708ull);
}

TEST(big_endian, signed_values_keep_their_sign) {
  const auto b = bytes_of({0xFF, 0xFF, 0xFF, 0xFE, 0, 0, 0, 0});
  EXPECT_EQ(load_be<int16_t>(b.data()), -1);
  EXPECT_EQ(load_be<int32_t>(b.data()), -2);
  EXPECT_EQ(load_be<int8_t>(b.data() + 3), -2);
}

TEST(big_endian, store_then_load_round_trips_every_width) {
  std::array<std::byte, 8> b{};
  store_be<int64_t>(b.data(), -1234567890123);
  EXPECT_EQ(load_be<int64_t>(b.data()), -1234567890123);
  store_be<int32_t>(b.data(), INT32_MIN);
  EXPECT_EQ(load_be<int32_t>(b.data()), INT32_MIN);
  EXPECT_EQ(b[0], std::byte{0x80});
  store_be<int16_t>(b.data(), 0x1234);
  EXPECT_EQ(b[0], std::byte{0x12});
  EXPECT_EQ(b[1], std::byte{0x34});
}

TEST(big_endian, loads_at_any_alignment) {
  std::array<std::byte, 16> b{};
  store_be<uint64_t>(b.data() + 3, 0xA1B2C3D4E5F60718ull);
  EXPECT_EQ(load_be<uint64_t>(b.data() + 3), 0xA1B2C3D4E5F60718ull);
  EXPECT_EQ(b[3], std::byte{0xA1});
}

TEST(big_endian, append_grows_the_buffer) {
  std::vector<std::byte> out{std::byte{9}};
  append_be<uint32_t>(out, 0x01020304u);
  append_be<int16_t>(out, -1);
  ASSERT_EQ(out.size(), 7u);
  EXPECT_EQ(load_be<uint32_t>(out.data() + 1), 0x01020304u);
  EXPECT_EQ(load_be<int16_t>(out.data() + 5), -1);
}

}  // namespace
}  // namespace sluice::base
