#include "base/crc32c.h"

#include <gtest/gtest.h>

#include <string_view>

namespace sluice::base {
namespace {

std::span<const std::byte> as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

TEST(crc32c, matches_the_castagnoli_check_value) {
  EXPECT_EQ(crc32c(as_bytes("123456789")), 0xE3069283u);
  EXPECT_EQ(crc32c({}), 0u);
}

TEST(crc32c, extends_across_chunks) {
  EXPECT_EQ(crc32c_extend(crc32c(as_bytes("1234")), as_bytes("56789")), 0xE3069283u);
}

}  // namespace
}  // namespace sluice::base
