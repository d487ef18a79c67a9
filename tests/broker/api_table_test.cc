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
      {0, {0, 12}},  // Produce: v0 advertised for librdkafka's gzip/snappy check (G2); v12 TV2
      {1, {4, 17}},  // Fetch
      {2, {0, 10}},  // ListOffsets: the old clients cap below v6 (2, 1, 3)
      {23, {0, 4}},  // OffsetForLeaderEpoch
      {75, {0, 0}},  // DescribeTopicPartitions
      {3, {0, 12}},  // Metadata
      {18, {0, 4}},  // ApiVersions
      {19, {0, 7}},  // CreateTopics
      {20, {0, 6}},  // DeleteTopics
      {21, {0, 2}},  // DeleteRecords
      {32, {0, 4}},  // DescribeConfigs
      {33, {0, 2}},  // AlterConfigs
      {35, {0, 4}},  // DescribeLogDirs
      {37, {0, 3}},  // CreatePartitions: v0 for librdkafka
      {44, {0, 1}},  // IncrementalAlterConfigs
      {60, {0, 1}},  // DescribeCluster
      {8, {0, 9}},   // OffsetCommit: Sarama 1.22 sends v1, kafka-python v2
      {9, {0, 9}},   // OffsetFetch: librdkafka 2.0.2 goes flexible (v7)
      {10, {0, 6}},  // FindCoordinator: v0 or librdkafka 2.0.2 never uses groups (G2)
      {11, {0, 9}},  // JoinGroup
      {12, {0, 4}},  // Heartbeat
      {13, {0, 5}},  // LeaveGroup
      {14, {0, 5}},  // SyncGroup
      {15, {0, 5}},  // DescribeGroups
      {16, {0, 5}},  // ListGroups: librdkafka 2.0.2 goes flexible (v4)
      {42, {0, 2}},  // DeleteGroups
      {47, {0, 0}},  // OffsetDelete
      {68, {0, 1}},  // ConsumerGroupHeartbeat (KIP-848)
      {69, {0, 1}},  // ConsumerGroupDescribe (KIP-848)
      // Idempotence and transactions (docs/transactions.md).
      {22, {0, 5}},  // InitProducerId: v0 or librdkafka 2.0.2 refuses idempotence (G2)
      {24, {0, 5}},  // AddPartitionsToTxn
      {25, {0, 4}},  // AddOffsetsToTxn
      {26, {0, 5}},  // EndTxn: v5 is transactions V2 (KIP-890 part 2)
      {27, {0, 1}},  // WriteTxnMarkers
      {28, {0, 5}},  // TxnOffsetCommit: v5 adds the group itself (TV2)
      {61, {0, 0}},  // DescribeProducers
      {65, {0, 0}},  // DescribeTransactions
      {66, {0, 1}},  // ListTransactions
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

// v4 is v3 on the wire (KAFKA-17011 only widened what a feature's min may be);
// current Java clients and librdkafka 2.15 send it first.
TEST(api_versions_handler, answers_v4_as_v3_with_the_table) {
  test::fake_shard shard;
  protocol::api_versions_request body;
  body.client_software_name = "apache-kafka-java";
  body.client_software_version = "4.1.0";
  auto a = std::make_shared<test::answer>();
  handle_api_versions(shard, test::make_request(body, 4), test::capture(a));
  ASSERT_TRUE(a->called && a->value);
  auto r = test::decode_answer<protocol::api_versions_response>(*a->value, 4);
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
  EXPECT_EQ(r.api_keys[0].max_version, 4);
}

}  // namespace
}  // namespace sluice::broker
