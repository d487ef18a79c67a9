#include "protocol/uuid.h"

#include <gtest/gtest.h>

#include <set>

namespace sluice::protocol {
namespace {

TEST(uuid_text, zero_is_kafkas_zero_uuid_string) {
  EXPECT_EQ(to_base64url(uuid{}), "AAAAAAAAAAAAAAAAAAAAAA");
}

TEST(uuid_text, matches_kafkas_base64url_without_padding) {
  // Kafka's Uuid(0x0123456789abcdef, 0xfedcba9876543210).toString().
  uuid id;
  const uint8_t raw[16] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
                           0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10};
  for (size_t i = 0; i < 16; ++i) id.bytes[i] = std::byte{raw[i]};
  EXPECT_EQ(to_base64url(id), "ASNFZ4mrze_-3LqYdlQyEA");
  EXPECT_EQ(uuid_from_base64url("ASNFZ4mrze_-3LqYdlQyEA"), id);
}

TEST(uuid_text, refuses_text_that_is_not_exactly_an_id) {
  EXPECT_FALSE(uuid_from_base64url(""));
  EXPECT_FALSE(uuid_from_base64url("ASNFZ4mrze_-3LqYdlQyE"));    // 21 characters
  EXPECT_FALSE(uuid_from_base64url("ASNFZ4mrze_-3LqYdlQyEAA"));  // 23
  EXPECT_FALSE(uuid_from_base64url("ASNFZ4mrze+/3LqYdlQyEA"));   // base64, not base64url
  EXPECT_FALSE(uuid_from_base64url("ASNFZ4mrze_-3LqYdlQyEB"));   // stray low bits
}

TEST(uuid_random, is_version_4_never_reserved_and_round_trips) {
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    uuid id = random_uuid();
    EXPECT_EQ(static_cast<int>(id.bytes[6] >> 4), 4);
    EXPECT_FALSE(is_zero(id));
    const std::string text = to_base64url(id);
    EXPECT_NE(text.front(), '-');
    EXPECT_EQ(uuid_from_base64url(text), id);
    seen.insert(text);
  }
  EXPECT_EQ(seen.size(), 2000u);
}

}  // namespace
}  // namespace sluice::protocol
