#include "broker/api_table.h"

#include <gtest/gtest.h>

#include <map>

#include "protocol/api_keys.h"
#include "tests/broker/fake_shard.h"

namespace sluice::broker {
namespace {

using protocol::api_key;

TEST(api_table, advertises_exactly_the_served_apis_with_protocol_md_ranges) {
  std::map<int16_t, std::pair<int16_t, int16_t>> got;
  for (const auto& v : make_api_versions_response().api_keys) {
    got[v.api_key] = {v.min_version, v.max_version};
  }
  std::map<int16_t, std::pair<int16_t, int16_t>> want = {
      {0, {0, 7}},   // Produce: v0 advertised for librdkafka's gzip/snappy check (G2)
      {1, {4, 11}},  // Fetch
      {2, {0, 5}},   // ListOffsets
      {3, {0, 8}},   // Metadata
      {18, {0, 3}},  // ApiVersions
      {19, {0, 4}},  // CreateTopics
      {20, {0, 3}},  // DeleteTopics
      {21, {0, 1}},  // DeleteRecords
      {32, {0, 2}},  // DescribeConfigs
      {33, {0, 1}},  // AlterConfigs
      {37, {0, 1}},  // CreatePartitions: v0 for librdkafka
      {8, {2, 7}},   // OffsetCommit: kafka-python sends v2
      {9, {1, 5}},   // OffsetFetch: v6 would make librdkafka go flexible
      {10, {0, 2}},  // FindCoordinator: v0 or librdkafka 2.0.2 never uses groups (G2)
      {11, {0, 5}},  // JoinGroup
      {12, {0, 3}},  // Heartbeat
      {13, {0, 3}},  // LeaveGroup
      {14, {0, 3}},  // SyncGroup
      {15, {0, 4}},  // DescribeGroups
      {16, {0, 2}},  // ListGroups: v3 would make librdkafka go flexible
      {42, {0, 1}},  // DeleteGroups: v2 is flexible
      {47, {0, 0}},  // OffsetDelete
      // Share groups (KIP-932): flexible only, at Kafka 4.2's versions. Not in
      // PROTOCOL.md's first cut; no Debian client sends them (docs/share-groups.md).
      {76, {1, 1}},  // ShareGroupHeartbeat
      {77, {1, 1}},  // ShareGroupDescribe
      {78, {1, 2}},  // ShareFetch
      {79, {1, 2}},  // ShareAcknowledge
      {90, {0, 1}},  // DescribeShareGroupOffsets
      {91, {0, 0}},  // AlterShareGroupOffsets
      {92, {0, 0}},  // DeleteShareGroupOffsets
  };
  EXPECT_EQ(got, want);
}

TEST(api_table, every_advertised_version_is_one_the_codec_implements) {
  for (const api_entry& e : api_table()) {
    for (int16_t v = e.min_version; v <= e.max_version; ++v) {
      EXPECT_TRUE(protocol::codec_supports(e.key, v)) << protocol::api_name(e.key) << " v" << v;
    }
    EXPECT_EQ(find_api_entry(e.key), &e);
  }
  EXPECT_EQ(find_api_entry(api_key::init_producer_id), nullptr);  // not served yet
}

TEST(api_versions_handler, answers_v3_with_the_table) {
  test::fake_shard shard;
  auto a = std::make_shared<test::answer>();
  handle_api_versions(shard, test::make_request(protocol::api_versions_request{}, 3),
                      test::capture(a));
  ASSERT_TRUE(a->called && a->value);
  auto r = test::decode_answer<protocol::api_versions_response>(*a->value, 3);
  EXPECT_EQ(r.error_code, protocol::error_code::none);
  EXPECT_EQ(r.api_keys, make_api_versions_response().api_keys);
}

TEST(api_versions_handler, unsupported_version_gets_error_35_in_v0_layout) {
  test::fake_shard shard;
  // The codec cannot encode v9, so build the request from a v3 one.
  request req = test::make_request(protocol::api_versions_request{}, 3, 11);
  req.header.api_version = 9;
  auto a = std::make_shared<test::answer>();
  handle_api_versions(shard, std::move(req), test::capture(a));
  ASSERT_TRUE(a->called && a->value);
  auto r = test::decode_answer<protocol::api_versions_response>(*a->value, 0);
  EXPECT_EQ(r.error_code, protocol::error_code::unsupported_version);
  ASSERT_EQ(r.api_keys.size(), 1u);
  EXPECT_EQ(r.api_keys[0].api_key, 18);
  EXPECT_EQ(r.api_keys[0].min_version, 0);
  EXPECT_EQ(r.api_keys[0].max_version, 3);
}

}  // namespace
}  // namespace sluice::broker
