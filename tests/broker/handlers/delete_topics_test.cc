#include <gtest/gtest.h>

#include "broker/api_table.h"
#include "protocol/messages/delete_topics.h"
#include "protocol/messages/fetch.h"
#include "tests/broker/fake_shard.h"

namespace sluice::broker {
namespace {

using protocol::delete_topics_request;
using protocol::delete_topics_response;
using protocol::error_code;

class delete_topics_handler : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(shard_.topics().create_topic("t", 2)); }

  std::vector<delete_topics_response::deletable_topic_result> remove(std::vector<std::string> names,
                                                                     int16_t version = 3) {
    delete_topics_request r;
    r.topic_names = std::move(names);
    auto a = std::make_shared<test::answer>();
    handle_delete_topics(shard_, test::make_request(r, version), test::capture(a));
    EXPECT_TRUE(a->called && a->value);
    return test::decode_answer<delete_topics_response>(*a->value, version).responses;
  }

  test::fake_shard shard_;
};

TEST_F(delete_topics_handler, removes_every_partition_and_the_overrides) {
  ASSERT_FALSE(shard_.topics().configs().put("t", {{"retention.ms", "1000"}}));
  const std::string dir = shard_.topics().get("t", 1)->dir();
  auto r = remove({"t"});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].error_code, error_code::none);
  EXPECT_FALSE(shard_.topics().partitions("t"));
  EXPECT_EQ(shard_.topics().logs().partitions().size(), 0u);
  EXPECT_TRUE(shard_.topics().configs().get("t").empty());
  EXPECT_NE(::access(dir.c_str(), F_OK), 0);
  // The name can be used again, with fresh partitions.
  ASSERT_FALSE(shard_.topics().create_topic("t", 1));
}

TEST_F(delete_topics_handler, unknown_topic_is_unknown_topic_or_partition) {
  auto r = remove({"nope", "t"}, 0);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].error_code, error_code::unknown_topic_or_partition);
  EXPECT_EQ(r[1].error_code, error_code::none);
}

TEST_F(delete_topics_handler, a_waiting_fetch_is_answered_when_its_topic_goes) {
  protocol::fetch_request f;
  f.max_wait_ms = 30000;
  f.min_bytes = 1;
  auto& ft = f.topics.emplace_back();
  ft.topic = "t";
  ft.partitions.push_back({0, -1, 0, -1, 1 << 20});
  auto fetched = std::make_shared<test::answer>();
  handle_fetch(shard_, test::make_request(f, 11), test::capture(fetched));
  ASSERT_FALSE(fetched->called);  // waiting for data
  remove({"t"});
  ASSERT_TRUE(fetched->called && fetched->value);
  auto resp = test::decode_answer<protocol::fetch_response>(*fetched->value, 11);
  EXPECT_EQ(resp.responses.at(0).partitions.at(0).error_code,
            error_code::unknown_topic_or_partition);
  EXPECT_EQ(shard_.pending_timers(), 0u);
}

class delete_topics_v6 : public delete_topics_handler {
 protected:
  std::vector<delete_topics_response::deletable_topic_result> remove_v6(
      std::vector<delete_topics_request::delete_topic_state> topics) {
    delete_topics_request r;
    r.topics = std::move(topics);
    auto a = std::make_shared<test::answer>();
    handle_delete_topics(shard_, test::make_request(r, 6), test::capture(a));
    EXPECT_TRUE(a->called && a->value);
    return test::decode_answer<delete_topics_response>(*a->value, 6).responses;
  }
};

TEST_F(delete_topics_v6, deletes_by_topic_id_and_answers_its_name) {
  const protocol::uuid* id = shard_.topics().topic_id("t");
  ASSERT_NE(id, nullptr);
  const protocol::uuid saved = *id;
  auto r = remove_v6({{std::nullopt, saved}});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].error_code, error_code::none);
  EXPECT_EQ(r[0].name, "t");
  EXPECT_EQ(r[0].topic_id, saved);
  EXPECT_FALSE(shard_.topics().partitions("t"));
}

TEST_F(delete_topics_v6, by_name_answers_the_topic_id) {
  const protocol::uuid saved = shard_.topics().topic_id_or_zero("t");
  auto r = remove_v6({{"t", protocol::uuid{}}});
  EXPECT_EQ(r.at(0).error_code, error_code::none);
  EXPECT_EQ(r.at(0).topic_id, saved);
  EXPECT_NE(saved, protocol::uuid{});
}

TEST_F(delete_topics_v6, an_unknown_id_is_unknown_topic_id_with_a_null_name) {
  protocol::uuid stranger;
  stranger.bytes[0] = std::byte{1};
  auto r = remove_v6({{std::nullopt, stranger}});
  EXPECT_EQ(r.at(0).error_code, error_code::unknown_topic_id);
  EXPECT_FALSE(r.at(0).name);
  EXPECT_EQ(r.at(0).topic_id, stranger);
  EXPECT_TRUE(shard_.topics().partitions("t"));
}

TEST_F(delete_topics_v6, a_recreated_topics_old_id_no_longer_deletes_it) {
  const protocol::uuid old_id = shard_.topics().topic_id_or_zero("t");
  ASSERT_EQ(remove({"t"}).at(0).error_code, error_code::none);
  ASSERT_FALSE(shard_.topics().create_topic("t", 1));
  EXPECT_EQ(remove_v6({{std::nullopt, old_id}}).at(0).error_code, error_code::unknown_topic_id);
  EXPECT_TRUE(shard_.topics().partitions("t"));
}

TEST_F(delete_topics_v6, both_or_neither_name_and_id_is_invalid_request) {
  const protocol::uuid id = shard_.topics().topic_id_or_zero("t");
  auto r = remove_v6({{"t", id}, {std::nullopt, protocol::uuid{}}});
  EXPECT_EQ(r.at(0).error_code, error_code::invalid_request);
  EXPECT_EQ(r.at(1).error_code, error_code::invalid_request);
  EXPECT_TRUE(shard_.topics().partitions("t"));
}

TEST_F(delete_topics_handler, a_topic_named_twice_is_invalid_request_and_kept) {
  auto r = remove({"t", "t"}, 5);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].error_code, error_code::invalid_request);
  EXPECT_EQ(r[1].error_code, error_code::invalid_request);
  EXPECT_TRUE(shard_.topics().partitions("t"));
  delete_topics_request by_id;
  const protocol::uuid id = *shard_.topics().topic_id("t");
  by_id.topics = {{std::nullopt, id}, {std::nullopt, id}};
  auto a = std::make_shared<test::answer>();
  handle_delete_topics(shard_, test::make_request(by_id, 6), test::capture(a));
  auto v6 = test::decode_answer<delete_topics_response>(*a->value, 6).responses;
  ASSERT_EQ(v6.size(), 2u);
  EXPECT_EQ(v6[0].error_code, error_code::invalid_request);
  EXPECT_TRUE(shard_.topics().partitions("t"));
}

TEST_F(delete_topics_handler, an_internal_topic_is_topic_authorization_failed) {
  ASSERT_FALSE(shard_.topics().create_topic("__consumer_offsets", 1));
  for (int16_t v : {int16_t{0}, int16_t{5}}) {
    auto r = remove({"__consumer_offsets", "__share_group_state"}, v);
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[0].error_code, error_code::topic_authorization_failed);
    EXPECT_EQ(r[1].error_code, error_code::topic_authorization_failed);
  }
  EXPECT_TRUE(shard_.topics().partitions("__consumer_offsets"));
}

}  // namespace
}  // namespace sluice::broker
