#include <gtest/gtest.h>

#include "broker/api_table.h"
#include "protocol/messages/create_topics.h"
#include "tests/broker/fake_shard.h"

namespace sluice::broker {
namespace {

using protocol::create_topics_request;
using protocol::create_topics_response;
using protocol::error_code;

class create_topics_handler : public ::testing::Test {
 protected:
  create_topics_response send(const create_topics_request& r, int16_t version = 4) {
    auto a = std::make_shared<test::answer>();
    handle_create_topics(shard_, test::make_request(r, version), test::capture(a));
    // Creation runs in 5 ms slices: on a slow disk a small request may need
    // more than the first one.
    for (int i = 0; i < 10000 && !a->called; ++i) shard_.fire_timers();
    EXPECT_TRUE(a->called && a->value);
    return test::decode_answer<create_topics_response>(*a->value, version);
  }
  static create_topics_request::creatable_topic topic(std::string name, int32_t partitions = 3,
                                                      int16_t rf = 1) {
    create_topics_request::creatable_topic t;
    t.name = std::move(name);
    t.num_partitions = partitions;
    t.replication_factor = rf;
    return t;
  }
  error_code create_one(create_topics_request::creatable_topic t, bool validate_only = false) {
    create_topics_request r;
    r.topics.push_back(std::move(t));
    r.validate_only = validate_only;
    return send(r).topics.at(0).error_code;
  }

