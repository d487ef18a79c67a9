#include "protocol/messages/delete_groups.h"

#include <gtest/gtest.h>

#include "tests/protocol/byte_helpers.h"
#include "tests/protocol/message_test_helpers.h"

namespace sluice::protocol {
namespace {

using testing::bytes_builder;

// kafka-python 2.0.2 and kafkajs 2.2.4 both send v1 (checked against both
// encoders); v0 has the same layout.
TEST(delete_groups_request, v1_golden_bytes) {
  delete_groups_request expected;
  expected.groups_names = {"g"};
  const auto body = bytes_builder().be32(1).be16(1).text("g").take();
  testing::expect_golden(body, 1, expected);
  testing::expect_golden(body, 0, expected);
}

TEST(delete_groups_response, golden_bytes) {
  delete_groups_response m;
  m.throttle_time_ms = 1;
  m.results = {{"g", error_code::none}, {"busy", error_code::non_empty_group}};
  // clang-format off
  testing::expect_golden(bytes_builder()
                             .be32(1).be32(2)
                             .be16(1).text("g").be16(0)
                             .be16(4).text("busy").be16(68)
                             .take(),
                         1, m);
  // clang-format on
}

TEST(delete_groups_request, lying_name_count_is_refused) {
  testing::expect_refused<delete_groups_request>(bytes_builder().be32(70000).fill(60, 0).take(), 1,
                                                 codec_errc::truncated);
}

// v2, the first flexible version (no new field), from Kafka's spec.
TEST(delete_groups_request, v2_golden_bytes) {
  delete_groups_request m;
  m.groups_names = {"g"};
  testing::expect_golden(bytes_builder().u8s({0x02, 0x02}).text("g").u8s({0x00}).take(), 2, m);
  delete_groups_response r;
  r.results = {{"g", error_code::non_empty_group}};
  testing::expect_golden(
      bytes_builder().be32(0).u8s({0x02, 0x02}).text("g").be16(68).u8s({0x00, 0x00}).take(), 2, r);
}

TEST(delete_groups_request, v2_lying_name_count_is_refused) {
  const auto body = bytes_builder().u8s({0xff, 0xff, 0xff, 0x7f}).fill(8, 0).take();
  testing::expect_refused<delete_groups_request>(body, 2, codec_errc::truncated);
}

}  // namespace
}  // namespace sluice::protocol
