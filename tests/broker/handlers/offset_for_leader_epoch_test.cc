#include <gtest/gtest.h>

#include "broker/api_table.h"
#include "protocol/messages/offset_for_leader_epoch.h"
#include "tests/broker/fake_shard.h"
#include "tests/support/batch_builder.h"

namespace sluice::broker {
namespace {

using protocol::error_code;
using protocol::offset_for_leader_epoch_request;
using protocol::offset_for_leader_epoch_response;

class offset_for_leader_epoch_handler : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(shard_.topics().create_topic("t", 2));
    for (int64_t ts : {1000, 2000}) {
      auto& b = batches_.emplace_back(sluice::test::build_batch(3, 10, ts));
      sluice::test::append_and_wait(*shard_.topics().get("t", 0), shard_.backend(), b);
    }
  }

  offset_for_leader_epoch_response::epoch_end_offset ask(int32_t leader_epoch,
                                                         int32_t current_leader_epoch = -1,
                                                         int16_t version = 4, int32_t partition = 0,
                                                         std::string topic = "t") {
    offset_for_leader_epoch_request r;
    r.replica_id = -1;
    r.topics.push_back({std::move(topic), {{partition, current_leader_epoch, leader_epoch}}});
    auto a = std::make_shared<test::answer>();
    handle_offset_for_leader_epoch(shard_, test::make_request(r, version), test::capture(a));
    EXPECT_TRUE(a->called && a->value);
    auto resp = test::decode_answer<offset_for_leader_epoch_response>(*a->value, version);
    EXPECT_EQ(resp.topics.size(), 1u);
    return resp.topics.at(0).partitions.at(0);
  }

  test::fake_shard shard_;
  std::deque<std::vector<std::byte>> batches_;
};

TEST_F(offset_for_leader_epoch_handler, the_current_epoch_ends_at_the_log_end_offset) {
  for (int16_t v = 0; v <= 4; ++v) {
    auto p = ask(0, -1, v);
    EXPECT_EQ(p.error_code, error_code::none) << v;
    EXPECT_EQ(p.partition, 0) << v;
    EXPECT_EQ(p.end_offset, 6) << v;
    if (v >= 1) {
      EXPECT_EQ(p.leader_epoch, 0) << v;
    }
  }
  EXPECT_EQ(ask(0, -1, 4, 1).end_offset, 0);  // an empty partition
}

TEST_F(offset_for_leader_epoch_handler, a_newer_or_undefined_epoch_is_undefined_offset) {
  for (int32_t epoch : {1, 7, -1}) {
    auto p = ask(epoch);
    EXPECT_EQ(p.error_code, error_code::none) << epoch;
    EXPECT_EQ(p.end_offset, -1) << epoch;
    EXPECT_EQ(p.leader_epoch, -1) << epoch;
  }
}

// An epoch older than every known one: the start of the first known epoch.
TEST_F(offset_for_leader_epoch_handler, an_older_epoch_ends_where_epoch_0_starts) {
  ASSERT_FALSE(shard_.topics().get("t", 0)->delete_records_before(log::offset{3}));
  auto p = ask(-5);
  EXPECT_EQ(p.error_code, error_code::none);
  EXPECT_EQ(p.leader_epoch, -5);
  EXPECT_EQ(p.end_offset, 3);
}

TEST_F(offset_for_leader_epoch_handler, current_leader_epoch_is_fenced) {
  EXPECT_EQ(ask(0, 0).error_code, error_code::none);
  EXPECT_EQ(ask(0, 1).error_code, error_code::unknown_leader_epoch);
  EXPECT_EQ(ask(0, -2).error_code, error_code::fenced_leader_epoch);
  auto p = ask(0, 3);
  EXPECT_EQ(p.end_offset, -1);
  EXPECT_EQ(p.leader_epoch, -1);
  // v0 and v1 carry no current epoch: never fenced.
  EXPECT_EQ(ask(0, 3, 1).error_code, error_code::none);
}

TEST_F(offset_for_leader_epoch_handler, unknown_partitions_and_topics) {
  auto p = ask(0, -1, 4, 9);
  EXPECT_EQ(p.error_code, error_code::unknown_topic_or_partition);
  EXPECT_EQ(p.partition, 9);
  EXPECT_EQ(p.end_offset, -1);
  EXPECT_EQ(ask(0, -1, 4, 0, "nope").error_code, error_code::unknown_topic_or_partition);
}

TEST_F(offset_for_leader_epoch_handler, is_advertised_0_to_4) {
  const api_entry* e = find_api_entry(protocol::api_key::offset_for_leader_epoch);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->min_version, 0);
  EXPECT_EQ(e->max_version, 4);
}

}  // namespace
}  // namespace sluice::broker
