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
  m.groups = {{"g", "consumer", "", ""}, {"connect", "connect", "", ""}};
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

// v3 (first flexible): only the tag section; v4 adds states_filter, v5
// types_filter; the response adds group_state (v4) and group_type (v5).
TEST(list_groups_request, v3_to_v5_golden_bytes) {
  testing::expect_golden(bytes_builder().u8s({0x00}).take(), 3, list_groups_request{});
  list_groups_request m;
  m.states_filter = {"Stable"};
  testing::expect_golden(bytes_builder().u8s({0x02, 0x07}).text("Stable").u8s({0x00}).take(), 4, m);
  m.types_filter = {"classic"};
  testing::expect_golden(bytes_builder()
                             .u8s({0x02, 0x07})
                             .text("Stable")
                             .u8s({0x02, 0x08})
                             .text("classic")
                             .u8s({0x00})
                             .take(),
                         5, m);
}

TEST(list_groups_response, v5_golden_bytes_with_state_and_type) {
  list_groups_response m;
  m.groups = {{"g", "consumer", "Stable", "classic"}};
  // clang-format off
  testing::expect_golden(bytes_builder()
                             .be32(0).be16(0).u8s({0x02, 0x02}).text("g")
                             .u8s({0x09}).text("consumer").u8s({0x07}).text("Stable")
                             .u8s({0x08}).text("classic").u8s({0x00, 0x00})
                             .take(),
                         5, m);
  // clang-format on
}

TEST(list_groups_response, v5_lying_group_count_is_refused) {
  const auto body = bytes_builder().be32(0).be16(0).u8s({0xff, 0xff, 0x7f}).fill(12, 0).take();
  testing::expect_refused<list_groups_response>(body, 5, codec_errc::truncated);
}

TEST(list_groups_request, v4_lying_filter_count_is_refused) {
  const auto body = bytes_builder().u8s({0xff, 0xff, 0xff, 0x7f}).fill(4, 0).take();
  testing::expect_refused<list_groups_request>(body, 4, codec_errc::truncated);
}

}  // namespace
}  // namespace sluice::protocol
