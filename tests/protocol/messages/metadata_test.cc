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

// v12 as a current client sends it by name: a zero topic_id before the
// compact name, no cluster-operations flag (v8-10 only), tag sections.
TEST(metadata_request, v12_by_name_golden_bytes) {
  metadata_request m;
  m.topics = {{"t"}};
  m.allow_auto_topic_creation = false;
  // clang-format off
  const auto body = bytes_builder()
                        .u8s({0x02})                               // one topic
                        .fill(16, 0x00)                            // topic_id: none
                        .u8s({0x02}).text("t")                     // name
                        .u8s({0x00})                               // topic tags
                        .u8s({0x00, 0x00})                         // auto create, topic ops
                        .u8s({0x00})                               // tags
                        .take();
  // clang-format on
  testing::expect_golden(body, 12, m);
}

TEST(metadata_request, v12_by_id_has_a_null_name) {
  metadata_request m;
  m.topics = {{std::nullopt, testing::uuid_filled(0xab)}};
  // clang-format off
  const auto body = bytes_builder()
                        .u8s({0x02}).fill(16, 0xab)
                        .u8s({0x00})                               // name: null
                        .u8s({0x00, 0x01, 0x00, 0x00})
                        .take();
  // clang-format on
  testing::expect_golden(body, 12, m);
}

TEST(metadata_request, v10_keeps_the_cluster_flag_and_v11_drops_it) {
  metadata_request m;
  m.topics = {{"a"}};
  m.include_cluster_authorized_operations = true;
  m.include_topic_authorized_operations = true;
  // clang-format off
  EXPECT_EQ(body_of(m, 10), bytes_builder()
                                .u8s({0x02}).fill(16, 0x00).u8s({0x02}).text("a").u8s({0x00})
                                .u8s({0x01, 0x01, 0x01, 0x00})
                                .take());
  m.include_cluster_authorized_operations = false;  // not on the wire from v11
  EXPECT_EQ(body_of(m, 11), bytes_builder()
                                .u8s({0x02}).fill(16, 0x00).u8s({0x02}).text("a").u8s({0x00})
                                .u8s({0x01, 0x01, 0x00})
                                .take());
  // clang-format on
}

TEST(metadata_request, a_null_name_cannot_be_encoded_before_v10) {
  metadata_request m;
  m.topics.emplace().emplace_back();  // name null, no id
  writer w;
  EXPECT_EQ(encode_message(m, 9, w), codec_errc::unexpected_null);
}

TEST(metadata_response, v12_golden_bytes_with_ids_and_a_null_name) {
  metadata_response m;
  m.brokers = {{1, "h", 9092, std::nullopt}};
  m.cluster_id = "c";
  m.controller_id = 1;
  metadata_response::partition p;
  p.leader_id = 1;
  p.leader_epoch = 0;
  p.replica_nodes = {1};
  p.isr_nodes = {1};
  metadata_response::topic known;
  known.name = "t";
  known.topic_id = testing::uuid_filled(0x11);
  known.partitions = {p};
  metadata_response::topic unknown;
  unknown.error_code = error_code::unknown_topic_id;
  unknown.name = std::nullopt;
  unknown.topic_id = testing::uuid_filled(0x22);
  m.topics = {known, unknown};
  // clang-format off
  const auto body = bytes_builder()
                        .be32(0)                                   // throttle_time_ms
                        .u8s({0x02})                               // brokers
                        .be32(1).u8s({0x02}).text("h").be32(9092).u8s({0x00, 0x00})
                        .u8s({0x02}).text("c")                     // cluster_id
                        .be32(1)                                   // controller_id
                        .u8s({0x03})                               // two topics
                        .be16(0).u8s({0x02}).text("t").fill(16, 0x11)
                        .u8s({0x00})                               // is_internal
                        .u8s({0x02})                               // one partition
                        .be16(0).be32(0).be32(1).be32(0)           // error, index, leader, epoch
                        .u8s({0x02}).be32(1).u8s({0x02}).be32(1)   // replicas, isr
                        .u8s({0x01, 0x00})                         // offline, tags
                        .be32(INT32_MIN).u8s({0x00})               // topic ops, tags
                        .be16(100).u8s({0x00}).fill(16, 0x22)      // UNKNOWN_TOPIC_ID, null
                        .u8s({0x00, 0x01})                         // internal, no partitions
                        .be32(INT32_MIN).u8s({0x00})
                        .u8s({0x00})                               // no cluster ops from v11
                        .take();
  // clang-format on
  testing::expect_golden(body, 12, m);
}

TEST(metadata_response, v10_writes_the_topic_id_and_the_cluster_operations) {
  metadata_response m;
  metadata_response::topic t;
  t.name = "t";
  t.topic_id = testing::uuid_filled(0x05);
  m.topics = {t};
  m.cluster_authorized_operations = 0x70;
  // clang-format off
  EXPECT_EQ(body_of(m, 10), bytes_builder()
                                .be32(0).u8s({0x01}).u8s({0x00}).be32(-1)
                                .u8s({0x02}).be16(0).u8s({0x02}).text("t").fill(16, 0x05)
                                .u8s({0x00, 0x01}).be32(INT32_MIN).u8s({0x00})
                                .be32(0x70)                        // cluster ops (v8-10)
                                .u8s({0x00})
                                .take());
  // clang-format on
  EXPECT_EQ(body_of(m, 11).size(), body_of(m, 10).size() - 4);
}

TEST(metadata_response, a_null_name_cannot_be_encoded_before_v12) {
  metadata_response m;
  m.topics.emplace_back().name = std::nullopt;
  writer w;
  EXPECT_EQ(encode_message(m, 11, w), codec_errc::unexpected_null);
}

// E3: a v12 answer whose one topic claims 2^28 partitions of 12+ bytes.
TEST(metadata_response, v12_lying_partition_count_is_refused) {
  // clang-format off
  const auto body = bytes_builder()
                        .be32(0).u8s({0x01}).u8s({0x00}).be32(-1)
                        .u8s({0x02}).be16(0).u8s({0x02}).text("t").fill(16, 0x05).u8s({0x00})
                        .u8s({0x80, 0x80, 0x80, 0x80, 0x01})       // 2^28 - 1 partitions
                        .fill(64, 0x00)
                        .take();
  // clang-format on
  testing::expect_refused<metadata_response>(body, 12, codec_errc::truncated);
}

// E3: a v12 request claiming a million topics of 17+ bytes (id, name) each.
TEST(metadata_request, v12_lying_topic_count_is_refused) {
  const auto body = bytes_builder().u8s({0xc1, 0x84, 0x3d}).fill(100, 0x00).take();
  testing::expect_refused<metadata_request>(body, 12, codec_errc::truncated);
}

}  // namespace
}  // namespace sluice::protocol
