#include "protocol/messages/delete_topics.h"

#include <gtest/gtest.h>

#include "tests/protocol/byte_helpers.h"
#include "tests/protocol/message_test_helpers.h"

namespace sluice::protocol {
namespace {

using testing::body_of;
using testing::bytes_builder;

// kafka-python 2.0.2's admin client sends v3, kafkajs 2.2.4 v1; the bytes are
// the same (checked against both encoders).
TEST(delete_topics_request, golden_bytes_from_kafka_python_v3_and_kafkajs_v1) {
  const auto body = bytes_builder().be32(1).be16(1).text("t").be32(5000).take();
  delete_topics_request expected;
  expected.topic_names = {"t"};
  expected.timeout_ms = 5000;
  for (int16_t v = 0; v <= 3; ++v) testing::expect_golden(body, v, expected);
}

TEST(delete_topics_response, v1_adds_throttle_time) {
  delete_topics_response m;
  m.throttle_time_ms = 3;
  auto& t = m.responses.emplace_back();
  t.name = "t";
  t.error_code = error_code::unknown_topic_or_partition;
  EXPECT_EQ(body_of(m, 0), bytes_builder().be32(1).be16(1).text("t").be16(3).take());
  testing::expect_golden(bytes_builder().be32(3).be32(1).be16(1).text("t").be16(3).take(), 3, m);
}

TEST(delete_topics_request, v4_and_v5_golden_bytes_are_compact_names) {
  const auto body = bytes_builder().u8s({2, 2}).text("t").be32(5000).u8s({0}).take();
  delete_topics_request expected;
  expected.topic_names = {"t"};
  expected.timeout_ms = 5000;
  testing::expect_golden(body, 4, expected);
  testing::expect_golden(body, 5, expected);
}

// v6 names each topic by name or id: {name nullable, topic_id, tags}.
TEST(delete_topics_request, v6_golden_bytes_by_name_and_by_id) {
  // clang-format off
  const auto body = bytes_builder()
                        .u8s({3})                                // two topics
                        .u8s({2}).text("t").fill(16, 0).u8s({0}) // by name, zero id
                        .u8s({0}).fill(16, 7).u8s({0})           // null name, by id
                        .be32(5000)
                        .u8s({0})
                        .take();
  // clang-format on
  delete_topics_request expected;
  expected.topics = {{"t", uuid{}}, {std::nullopt, testing::uuid_filled(7)}};
  expected.timeout_ms = 5000;
  testing::expect_golden(body, 6, expected);
}

TEST(delete_topics_request, by_names_encodes_at_every_version) {
  const auto m = delete_topics_request::by_names({"a", "b"}, 100);
  delete_topics_request back;
  ASSERT_FALSE(decode_message(body_of(m, 3), 3, back));
  EXPECT_EQ(back.topic_names, (std::vector<std::string>{"a", "b"}));
  ASSERT_FALSE(decode_message(body_of(m, 6), 6, back));
  ASSERT_EQ(back.topics.size(), 2u);
  EXPECT_EQ(back.topics[1].name, "b");
  EXPECT_EQ(back.topics[1].topic_id, uuid{});
}

// v5 adds error_message; v6 the topic id and a nullable name (an id nobody has).
TEST(delete_topics_response, v6_golden_bytes_for_an_unknown_id) {
  delete_topics_response m;
  auto& t = m.responses.emplace_back();
  t.topic_id = testing::uuid_filled(9);
  t.error_code = error_code::unknown_topic_id;
  t.error_message = "no topic";
  // clang-format off
  const auto body = bytes_builder()
                        .be32(0)
                        .u8s({2})
                        .u8s({0})                                // name: null
                        .fill(16, 9)
                        .be16(100)                               // UNKNOWN_TOPIC_ID
                        .u8s({9}).text("no topic")
                        .u8s({0})
                        .u8s({0})
                        .take();
  // clang-format on
  testing::expect_golden(body, 6, m);
}

TEST(delete_topics_response, a_null_name_cannot_be_encoded_before_v6) {
  delete_topics_response m;
  m.responses.emplace_back();  // name null
  writer w;
  EXPECT_EQ(encode_message(m, 5, w), codec_errc::unexpected_null);
}

// E3: a v6 request claiming 1,000,000 topics of at least 17 bytes each.
TEST(delete_topics_request, v6_lying_topic_count_is_refused) {
  const auto body = bytes_builder().u8s({0xc1, 0x84, 0x3d}).fill(100, 0).take();
  testing::expect_refused<delete_topics_request>(body, 6, codec_errc::truncated);
}

TEST(delete_topics_request, lying_name_count_is_refused) {
  const auto body = bytes_builder().be32(INT32_MAX).be16(1).text("t").take();
  testing::expect_refused<delete_topics_request>(body, 3, codec_errc::truncated);
}

}  // namespace
}  // namespace sluice::protocol
