#include "protocol/messages/describe_log_dirs.h"

#include <gtest/gtest.h>

#include "tests/protocol/byte_helpers.h"
#include "tests/protocol/message_test_helpers.h"

namespace sluice::protocol {
namespace {

using testing::bytes_builder;

TEST(describe_log_dirs_request, v1_null_topics_ask_for_every_partition) {
  testing::expect_golden(bytes_builder().be32(-1).take(), 1, describe_log_dirs_request{});
  testing::expect_golden(bytes_builder().u8s({0, 0}).take(), 4, describe_log_dirs_request{});
}

TEST(describe_log_dirs_request, v2_golden_bytes) {
  describe_log_dirs_request m;
  m.topics.emplace().push_back({"t", {0, 1}});
  // clang-format off
  const auto body = bytes_builder()
                        .u8s({2}).u8s({2}).text("t").u8s({3}).be32(0).be32(1).u8s({0})
                        .u8s({0})
                        .take();
  // clang-format on
  testing::expect_golden(body, 2, m);
}

// v3 adds the top-level error_code, v4 total_bytes and usable_bytes.
TEST(describe_log_dirs_response, v4_golden_bytes) {
  describe_log_dirs_response m;
  auto& d = m.results.emplace_back();
  d.log_dir = "/d";
  d.topics = {{"t", {{0, 100, 0, false}}}};
  d.total_bytes = 1000;
  d.usable_bytes = 500;
  // clang-format off
  const auto body = bytes_builder()
                        .be32(0)
                        .be16(0)                              // error_code (v3+)
                        .u8s({2})
                        .be16(0).u8s({3}).text("/d")
                        .u8s({2}).u8s({2}).text("t")
                        .u8s({2}).be32(0).be64(100).be64(0).u8s({0x00}).u8s({0})
                        .u8s({0})                             // topic's tags
                        .be64(1000).be64(500)                 // total, usable (v4+)
                        .u8s({0})                             // result's tags
                        .u8s({0})
                        .take();
  // clang-format on
  testing::expect_golden(body, 4, m);
}

TEST(describe_log_dirs_response, v0_golden_bytes) {
  describe_log_dirs_response m;
  auto& d = m.results.emplace_back();
  d.log_dir = "/d";
  // clang-format off
  const auto body = bytes_builder()
                        .be32(0)
                        .be32(1).be16(0).be16(2).text("/d").be32(0)
                        .take();
  // clang-format on
  testing::expect_golden(body, 0, m);
}

// E3: a flexible response whose partitions claim 100,000 entries.
TEST(describe_log_dirs_response, v4_lying_partition_count_is_refused) {
  // clang-format off
  const auto body = bytes_builder()
                        .be32(0).be16(0).u8s({2}).be16(0).u8s({2}).text("d")
                        .u8s({2}).u8s({2}).text("t").u8s({0xa1, 0x8d, 0x06}).fill(60, 0)
                        .take();
  // clang-format on
  testing::expect_refused<describe_log_dirs_response>(body, 4, codec_errc::truncated);
}

}  // namespace
}  // namespace sluice::protocol
