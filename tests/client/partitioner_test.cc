#include "client/partitioner.h"

#include <gtest/gtest.h>

#include <set>

#include "client/record.h"

namespace sluice::client {
namespace {

int32_t hash_of(std::string_view s) { return murmur2(to_bytes(s)); }

TEST(murmur2, matches_kafka_java_client_vectors) {
  // Values Kafka's Java Utils.murmur2 gives for these UTF-8 strings.
  EXPECT_EQ(hash_of("0"), 971027396);
  EXPECT_EQ(hash_of("1"), -1993445489);
  EXPECT_EQ(hash_of("128"), -326012175);
  EXPECT_EQ(hash_of("2187"), -1508407203);
  EXPECT_EQ(hash_of("16384"), -325739742);
  EXPECT_EQ(hash_of("78125"), -1654490814);
  EXPECT_EQ(hash_of("279936"), 1462227128);
  EXPECT_EQ(hash_of("823543"), -2014198330);
  EXPECT_EQ(hash_of("2097152"), 607668903);
  EXPECT_EQ(hash_of("4782969"), -1182699775);
  EXPECT_EQ(hash_of("10000000"), -1830336757);
  EXPECT_EQ(hash_of("19487171"), -1603849305);
  EXPECT_EQ(hash_of("35831808"), -857013643);
  EXPECT_EQ(hash_of("62748517"), -1167431028);
  EXPECT_EQ(hash_of("105413504"), -381294639);
  EXPECT_EQ(hash_of("170859375"), -1658323481);
}

TEST(murmur2, matches_librdkafka_vector) {
  EXPECT_EQ(static_cast<uint32_t>(hash_of("kafka")), 0xd067cf64u);
}

TEST(partition_for_key, clears_the_sign_bit_before_the_modulo) {
  // murmur2("1") is negative: Kafka masks it, it does not take abs().
  const int32_t h = hash_of("1");
  EXPECT_EQ(partition_for_key(to_bytes("1"), 7), (h & 0x7fffffff) % 7);
  EXPECT_EQ(partition_for_key(to_bytes("0"), 1), 0);
}

TEST(partitioner, round_robin_visits_every_partition_in_turn) {
  partitioner p(partitioner_kind::round_robin, 1);
  std::vector<int32_t> seen;
  for (int i = 0; i < 8; ++i) seen.push_back(p.unkeyed("t", 4));
  for (int i = 0; i < 4; ++i) EXPECT_EQ(seen[i], seen[i + 4]);
  EXPECT_EQ(std::set<int32_t>(seen.begin(), seen.end()).size(), 4u);
}

TEST(partitioner, sticky_keeps_one_partition_until_its_batch_completes) {
  partitioner p(partitioner_kind::sticky, 3);
  const int32_t first = p.unkeyed("t", 8);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(p.unkeyed("t", 8), first);
  std::set<int32_t> chosen{first};
  for (int i = 0; i < 50; ++i) {
    p.batch_completed("t", p.unkeyed("t", 8));
    chosen.insert(p.unkeyed("t", 8));
  }
  EXPECT_GT(chosen.size(), 1u);
}

}  // namespace
}  // namespace sluice::client
