#include "protocol/messages/create_topics.h"

#include <gtest/gtest.h>

#include "tests/protocol/byte_helpers.h"
#include "tests/protocol/message_test_helpers.h"

namespace sluice::protocol {
namespace {

using testing::body_of;
using testing::bytes_builder;

// kafka-python 2.0.2 (admin, v3) and kafkajs 2.2.4 (v3) encode this request
// to the same bytes (checked against both clients' encoders).
TEST(create_topics_request, v3_golden_bytes_from_kafka_python_and_kafkajs) {
  // clang-format off
  const auto body = bytes_builder()
                        .be32(1)                                 // topics
                        .be16(1).text("t").be32(3).be16(1)       // name, partitions, factor
                        .be32(0)                                 // no manual assignment
                        .be32(1).be16(14).text("cleanup.policy").be16(7).text("compact")
                        .be32(5000)                              // timeout_ms
                        .u8s({0x00})                             // validate_only (v1+)
                        .take();
  // clang-format on
  create_topics_request expected;
  expected.topics = {{"t", 3, 1, {}, {{"cleanup.policy", "compact"}}}};
  expected.timeout_ms = 5000;
  testing::expect_golden(body, 3, expected);
}

TEST(create_topics_request, manual_assignment_and_null_config_value) {
  create_topics_request m;
  m.topics = {{"a", -1, -1, {{0, {1, 2}}}, {{"k", std::nullopt}}}};
  m.timeout_ms = 60000;
  // clang-format off
  EXPECT_EQ(body_of(m, 4), bytes_builder()
                               .be32(1).be16(1).text("a").be32(-1).be16(-1)
                               .be32(1).be32(0).be32(2).be32(1).be32(2)
                               .be32(1).be16(1).text("k").be16(-1)
                               .be32(60000).u8s({0x00})
                               .take());
  // clang-format on
}

TEST(create_topics_request, v0_has_no_validate_only) {
  create_topics_request m;
  m.timeout_ms = 7;
  m.validate_only = true;  // not on the wire at v0
  EXPECT_EQ(body_of(m, 0), bytes_builder().be32(0).be32(7).take());
  EXPECT_EQ(body_of(m, 1), bytes_builder().be32(0).be32(7).u8s({0x01}).take());
}

TEST(create_topics_response, versions_add_error_message_then_throttle) {
  create_topics_response m;
  m.throttle_time_ms = 9;
  auto& t = m.topics.emplace_back();
  t.name = "t";
  t.error_code = error_code::topic_already_exists;
  t.error_message = "exists";
  EXPECT_EQ(body_of(m, 0), bytes_builder().be32(1).be16(1).text("t").be16(36).take());
  EXPECT_EQ(body_of(m, 1),
            bytes_builder().be32(1).be16(1).text("t").be16(36).be16(6).text("exists").take());
  // clang-format off
  const auto v2 = bytes_builder()
                      .be32(9)
                      .be32(1).be16(1).text("t").be16(36).be16(6).text("exists")
                      .take();
  // clang-format on
  testing::expect_golden(v2, 2, m);
  testing::expect_golden(v2, 4, m);  // v3 and v4 are v2's layout
}

// v5+ (flexible): compact strings (length + 1), compact arrays (count + 1),
// a tag section after every struct. librdkafka 2.15 sends v4 of the request,
// Java's admin client v7; the body is the same from v5 to v7.
TEST(create_topics_request, v5_to_v7_golden_bytes) {
  // clang-format off
  const auto body = bytes_builder()
                        .u8s({2})                                // one topic
                        .u8s({2}).text("t").be32(3).be16(-1)     // name, partitions, factor
                        .u8s({1})                                // no manual assignment
                        .u8s({2})                                // one config
                        .u8s({13}).text("retention.ms").u8s({6}).text("60000")
                        .u8s({0})                                // config's tags
                        .u8s({0})                                // topic's tags
                        .be32(30000)                             // timeout_ms
                        .u8s({0x01})                             // validate_only
                        .u8s({0})                                // tags
                        .take();
  // clang-format on
  create_topics_request expected;
  auto& t = expected.topics.emplace_back();
  t.name = "t";
  t.num_partitions = 3;
  t.replication_factor = -1;
  t.configs = {{"retention.ms", "60000"}};
  expected.timeout_ms = 30000;
  expected.validate_only = true;
  for (int16_t v = 5; v <= 7; ++v) testing::expect_golden(body, v, expected);
}

// v5 answers the topic's partitions, replication factor and configs; v7 puts
// the topic id after the name.
TEST(create_topics_response, v7_golden_bytes_with_topic_id_and_configs) {
  create_topics_response m;
  auto& t = m.topics.emplace_back();
  t.name = "t";
  t.topic_id = testing::uuid_filled(0xab);
  t.num_partitions = 2;
  t.replication_factor = 1;
  t.configs.emplace().push_back({"retention.ms", "60000", false, 1, false});
  // clang-format off
  const auto body = bytes_builder()
                        .be32(0)                                 // throttle_time_ms
                        .u8s({2})
                        .u8s({2}).text("t")
                        .fill(16, 0xab)                          // topic_id (v7+)
                        .be16(0)                                 // error_code
                        .u8s({0})                                // error_message: null
                        .be32(2).be16(1)                         // partitions, factor
                        .u8s({2})                                // one config
                        .u8s({13}).text("retention.ms").u8s({6}).text("60000")
                        .u8s({0x00, 0x01, 0x00})                 // read_only, source, sensitive
                        .u8s({0})                                // config's tags
                        .u8s({0})                                // topic's tags
                        .u8s({0})                                // tags
                        .take();
  // clang-format on
  testing::expect_golden(body, 7, m);
}

// TopicConfigErrorCode is tag 0 of the topic result, written only when set.
TEST(create_topics_response, v5_topic_config_error_code_is_a_tagged_field) {
  create_topics_response m;
  auto& t = m.topics.emplace_back();
  t.name = "t";
  t.topic_config_error_code = 29;  // TOPIC_AUTHORIZATION_FAILED
  // clang-format off
  const auto body = bytes_builder()
                        .be32(0).u8s({2}).u8s({2}).text("t").be16(0).u8s({0})
                        .be32(-1).be16(-1)                       // defaults
                        .u8s({0})                                // configs: null
                        .u8s({1, 0, 2}).be16(29)                 // one tag: 0, size 2
                        .u8s({0})
                        .take();
  // clang-format on
  testing::expect_golden(body, 5, m);
  testing::expect_golden(body, 6, m);
}

// E3: a flexible response whose configs claim 1,000,000 entries.
TEST(create_topics_response, v5_lying_config_count_is_refused) {
  // clang-format off
  const auto body = bytes_builder()
                        .be32(0).u8s({2}).u8s({2}).text("t").be16(0).u8s({0})
                        .be32(1).be16(1)
                        .u8s({0xc1, 0x84, 0x3d})                 // 1,000,000 + 1
                        .fill(40, 0)
                        .take();
  // clang-format on
  testing::expect_refused<create_topics_response>(body, 5, codec_errc::truncated);
}

TEST(create_topics_request, lying_config_count_is_refused) {
  // One topic whose configs array claims 100,000 entries with 8 bytes behind it.
  // clang-format off
  const auto body = bytes_builder()
                        .be32(1).be16(1).text("t").be32(1).be16(1).be32(0)
                        .be32(100000).fill(8, 0)
                        .take();
  // clang-format on
  testing::expect_refused<create_topics_request>(body, 3, codec_errc::truncated);
}

}  // namespace
}  // namespace sluice::protocol
