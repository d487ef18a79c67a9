// WriteTxnMarkers (27): bodies laid out by hand from Kafka's
// WriteTxnMarkersRequest/Response.json, one field per line.
#include "protocol/messages/write_txn_markers.h"

#include <gtest/gtest.h>

#include "tests/protocol/byte_helpers.h"
#include "tests/protocol/message_test_helpers.h"

// clang-format off
namespace sluice::protocol {
namespace {

using testing::bytes_builder;

write_txn_markers_request commit_marker() {
  write_txn_markers_request m;
  m.markers = {{5, 1, true, {{"t", {0, 2}}}, 7}};
  return m;
}

TEST(write_txn_markers_request, v0_hand_written) {
  const auto body = bytes_builder()
                        .be32(1)             // markers
                        .be64(5)
                        .be16(1)
                        .u8s({1})            // transaction_result: commit
                        .be32(1)             // topics
                        .be16(1).text("t")
                        .be32(2).be32(0).be32(2)
                        .be32(7)             // coordinator_epoch, after the topics
                        .take();
  testing::expect_golden(body, 0, commit_marker());
}

TEST(write_txn_markers_request, v1_is_flexible) {
  const auto body = bytes_builder()
                        .u8s({2})
                        .be64(5)
                        .be16(1)
                        .u8s({1})
                        .u8s({2})
                        .u8s({2}).text("t")
                        .u8s({3}).be32(0).be32(2)
                        .u8s({0})            // topic tags
                        .be32(7)
                        .u8s({0})            // marker tags
                        .u8s({0})            // tags
                        .take();
  testing::expect_golden(body, 1, commit_marker());
}

TEST(write_txn_markers_response, v1_hand_written) {
  write_txn_markers_response m;
  m.markers = {{5, {{"t", {{0, error_code::none}}}}}};
  const auto body = bytes_builder()
                        .u8s({2})
                        .be64(5)
                        .u8s({2})
                        .u8s({2}).text("t")
                        .u8s({2})
                        .be32(0).be16(0)
                        .u8s({0})            // partition tags
                        .u8s({0})            // topic tags
                        .u8s({0})            // marker tags
                        .u8s({0})            // tags
                        .take();
  testing::expect_golden(body, 1, m);
}

TEST(write_txn_markers_request, lying_marker_count_is_refused) {
  const auto body = bytes_builder().be32(1000000).fill(100, 0).take();
  testing::expect_refused<write_txn_markers_request>(body, 0, codec_errc::truncated);
}

}  // namespace
}  // namespace sluice::protocol
