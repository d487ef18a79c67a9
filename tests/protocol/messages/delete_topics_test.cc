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
  m.responses = {{"t", error_code::unknown_topic_or_partition}};
  EXPECT_EQ(body_of(m, 0), bytes_builder().be32(1).be16(1).text("t").be16(3).take());
  testing::expect_golden(bytes_builder().be32(3).be32(1).be16(1).text("t").be16(3).take(), 3, m);
}

TEST(delete_topics_request, lying_name_count_is_refused) {
  const auto body = bytes_builder().be32(INT32_MAX).be16(1).text("t").take();
  testing::expect_refused<delete_topics_request>(body, 3, codec_errc::truncated);
}

}  // namespace
}  // namespace sluice::protocol
