#include "protocol/consumer_protocol.h"

#include <cstdlib>

#include <gtest/gtest.h>

#include "tests/protocol/allocation_counter.h"
#include "tests/protocol/byte_helpers.h"
#include "tests/protocol/random_messages_group.h"

namespace sluice::protocol {
namespace {

using testing::bytes_builder;

std::vector<std::byte> encode_subscription(const consumer_protocol_subscription& m, int16_t v) {
  std::vector<std::byte> out;
  EXPECT_FALSE(encode_consumer_protocol_subscription(m, v, out));
  return out;
}

std::vector<std::byte> encode_assignment(const consumer_protocol_assignment& m, int16_t v) {
  std::vector<std::byte> out;
  EXPECT_FALSE(encode_consumer_protocol_assignment(m, v, out));
  return out;
}

// ---- subscriptions: what each client puts in JoinGroup protocol metadata ----

// kafka-python 2.0.2 (range/roundrobin assignors) and kafkajs 2.2.4
// (RoundRobinAssigner): v0, empty user data (checked against both encoders).
TEST(consumer_protocol_subscription, v0_golden_bytes_from_kafka_python_and_kafkajs) {
  const auto bytes = bytes_builder().be16(0).be32(1).be16(1).text("t").be32(0).take();
  consumer_protocol_subscription s;
  int16_t version = -1;
  ASSERT_FALSE(decode_consumer_protocol_subscription(bytes, s, &version));
  EXPECT_EQ(version, 0);
  EXPECT_EQ(s.topics, std::vector<std::string>{"t"});
  EXPECT_EQ(s.user_data, std::vector<std::byte>{});  // empty, not null
  EXPECT_EQ(encode_subscription(s, 0), bytes);
}

// librdkafka 2.0.2 (rdkafka_assignor.c): v1, empty user data, then the owned
// partitions (an empty array when it owns none).
TEST(consumer_protocol_subscription, v1_golden_bytes_as_librdkafka_writes_them) {
  // clang-format off
  const auto bytes = bytes_builder()
                         .be16(1)
                         .be32(2).be16(1).text("a").be16(1).text("b")
                         .be32(0)                                       // user_data: empty
                         .be32(1).be16(1).text("a").be32(2).be32(0).be32(3)  // owned a[0,3]
                         .take();
  // clang-format on
  consumer_protocol_subscription s;
  ASSERT_FALSE(decode_consumer_protocol_subscription(bytes, s));
  EXPECT_EQ(s.topics, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(s.owned_partitions.size(), 1u);
  EXPECT_EQ(s.owned_partitions[0].topic, "a");
  EXPECT_EQ(s.owned_partitions[0].partitions, (std::vector<int32_t>{0, 3}));
  EXPECT_EQ(encode_subscription(s, 1), bytes);
}

// kafkajs's MemberMetadata writes the v0 layout whatever version it is given,
// and its own fixture (and custom assigners written after its docs) say 1.
TEST(consumer_protocol_subscription, version_1_in_the_v0_layout_from_kafkajs_is_accepted) {
  const auto bytes = bytes_builder().be16(1).be32(1).be16(10).text("topic-test").be32(0).take();
  consumer_protocol_subscription s;
  int16_t version = -1;
  ASSERT_FALSE(decode_consumer_protocol_subscription(bytes, s, &version));
  EXPECT_EQ(version, 1);
  EXPECT_EQ(s.topics, std::vector<std::string>{"topic-test"});
  EXPECT_TRUE(s.owned_partitions.empty());
}

// Newer clients (librdkafka 2.1+ writes v3) append generation_id (v2) and
// rack_id (v3); they are read with the v1 layout and the rest is ignored.
TEST(consumer_protocol_subscription, newer_versions_are_read_with_the_v1_layout) {
  // clang-format off
  const auto bytes = bytes_builder()
                         .be16(3)
                         .be32(1).be16(1).text("t").be32(-1)            // null user data
                         .be32(0)                                       // owned partitions
                         .be32(7)                                       // generation_id (v2)
                         .be16(4).text("rack")                          // rack_id (v3)
                         .take();
  // clang-format on
  consumer_protocol_subscription s;
  int16_t version = -1;
  ASSERT_FALSE(decode_consumer_protocol_subscription(bytes, s, &version));
  EXPECT_EQ(version, 3);
  EXPECT_EQ(s.topics, std::vector<std::string>{"t"});
  EXPECT_FALSE(s.user_data.has_value());
}

TEST(consumer_protocol_subscription, negative_versions_and_short_bytes_are_refused) {
  consumer_protocol_subscription s;
  EXPECT_EQ(
      decode_consumer_protocol_subscription(bytes_builder().be16(-1).be32(0).be32(0).take(), s),
      codec_errc::unsupported_version);
  EXPECT_EQ(decode_consumer_protocol_subscription(bytes_builder().u8s({0x00}).take(), s),
            codec_errc::truncated);
  EXPECT_EQ(decode_consumer_protocol_subscription({}, s), codec_errc::truncated);
}

TEST(consumer_protocol_subscription, only_versions_0_and_1_are_written) {
  std::vector<std::byte> out;
  EXPECT_EQ(encode_consumer_protocol_subscription({}, 2, out), codec_errc::unsupported_version);
  EXPECT_EQ(encode_consumer_protocol_subscription({}, -1, out), codec_errc::unsupported_version);
  // The default user data is null, as in Kafka's schema.
  EXPECT_EQ(encode_subscription({}, 0), bytes_builder().be16(0).be32(0).be32(-1).take());
}

// ---- assignments: what the leader puts in SyncGroup ----

// librdkafka 2.0.2 (rd_kafka_group_MemberState_consumer_write): v0 with null
// user data from its built-in assignors.
TEST(consumer_protocol_assignment, v0_golden_bytes_as_librdkafka_writes_them) {
  // clang-format off
  const auto bytes = bytes_builder()
                         .be16(0)
                         .be32(2)
                         .be16(1).text("a").be32(2).be32(0).be32(1)
                         .be16(1).text("b").be32(1).be32(5)
                         .be32(-1)                                      // user_data: null
                         .take();
  // clang-format on
  consumer_protocol_assignment a;
  ASSERT_FALSE(decode_consumer_protocol_assignment(bytes, a));
  ASSERT_EQ(a.assigned_partitions.size(), 2u);
  EXPECT_EQ(a.assigned_partitions[1].topic, "b");
  EXPECT_EQ(a.assigned_partitions[1].partitions, std::vector<int32_t>{5});
  EXPECT_FALSE(a.user_data.has_value());
  EXPECT_EQ(encode_assignment(a, 0), bytes);
}

// kafka-python 2.0.2 and kafkajs 2.2.4 leaders: v0 with empty user data
// (checked against both encoders); v1 and newer share the layout.
TEST(consumer_protocol_assignment, golden_bytes_from_kafka_python_and_kafkajs) {
  const auto body =
      bytes_builder().be32(1).be16(1).text("t").be32(2).be32(0).be32(1).be32(0).take();
  for (int16_t v : {0, 1, 2}) {
    auto bytes = bytes_builder().be16(v).take();
    bytes.insert(bytes.end(), body.begin(), body.end());
    consumer_protocol_assignment a;
    int16_t version = -1;
    ASSERT_FALSE(decode_consumer_protocol_assignment(bytes, a, &version));
    EXPECT_EQ(version, v);
    EXPECT_EQ(a.user_data, std::vector<std::byte>{});
    if (v <= consumer_protocol_max_version) {
      EXPECT_EQ(encode_assignment(a, v), bytes);
    }
  }
}

// ---- E3: count and length lies ----

template <class M, class F>
void expect_refused(const std::vector<std::byte>& bytes, codec_errc expected, F decode) {
  std::error_code ec;
  testing::allocation_stats stats;
  {
    testing::allocation_scope scope;
    M m;
    ec = decode(bytes, m, nullptr);
    stats = scope.stats();
  }
  EXPECT_EQ(ec, expected) << ec.message();
  EXPECT_LE(stats.total_bytes, 2 * bytes.size() + 4096);
}

TEST(consumer_protocol_e3, lying_topic_count) {
  expect_refused<consumer_protocol_subscription>(
      bytes_builder().be16(0).be32(INT32_MAX).fill(16, 0).take(), codec_errc::truncated,
      decode_consumer_protocol_subscription);
}

TEST(consumer_protocol_e3, lying_owned_partition_count) {
  // clang-format off
  const auto bytes = bytes_builder()
                         .be16(1).be32(0).be32(0)
                         .be32(1).be16(1).text("t").be32(1000000).fill(32, 0)
                         .take();
  // clang-format on
  expect_refused<consumer_protocol_subscription>(bytes, codec_errc::truncated,
                                                 decode_consumer_protocol_subscription);
}

TEST(consumer_protocol_e3, lying_user_data_length) {
  expect_refused<consumer_protocol_assignment>(
      bytes_builder().be16(0).be32(0).be32(1 << 30).fill(8, 0).take(), codec_errc::truncated,
      decode_consumer_protocol_assignment);
}

TEST(consumer_protocol_e3, negative_assignment_count) {
  expect_refused<consumer_protocol_assignment>(bytes_builder().be16(0).be32(-3).take(),
                                               codec_errc::negative_length,
                                               decode_consumer_protocol_assignment);
}

// ---- E8: round trips ----

int cases_per_version() {
  if (const char* env = std::getenv("SLUICE_ROUND_TRIP_CASES")) return std::atoi(env);
  return 2000;
}

template <class M, class Encode, class Decode>
void check_round_trips(uint64_t seed, Encode encode, Decode decode) {
  for (int16_t v = 0; v <= consumer_protocol_max_version; ++v) {
    testing::message_generator gen(seed * 1000 + static_cast<uint64_t>(v));
    for (int i = 0; i < cases_per_version(); ++i) {
      const M original = gen.make<M>(v);
      std::vector<std::byte> bytes;
      ASSERT_FALSE(encode(original, v, bytes));
      M decoded;
      int16_t version = -1;
      ASSERT_FALSE(decode(bytes, decoded, &version)) << "v" << v << " case " << i;
      EXPECT_EQ(version, v);
      ASSERT_TRUE(decoded == original) << "v" << v << " case " << i;
      std::vector<std::byte> again;
      ASSERT_FALSE(encode(decoded, v, again));
      ASSERT_EQ(again, bytes) << "v" << v << " case " << i;
    }
  }
}

TEST(consumer_protocol_round_trip, subscription_every_version) {
  check_round_trips<consumer_protocol_subscription>(1, encode_consumer_protocol_subscription,
                                                    decode_consumer_protocol_subscription);
}

TEST(consumer_protocol_round_trip, assignment_every_version) {
  check_round_trips<consumer_protocol_assignment>(2, encode_consumer_protocol_assignment,
                                                  decode_consumer_protocol_assignment);
}

// Every truncation is refused, except one: a v1 subscription cut right after
// its user data reads as kafkajs's v0-layout "v1" with no owned partitions.
TEST(consumer_protocol_round_trip, truncations_are_refused) {
  testing::message_generator gen(3);
  for (int16_t v = 0; v <= consumer_protocol_max_version; ++v) {
    for (int i = 0; i < 50; ++i) {
      const auto s = gen.make<consumer_protocol_subscription>(v);
      const auto bytes = encode_subscription(s, v);
      const size_t v0_size = encode_subscription(s, 0).size();
      for (size_t cut = 0; cut < bytes.size(); ++cut) {
        consumer_protocol_subscription decoded;
        const std::vector<std::byte> prefix(bytes.begin(), bytes.begin() + cut);
        const std::error_code ec = decode_consumer_protocol_subscription(prefix, decoded);
        if (v == 1 && cut == v0_size) {
          EXPECT_FALSE(ec);
          EXPECT_TRUE(decoded.owned_partitions.empty());
        } else {
          EXPECT_TRUE(ec) << "v" << v << " cut at " << cut << " of " << bytes.size();
        }
      }
      const auto a = gen.make<consumer_protocol_assignment>(v);
      const auto abytes = encode_assignment(a, v);
      for (size_t cut = 0; cut < abytes.size(); ++cut) {
        consumer_protocol_assignment decoded;
        const std::vector<std::byte> prefix(abytes.begin(), abytes.begin() + cut);
        EXPECT_TRUE(decode_consumer_protocol_assignment(prefix, decoded))
            << "v" << v << " cut at " << cut << " of " << abytes.size();
      }
    }
  }
}

TEST(consumer_protocol_round_trip, corrupted_payloads_stay_within_bounds) {
  testing::message_generator gen(4);
  for (int i = 0; i < 2000; ++i) {
    auto bytes = encode_subscription(gen.make<consumer_protocol_subscription>(1), 1);
    const int64_t flips = gen.uniform(1, 4);
    for (int64_t f = 0; f < flips; ++f) {
      const auto at = static_cast<size_t>(gen.uniform(0, static_cast<int64_t>(bytes.size()) - 1));
      bytes[at] = static_cast<std::byte>(gen.uniform(0, 255));
    }
    consumer_protocol_subscription decoded;
    testing::allocation_scope scope;
    (void)decode_consumer_protocol_subscription(bytes, decoded);
    EXPECT_LE(scope.stats().total_bytes, 32 * bytes.size() + 65536) << "case " << i;
  }
}

}  // namespace
}  // namespace sluice::protocol
