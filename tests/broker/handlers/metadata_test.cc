#include <gtest/gtest.h>

#include "broker/api_table.h"
#include "protocol/messages/metadata.h"
#include "protocol/uuid.h"
#include "tests/broker/fake_shard.h"

namespace sluice::broker {
namespace {

using protocol::error_code;
using protocol::metadata_request;
using protocol::metadata_response;

metadata_request for_topics(std::vector<std::string> names, bool allow_create = true) {
  metadata_request r;
  r.topics.emplace();
  for (auto& n : names) r.topics->push_back({n});
  r.allow_auto_topic_creation = allow_create;
  return r;
}

metadata_response ask(test::fake_shard& shard, const metadata_request& body, int16_t version) {
  auto a = std::make_shared<test::answer>();
  handle_metadata(shard, test::make_request(body, version), test::capture(a));
  EXPECT_TRUE(a->called && a->value);
  return test::decode_answer<metadata_response>(*a->value, version);
}

TEST(metadata_handler, describes_this_node_as_broker_controller_and_leader) {
  broker_config cfg;
  cfg.num_partitions = 3;
  cfg.node_id = 5;
  cfg.advertised = endpoint{"broker.example", 29092};
  test::fake_shard shard(cfg);
  auto r = ask(shard, for_topics({"orders"}), 8);
  ASSERT_EQ(r.brokers.size(), 1u);
  EXPECT_EQ(r.brokers[0].node_id, 5);
  EXPECT_EQ(r.brokers[0].host, "broker.example");
  EXPECT_EQ(r.brokers[0].port, 29092);
  EXPECT_EQ(r.controller_id, 5);
  EXPECT_EQ(r.cluster_id, "test-cluster");
  ASSERT_EQ(r.topics.size(), 1u);
  EXPECT_EQ(r.topics[0].error_code, error_code::none);
  ASSERT_EQ(r.topics[0].partitions.size(), 3u);
  for (int32_t i = 0; i < 3; ++i) {
    const auto& p = r.topics[0].partitions[i];
    EXPECT_EQ(p.partition_index, i);
    EXPECT_EQ(p.leader_id, 5);
    EXPECT_EQ(p.replica_nodes, std::vector<int32_t>{5});
    EXPECT_EQ(p.isr_nodes, std::vector<int32_t>{5});
  }
}

TEST(metadata_handler, auto_create_can_be_disabled_by_broker_or_client) {
  broker_config cfg;
  cfg.auto_create_topics = false;
  test::fake_shard off(cfg);
  EXPECT_EQ(ask(off, for_topics({"x"}), 4).topics[0].error_code,
            error_code::unknown_topic_or_partition);
  test::fake_shard on;
  EXPECT_EQ(ask(on, for_topics({"x"}, false), 4).topics[0].error_code,
            error_code::unknown_topic_or_partition);
  EXPECT_FALSE(on.topics().partitions("x"));
  // v1-3 have no flag: the broker setting alone decides.
  EXPECT_EQ(ask(on, for_topics({"x"}, false), 1).topics[0].error_code, error_code::none);
}

TEST(metadata_handler, a_topic_being_created_is_not_available_yet_and_not_auto_created) {
  test::fake_shard shard;
  ASSERT_FALSE(shard.topics().begin_create("big", 4));
  auto r = ask(shard, for_topics({"big"}), 9);
  EXPECT_EQ(r.topics[0].error_code, error_code::leader_not_available);
  EXPECT_TRUE(r.topics[0].partitions.empty());
  auto done = shard.topics().create_some("big", std::chrono::steady_clock::time_point::max());
  ASSERT_TRUE(done && *done);
  r = ask(shard, for_topics({"big"}), 9);
  EXPECT_EQ(r.topics[0].error_code, error_code::none);
  EXPECT_EQ(r.topics[0].partitions.size(), 4u);
}

TEST(metadata_handler, illegal_names_are_invalid_topic_exception) {
  test::fake_shard shard;
  auto r = ask(shard, for_topics({"bad name", "..", std::string(250, 'a')}), 8);
  for (const auto& t : r.topics) EXPECT_EQ(t.error_code, error_code::invalid_topic_exception);
  EXPECT_TRUE(shard.topics().topic_names().empty());
}

TEST(metadata_handler, all_topics_by_version) {
  test::fake_shard shard;
  ASSERT_FALSE(shard.topics().create_topic("a", 1));
  ASSERT_FALSE(shard.topics().create_topic("b", 2));
  metadata_request all;  // null topics: all (v1+)
  EXPECT_EQ(ask(shard, all, 1).topics.size(), 2u);
  metadata_request empty = for_topics({});
  EXPECT_EQ(ask(shard, empty, 1).topics.size(), 0u);  // v1+: empty means none
  EXPECT_EQ(ask(shard, empty, 0).topics.size(), 2u);  // v0: empty means all
}

// v10+ answers carry the topic table's ids: what a current client (librdkafka
// 2.15's share consumer, Fetch v13+) maps assignments and fetches with.
TEST(metadata_handler, v12_answers_each_topics_id) {
  test::fake_shard shard;
  ASSERT_FALSE(shard.topics().create_topic("a", 1));
  auto r = ask(shard, for_topics({"a", "missing"}, false), 12);
  ASSERT_EQ(r.topics.size(), 2u);
  EXPECT_EQ(r.topics[0].name, "a");
  EXPECT_EQ(r.topics[0].topic_id, shard.topics().topic_id_or_zero("a"));
  EXPECT_FALSE(protocol::is_zero(r.topics[0].topic_id));
  EXPECT_EQ(r.topics[1].error_code, error_code::unknown_topic_or_partition);
  EXPECT_TRUE(protocol::is_zero(r.topics[1].topic_id));  // Kafka: zero for an unknown name

  metadata_request all;
  auto every = ask(shard, all, 10);
  ASSERT_EQ(every.topics.size(), 1u);
  EXPECT_EQ(every.topics[0].topic_id, shard.topics().topic_id_or_zero("a"));
}

TEST(metadata_handler, v12_looks_topics_up_by_id) {
  test::fake_shard shard;
  ASSERT_FALSE(shard.topics().create_topic("a", 2));
  const protocol::uuid id = shard.topics().topic_id_or_zero("a");
  protocol::uuid unknown;
  unknown.bytes[15] = std::byte{9};
  metadata_request req;
  req.topics.emplace();
  req.topics->push_back({std::nullopt, id});
  req.topics->push_back({std::nullopt, unknown});
  req.topics->push_back({"ignored-beside-ids", protocol::uuid{}});
  auto r = ask(shard, req, 12);
  ASSERT_EQ(r.topics.size(), 2u);
  EXPECT_EQ(r.topics[0].error_code, error_code::none);
  EXPECT_EQ(r.topics[0].name, "a");
  EXPECT_EQ(r.topics[0].topic_id, id);
  EXPECT_EQ(r.topics[0].partitions.size(), 2u);
  EXPECT_EQ(r.topics[1].error_code, error_code::unknown_topic_id);
  EXPECT_EQ(r.topics[1].name, std::nullopt);
  EXPECT_EQ(r.topics[1].topic_id, unknown);
  EXPECT_FALSE(shard.topics().partitions("ignored-beside-ids"));  // nothing auto-created
}

// Kafka: "Topic IDs are not supported in requests for version 10/11".
TEST(metadata_handler, ids_before_v12_are_invalid_request) {
  test::fake_shard shard;
  ASSERT_FALSE(shard.topics().create_topic("a", 1));
  for (int16_t version : {10, 11}) {
    metadata_request req;
    req.topics.emplace();
    req.topics->push_back({"a", shard.topics().topic_id_or_zero("a")});
    auto r = ask(shard, req, version);
    ASSERT_EQ(r.topics.size(), 1u);
    EXPECT_EQ(r.topics[0].error_code, error_code::invalid_request) << "v" << version;
    EXPECT_TRUE(r.topics[0].partitions.empty());
  }
  // A name alone is fine there.
  EXPECT_EQ(ask(shard, for_topics({"a"}), 11).topics[0].error_code, error_code::none);
}

TEST(metadata_handler, authorized_operations_only_when_asked_and_names_once) {
  test::fake_shard shard;
  auto plain = ask(shard, for_topics({"a", "a"}), 12);
  ASSERT_EQ(plain.topics.size(), 1u);  // asked twice, answered once
  EXPECT_EQ(plain.topics[0].topic_authorized_operations, protocol::authorized_operations_omitted);
  auto req = for_topics({"a"});
  req.include_topic_authorized_operations = true;
  req.include_cluster_authorized_operations = true;
  auto r = ask(shard, req, 10);
  // READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS.
  EXPECT_EQ(r.topics[0].topic_authorized_operations, 0xdf8);
  EXPECT_NE(r.cluster_authorized_operations, protocol::authorized_operations_omitted);
  EXPECT_EQ(r.topics[0].partitions[0].leader_epoch, 0);
}

}  // namespace
}  // namespace sluice::broker
