#include "client/compression.h"

#include <gtest/gtest.h>

#include <random>

namespace sluice::client {
namespace {

std::vector<std::byte> sample(size_t n) {
  std::vector<std::byte> out(n);
  std::mt19937 rng(7);
  for (size_t i = 0; i < n; ++i)
    out[i] = std::byte(static_cast<uint8_t>(i % 97 < 60 ? 'a' + i % 13 : rng() & 0xff));
  return out;
}

class codec : public ::testing::TestWithParam<compression_type> {};

TEST_P(codec, round_trips_empty_small_and_multi_block_inputs) {
  for (size_t n : {size_t{0}, size_t{1}, size_t{1000}, size_t{200000}}) {
    auto in = sample(n);
    auto packed = compress(GetParam(), in);
    ASSERT_TRUE(packed) << packed.error().message;
    auto out = decompress(GetParam(), *packed);
    ASSERT_TRUE(out) << out.error().message;
    EXPECT_EQ(*out, in) << "size " << n;
  }
}

TEST_P(codec, truncated_input_is_corrupt_not_a_crash) {
  if (GetParam() == compression_type::none) GTEST_SKIP();
  auto packed = compress(GetParam(), sample(100000));
  ASSERT_TRUE(packed);
  packed->resize(packed->size() / 2);
  auto out = decompress(GetParam(), *packed);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, protocol::error_code::corrupt_message);
}

TEST_P(codec, output_beyond_the_limit_is_refused) {
  auto packed = compress(GetParam(), sample(100000));
  ASSERT_TRUE(packed);
  auto out = decompress(GetParam(), *packed, 1000);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, protocol::error_code::corrupt_message);
}

INSTANTIATE_TEST_SUITE_P(all, codec,
                         ::testing::Values(compression_type::none, compression_type::gzip,
                                           compression_type::snappy, compression_type::lz4,
                                           compression_type::zstd),
                         [](const auto& info) {
                           return std::string(compression_name(info.param));
                         });

TEST(compression, snappy_is_written_in_xerial_framing) {
  auto packed = compress(compression_type::snappy, sample(10));
  ASSERT_TRUE(packed);
  ASSERT_GE(packed->size(), 16u);
  EXPECT_EQ((*packed)[0], std::byte{0x82});
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(packed->data()) + 1, 6), "SNAPPY");
}

TEST(compression, names_parse_back) {
  for (auto c : {compression_type::none, compression_type::gzip, compression_type::snappy,
                 compression_type::lz4, compression_type::zstd})
    EXPECT_EQ(parse_compression(compression_name(c)), c);
  EXPECT_EQ(parse_compression("brotli"), std::nullopt);
}

}  // namespace
}  // namespace sluice::client
