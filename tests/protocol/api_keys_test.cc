#include "protocol/api_keys.h"

#include <set>

#include <gtest/gtest.h>

namespace sluice::protocol {
namespace {

TEST(api_keys, table_is_ordered_and_unique) {
  std::set<int16_t> seen;
  int16_t previous = -1;
  for (const api_info& info : all_apis()) {
    const auto key = static_cast<int16_t>(info.key);
    EXPECT_GT(key, previous) << info.name;
    EXPECT_TRUE(seen.insert(key).second) << info.name;
    previous = key;
    EXPECT_FALSE(info.name.empty());
  }
}

TEST(api_keys, names_are_kafkas) {
  EXPECT_EQ(api_name(api_key::produce), "Produce");
  EXPECT_EQ(api_name(api_key::api_versions), "ApiVersions");
  EXPECT_EQ(api_name(api_key::share_acknowledge), "ShareAcknowledge");
  EXPECT_EQ(api_name(static_cast<api_key>(9999)), "Unknown");
}

TEST(api_keys, first_flexible_versions_match_kafka) {
  EXPECT_FALSE(is_flexible(api_key::produce, 8));
  EXPECT_TRUE(is_flexible(api_key::produce, 9));
  EXPECT_FALSE(is_flexible(api_key::fetch, 11));
  EXPECT_TRUE(is_flexible(api_key::fetch, 12));
  EXPECT_FALSE(is_flexible(api_key::list_offsets, 5));
  EXPECT_TRUE(is_flexible(api_key::list_offsets, 6));
  EXPECT_FALSE(is_flexible(api_key::metadata, 8));
  EXPECT_TRUE(is_flexible(api_key::metadata, 9));
  EXPECT_FALSE(is_flexible(api_key::api_versions, 2));
  EXPECT_TRUE(is_flexible(api_key::api_versions, 3));
  EXPECT_TRUE(is_flexible(api_key::offset_fetch, 6));
  EXPECT_TRUE(is_flexible(api_key::share_fetch, 0));
  EXPECT_FALSE(is_flexible(api_key::sasl_handshake, 1));
  EXPECT_FALSE(is_flexible(api_key::offset_delete, 0));
  EXPECT_FALSE(is_flexible(static_cast<api_key>(9999), 100));
}

TEST(api_keys, request_header_is_v2_exactly_when_flexible) {
  EXPECT_EQ(request_header_version(api_key::metadata, 8), 1);
  EXPECT_EQ(request_header_version(api_key::metadata, 9), 2);
  EXPECT_EQ(request_header_version(api_key::api_versions, 0), 1);
  EXPECT_EQ(request_header_version(api_key::api_versions, 3), 2);
  // A newer ApiVersions than the codec knows still has a v2 header, so the
  // broker can read its correlation id and answer UNSUPPORTED_VERSION.
  EXPECT_EQ(request_header_version(api_key::api_versions, 4), 2);
}

TEST(api_keys, controlled_shutdown_v0_uses_request_header_v0) {
  EXPECT_EQ(request_header_version(api_key::controlled_shutdown, 0), 0);
  EXPECT_EQ(request_header_version(api_key::controlled_shutdown, 1), 1);
  EXPECT_EQ(request_header_version(api_key::controlled_shutdown, 3), 2);
}

TEST(api_keys, api_versions_response_header_is_always_v0) {
  for (int16_t v = 0; v <= 5; ++v) EXPECT_EQ(response_header_version(api_key::api_versions, v), 0);
  EXPECT_EQ(response_header_version(api_key::metadata, 8), 0);
  EXPECT_EQ(response_header_version(api_key::metadata, 9), 1);
}

TEST(api_keys, unknown_keys_get_classic_headers) {
  EXPECT_EQ(request_header_version(static_cast<api_key>(-5), 3), 1);
  EXPECT_EQ(response_header_version(static_cast<api_key>(-5), 3), 0);
}

TEST(api_keys, codec_ranges_are_the_implemented_ones) {
  EXPECT_TRUE(codec_supports(api_key::api_versions, 0));
  EXPECT_TRUE(codec_supports(api_key::api_versions, 4));
  EXPECT_FALSE(codec_supports(api_key::api_versions, 5));
  EXPECT_TRUE(codec_supports(api_key::metadata, 12));  // flexible from v9
  EXPECT_FALSE(codec_supports(api_key::metadata, 13));
  EXPECT_TRUE(codec_supports(api_key::produce, 0));
  EXPECT_TRUE(codec_supports(api_key::produce, 11));  // flexible from v9
  EXPECT_TRUE(codec_supports(api_key::produce, 12));  // v11 on the wire (KIP-890 part 2)
  EXPECT_FALSE(codec_supports(api_key::produce, 13));
  EXPECT_FALSE(codec_supports(api_key::fetch, 3));
  EXPECT_TRUE(codec_supports(api_key::fetch, 4));
  EXPECT_TRUE(codec_supports(api_key::fetch, 17));  // flexible from v12
  EXPECT_FALSE(codec_supports(api_key::fetch, 18));
  EXPECT_TRUE(codec_supports(api_key::list_offsets, 5));
  EXPECT_TRUE(codec_supports(api_key::list_offsets, 10));
  EXPECT_FALSE(codec_supports(api_key::list_offsets, 11));
  EXPECT_TRUE(codec_supports(api_key::join_group, 0));
  EXPECT_TRUE(codec_supports(api_key::join_group, 5));
  EXPECT_TRUE(codec_supports(api_key::join_group, 9));  // flexible from v6
  EXPECT_FALSE(codec_supports(api_key::join_group, 10));
  EXPECT_TRUE(codec_supports(api_key::offset_commit, 0));  // Sarama 1.22's defaults send v1
  EXPECT_TRUE(codec_supports(api_key::offset_commit, 9));  // flexible from v8
  EXPECT_FALSE(codec_supports(api_key::offset_commit, 10));
  EXPECT_TRUE(codec_supports(api_key::offset_fetch, 9));
  EXPECT_TRUE(codec_supports(api_key::find_coordinator, 6));
  EXPECT_TRUE(codec_supports(api_key::create_topics, 4));
  EXPECT_TRUE(codec_supports(api_key::create_topics, 5));  // flexible
  EXPECT_TRUE(codec_supports(api_key::create_topics, 7));
  EXPECT_FALSE(codec_supports(api_key::create_topics, 8));
  EXPECT_TRUE(codec_supports(api_key::describe_cluster, 0));
  EXPECT_TRUE(codec_supports(api_key::incremental_alter_configs, 1));
  EXPECT_TRUE(codec_supports(api_key::describe_log_dirs, 4));
  EXPECT_TRUE(codec_supports(api_key::offset_delete, 0));
  EXPECT_FALSE(codec_supports(api_key::sasl_handshake, 0));
  EXPECT_FALSE(codec_supports(api_key::metadata, -1));
}

}  // namespace
}  // namespace sluice::protocol
