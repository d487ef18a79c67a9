#include "protocol/messages/metadata.h"

#include <gtest/gtest.h>

#include "protocol/frame.h"
#include "tests/protocol/byte_helpers.h"
#include "tests/protocol/message_test_helpers.h"

namespace sluice::protocol {
namespace {

using testing::body_of;
using testing::bytes_builder;

// kafka-python 2.0.2's normal metadata refresh: Metadata v1, header v1.
TEST(metadata_request, decodes_kafka_pythons_v1_request) {
  // clang-format off
  const auto frame = bytes_builder()
                         .be16(3).be16(1).be32(2).be16(18).text("kafka-python-2.0.2")
                         .be32(1).be16(8).text("my-topic")
                         .take();
  // clang-format on
  request_frame f;
  ASSERT_FALSE(parse_request_frame(frame, f));
  EXPECT_EQ(f.header.client_id, "kafka-python-2.0.2");
  metadata_request m;
  ASSERT_FALSE(decode_message(f.body, f.header.api_version, m));
  ASSERT_TRUE(m.topics.has_value());
  ASSERT_EQ(m.topics->size(), 1u);
  EXPECT_EQ((*m.topics)[0].name, "my-topic");
  EXPECT_TRUE(m.allow_auto_topic_creation);  // not on the wire before v4: Kafka's default
  EXPECT_FALSE(m.wants_all_topics(1));
}

TEST(metadata_request, v1_null_topics_means_all_and_empty_means_none) {
  metadata_request m;
  ASSERT_FALSE(decode_message(bytes_builder().be32(-1).take(), 1, m));
  EXPECT_TRUE(m.wants_all_topics(1));
  ASSERT_FALSE(decode_message(bytes_builder().be32(0).take(), 1, m));
  EXPECT_FALSE(m.wants_all_topics(1));
}

TEST(metadata_request, v0_empty_topics_means_all) {
  metadata_request m;
  ASSERT_FALSE(decode_message(bytes_builder().be32(0).take(), 0, m));
  EXPECT_TRUE(m.wants_all_topics(0));
  // Null ("all") cannot be said at v0; it encodes as the empty array.
  EXPECT_EQ(body_of(metadata_request{}, 0), bytes_builder().be32(0).take());
}

TEST(metadata_request, v4_adds_allow_auto_topic_creation) {
  metadata_request m;
  m.topics = {{"a"}};
  m.allow_auto_topic_creation = false;
  EXPECT_EQ(body_of(m, 4), bytes_builder().be32(1).be16(1).text("a").u8s({0x00}).take());
  EXPECT_EQ(body_of(m, 3), bytes_builder().be32(1).be16(1).text("a").take());
}

TEST(metadata_request, v8_adds_authorized_operation_flags) {
  metadata_request m;
  m.include_cluster_authorized_operations = true;
  EXPECT_EQ(body_of(m, 8), bytes_builder().be32(-1).u8s({0x01, 0x01, 0x00}).take());
}

TEST(metadata_response, v1_golden_bytes) {
  metadata_response m;
  m.brokers = {{1, "localhost", 9092, std::nullopt}};
  m.controller_id = 1;
  metadata_response::partition p;
  p.partition_index = 0;
  p.leader_id = 1;
  p.replica_nodes = {1};
  p.isr_nodes = {1};
  m.topics = {{error_code::none, "t", false, {p}}};
  // clang-format off
  const auto expected = bytes_builder()
                            .be32(1)                                        // brokers
                            .be32(1).be16(9).text("localhost").be32(9092).be16(-1)
                            .be32(1)                                        // controller_id
                            .be32(1)                                        // topics
                            .be16(0).be16(1).text("t").u8s({0x00})          // error, name, internal
                            .be32(1)                                        // partitions
                            .be16(0).be32(0).be32(1)                        // error, index, leader
                            .be32(1).be32(1).be32(1).be32(1)                // replicas, isr
                            .take();
  // clang-format on
  EXPECT_EQ(body_of(m, 1), expected);
  metadata_response back;
  ASSERT_FALSE(decode_message(expected, 1, back));
  EXPECT_EQ(back, m);
}

TEST(metadata_response, later_versions_add_their_fields_in_order) {
  metadata_response m;
  m.throttle_time_ms = 7;
  m.cluster_id = "c";
  m.controller_id = 2;
  metadata_response::partition p;
  p.leader_epoch = 4;
  p.offline_replicas = {3};
  m.topics = {{error_code::leader_not_available, "t", true, {p}, 0x0f}};
  m.cluster_authorized_operations = 0x70;
  // clang-format off
  EXPECT_EQ(body_of(m, 8), bytes_builder()
                               .be32(7)                                   // throttle (v3+)
                               .be32(0)                                   // no brokers
                               .be16(1).text("c")                         // cluster_id (v2+)
                               .be32(2)                                   // controller_id
                               .be32(1).be16(5).be16(1).text("t").u8s({0x01})
                               .be32(1).be16(0).be32(0).be32(0)
                               .be32(4)                                   // leader_epoch (v7+)
                               .be32(0).be32(0)                           // replicas, isr
                               .be32(1).be32(3)                           // offline (v5+)
                               .be32(0x0f)                                // topic ops (v8+)
                               .be32(0x70)                                // cluster ops (v8)
                               .take());
  // clang-format on
}

}  // namespace
}  // namespace sluice::protocol
