#include "protocol/messages/describe_cluster.h"

#include <gtest/gtest.h>

#include "tests/protocol/byte_helpers.h"
#include "tests/protocol/message_test_helpers.h"

namespace sluice::protocol {
namespace {

using testing::body_of;
using testing::bytes_builder;

TEST(describe_cluster_request, v0_and_v1_golden_bytes) {
  describe_cluster_request m;
  m.include_cluster_authorized_operations = true;
  testing::expect_golden(bytes_builder().u8s({0x01, 0x00}).take(), 0, m);
  m.endpoint_type = endpoint_type_broker;
  testing::expect_golden(bytes_builder().u8s({0x01, 0x01, 0x00}).take(), 1, m);
}

TEST(describe_cluster_response, v1_golden_bytes) {
  describe_cluster_response m;
  m.cluster_id = "abc";
  m.controller_id = 0;
  m.brokers = {{0, "h", 9092, std::nullopt}};
  // clang-format off
  const auto body = bytes_builder()
                        .be32(0).be16(0)
                        .u8s({0})                 // error_message: null
                        .u8s({1})                 // endpoint_type (v1+): brokers
                        .u8s({4}).text("abc")
                        .be32(0)                  // controller_id
                        .u8s({2}).be32(0).u8s({2}).text("h").be32(9092).u8s({0}).u8s({0})
                        .be32(INT32_MIN)          // authorized operations: not asked
                        .u8s({0})
                        .take();
  // clang-format on
  testing::expect_golden(body, 1, m);
  // v0 has no endpoint_type.
  auto v0 = body;
  v0.erase(v0.begin() + 7);
  testing::expect_golden(v0, 0, m);
}

// E3: a broker list claiming 1,000,000 entries.
TEST(describe_cluster_response, lying_broker_count_is_refused) {
  // clang-format off
  const auto body = bytes_builder()
                        .be32(0).be16(0).u8s({0}).u8s({2}).text("c").be32(0)
                        .u8s({0xc1, 0x84, 0x3d}).fill(50, 0)
                        .take();
  // clang-format on
  testing::expect_refused<describe_cluster_response>(body, 0, codec_errc::truncated);
}

}  // namespace
}  // namespace sluice::protocol
