#include "protocol/messages/list_groups.h"

#include <gtest/gtest.h>

#include "tests/protocol/byte_helpers.h"
#include "tests/protocol/message_test_helpers.h"

namespace sluice::protocol {
namespace {

using testing::body_of;
using testing::bytes_builder;

// Every client's request is an empty body (kafka-python 2.0.2 labels its v2
// struct v1, kafkajs 2.2.4 sends v2, librdkafka's legacy list_groups v0).
TEST(list_groups_request, is_an_empty_body) {
  for (int16_t v = 0; v <= 2; ++v) {
    testing::expect_golden(std::vector<std::byte>{}, v, list_groups_request{});
  }
}

TEST(list_groups_response, v0_golden_bytes) {
  list_groups_response m;
  m.groups = {{"g", "consumer"}, {"connect", "connect"}};
  // clang-format off
  const auto body = bytes_builder()
                        .be16(0).be32(2)
                        .be16(1).text("g").be16(8).text("consumer")
                        .be16(7).text("connect").be16(7).text("connect")
                        .take();
  // clang-format on
  testing::expect_golden(body, 0, m);
}

TEST(list_groups_response, v1_adds_throttle_time) {
  list_groups_response m;
  m.throttle_time_ms = 1;
  m.error_code = error_code::coordinator_not_available;
  testing::expect_golden(bytes_builder().be32(1).be16(15).be32(0).take(), 2, m);
  EXPECT_EQ(body_of(m, 0), bytes_builder().be16(15).be32(0).take());
}

TEST(list_groups_response, lying_group_count_is_refused) {
  const auto body = bytes_builder().be32(0).be16(0).be32(-2).take();
  testing::expect_refused<list_groups_response>(body, 1, codec_errc::negative_length);
}

}  // namespace
}  // namespace sluice::protocol
