#include "protocol/codec_error.h"

#include <string>

#include <gtest/gtest.h>

namespace sluice::protocol {
namespace {

TEST(codec_error, decode_failures_map_to_invalid_request_or_unsupported_version) {
  EXPECT_EQ(to_kafka_error({}), error_code::none);
  EXPECT_EQ(to_kafka_error(codec_errc::truncated), error_code::invalid_request);
  EXPECT_EQ(to_kafka_error(codec_errc::bad_tagged_fields), error_code::invalid_request);
  EXPECT_EQ(to_kafka_error(codec_errc::varint_too_long), error_code::invalid_request);
  EXPECT_EQ(to_kafka_error(codec_errc::unsupported_version), error_code::unsupported_version);
}

TEST(codec_error, messages_are_readable) {
  const std::error_code ec = codec_errc::unexpected_null;
  EXPECT_EQ(ec.category().name(), std::string("sluice.protocol"));
  EXPECT_EQ(ec.message(), "null value for a non-nullable field");
}

}  // namespace
}  // namespace sluice::protocol