  test::fake_shard shard_;
};

TEST_F(create_topics_handler, creates_the_partitions_asked_for) {
  EXPECT_EQ(create_one(topic("a", 3)), error_code::none);
  EXPECT_EQ(shard_.topics().partitions("a"), (std::vector<int32_t>{0, 1, 2}));
}

TEST_F(create_topics_handler, minus_one_takes_the_broker_defaults) {
  broker_config cfg;
  cfg.num_partitions = 4;
  test::fake_shard shard(cfg);
  create_topics_request r;
  r.topics.push_back(topic("d", -1, -1));
  auto a = std::make_shared<test::answer>();
  handle_create_topics(shard, test::make_request(r, 4), test::capture(a));
  for (int i = 0; i < 10000 && !a->called; ++i) shard.fire_timers();
  ASSERT_TRUE(a->value);
  EXPECT_EQ(test::decode_answer<create_topics_response>(*a->value, 4).topics.at(0).error_code,
            error_code::none);
  EXPECT_EQ(shard.topics().partitions("d")->size(), 4u);
}

TEST_F(create_topics_handler, refuses_bad_names_existing_topics_and_replication) {
  EXPECT_EQ(create_one(topic("bad name")), error_code::invalid_topic_exception);
  EXPECT_EQ(create_one(topic("a")), error_code::none);
  EXPECT_EQ(create_one(topic("a")), error_code::topic_already_exists);
  EXPECT_EQ(create_one(topic("b", 1, 3)), error_code::invalid_replication_factor);
  EXPECT_EQ(create_one(topic("c", 0)), error_code::invalid_partitions);
  EXPECT_FALSE(shard_.topics().partitions("b"));
}

TEST_F(create_topics_handler, validate_only_creates_nothing) {
  EXPECT_EQ(create_one(topic("v"), true), error_code::none);
  EXPECT_FALSE(shard_.topics().partitions("v"));
  EXPECT_EQ(create_one(topic("v", 1, 2), true), error_code::invalid_replication_factor);
}

TEST_F(create_topics_handler, stores_and_applies_configs) {
  auto t = topic("cfg", 2);
  t.configs.push_back({"retention.ms", "60000"});
  t.configs.push_back({"segment.bytes", "1048576"});
  t.configs.push_back({"cleanup.policy", "delete"});
  ASSERT_EQ(create_one(t), error_code::none);
  EXPECT_EQ(shard_.topics().configs().get("cfg").at("retention.ms"), "60000");
  for (int32_t p : {0, 1}) {
    EXPECT_EQ(shard_.topics().get("cfg", p)->config().retention_ms, 60000);
    EXPECT_EQ(shard_.topics().get("cfg", p)->config().segment_bytes, 1048576u);
  }
}

TEST_F(create_topics_handler, a_bad_config_is_invalid_config_and_creates_nothing) {
  for (auto [k, v] : {std::pair{"cleanup.policy", "shred"}, std::pair{"retention.ms", "soon"},
                      std::pair{"no.such.key", "1"}, std::pair{"segment.bytes", "1"}}) {
    auto t = topic("x");
    t.configs.push_back({k, v});
    EXPECT_EQ(create_one(t), error_code::invalid_config) << k;
  }
  EXPECT_FALSE(shard_.topics().partitions("x"));
}

TEST_F(create_topics_handler, manual_assignment_must_name_this_node) {
  auto t = topic("m", -1, -1);
  t.assignments.push_back({0, {0}});
  t.assignments.push_back({1, {0}});
  EXPECT_EQ(create_one(t), error_code::none);
  EXPECT_EQ(shard_.topics().partitions("m")->size(), 2u);
  auto u = topic("n", -1, -1);
  u.assignments.push_back({0, {1}});
  EXPECT_EQ(create_one(u), error_code::invalid_replica_assignment);
}

TEST_F(create_topics_handler, v0_answers_without_messages) {
  create_topics_request r;
  r.topics.push_back(topic("old", 1));
  auto resp = send(r, 0);
  EXPECT_EQ(resp.topics.at(0).error_code, error_code::none);
}

TEST_F(create_topics_handler, v7_answers_the_topic_id_partitions_and_configs) {
  create_topics_request r;
  auto t = topic("v7", 2);
  t.configs = {{"retention.ms", "60000"}};
  r.topics.push_back(t);
  auto resp = send(r, 7).topics.at(0);
  ASSERT_EQ(resp.error_code, error_code::none);
  const protocol::uuid* id = shard_.topics().topic_id("v7");
  ASSERT_NE(id, nullptr);
  EXPECT_EQ(resp.topic_id, *id);
  EXPECT_EQ(resp.num_partitions, 2);
  EXPECT_EQ(resp.replication_factor, 1);
  ASSERT_TRUE(resp.configs);
  bool saw_retention = false;
  for (const auto& c : *resp.configs) {
    if (c.name != "retention.ms") continue;
    saw_retention = true;
    EXPECT_EQ(c.value, "60000");
    EXPECT_EQ(c.config_source, protocol::config_source_dynamic_topic);
  }
  EXPECT_TRUE(saw_retention);
}

TEST_F(create_topics_handler, v5_failure_answers_no_configs) {
  ASSERT_FALSE(shard_.topics().create_topic("dup", 1));
  create_topics_request r;
  r.topics.push_back(topic("dup"));
  auto resp = send(r, 5).topics.at(0);
  EXPECT_EQ(resp.error_code, error_code::topic_already_exists);
  EXPECT_EQ(resp.num_partitions, -1);
  EXPECT_FALSE(resp.configs);
}

// Keys tools send with Kafka's values, including ones that are no-ops on one
// node, are accepted and stored.
TEST_F(create_topics_handler, standard_kafka_keys_are_accepted_and_stored) {
  auto t = topic("std");
  t.configs = {{"min.insync.replicas", "1"},
               {"unclean.leader.election.enable", "false"},
               {"message.timestamp.difference.max.ms", "9223372036854775807"},
               {"delete.retention.ms", "3600000"},
               {"preallocate", "true"},
               {"cleanup.policy", "delete"}};
  EXPECT_EQ(create_one(t), error_code::none);
  EXPECT_EQ(shard_.topics().configs().get("std").size(), 6u);
}

TEST_F(create_topics_handler, a_key_sluice_cannot_honour_is_refused_by_name) {
  auto t = topic("c");
  t.configs = {{"segment.jitter.ms", "1000"}};
  create_topics_request r;
  r.topics.push_back(t);
  auto resp = send(r, 7).topics.at(0);
  EXPECT_EQ(resp.error_code, error_code::invalid_config);
  ASSERT_TRUE(resp.error_message);
  EXPECT_NE(resp.error_message->find("segment.jitter.ms"), std::string::npos);
  EXPECT_FALSE(shard_.topics().partitions("c"));
}

TEST_F(create_topics_handler, an_internal_name_is_topic_authorization_failed) {
  for (const char* name : {"__consumer_offsets", "__share_group_state", "__transaction_state"}) {
    for (bool validate_only : {false, true}) {
      create_topics_request::creatable_topic t;
      t.name = name;
      t.num_partitions = 50;
      t.replication_factor = 1;
      EXPECT_EQ(create_one(t, validate_only), error_code::topic_authorization_failed) << name;
    }
    EXPECT_FALSE(shard_.topics().partitions(name));
  }
}

}  // namespace
}  // namespace sluice::broker
