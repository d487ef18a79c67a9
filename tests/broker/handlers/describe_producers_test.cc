#include <gtest/gtest.h>

#include <algorithm>

#include "broker/api_table.h"
#include "protocol/messages/describe_producers.h"
#include "tests/broker/fake_shard.h"
#include "tests/broker/handlers/txn_batches.h"

namespace sluice::broker {
namespace {

using protocol::describe_producers_request;
using protocol::describe_producers_response;
using protocol::error_code;

class describe_producers_handler : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(shard_.topics().create_topic("t", 2)); }

  describe_producers_response ask(std::vector<int32_t> partitions, std::string topic = "t") {
    describe_producers_request r;
    r.topics.push_back({std::move(topic), std::move(partitions)});
    auto a = std::make_shared<test::answer>();
    handle_describe_producers(shard_, test::make_request(r, 0), test::capture(a));
    EXPECT_TRUE(a->called && a->value);
    return test::decode_answer<describe_producers_response>(*a->value, 0);
  }

  test::fake_shard shard_;
};

TEST_F(describe_producers_handler, lists_each_producer_with_its_sequence_and_open_transaction) {
  test::txn_writer w(*shard_.topics().get("t", 0), shard_.backend());
  w.data(3, 7, 0);         // 0-2: producer 7 opens a transaction, sequences 0-2
  w.data(2, 9, 0, false);  // 3-4: idempotent producer 9, sequences 0-1
  w.data(1, 9, 2, false);  // 5: sequence 2
  auto r = ask({0, 1});
  ASSERT_EQ(r.topics.size(), 1u);
  EXPECT_EQ(r.topics[0].name, "t");
  ASSERT_EQ(r.topics[0].partitions.size(), 2u);
  auto producers = r.topics[0].partitions[0].active_producers;
  EXPECT_EQ(r.topics[0].partitions[0].error_code, error_code::none);
  std::ranges::sort(producers, {}, &describe_producers_response::producer_state::producer_id);
  ASSERT_EQ(producers.size(), 2u);
  EXPECT_EQ(producers[0].producer_id, 7);
  EXPECT_EQ(producers[0].producer_epoch, 0);
  EXPECT_EQ(producers[0].last_sequence, 2);
  EXPECT_EQ(producers[0].last_timestamp, 1000);
  EXPECT_EQ(producers[0].current_txn_start_offset, 0);
  EXPECT_EQ(producers[1].producer_id, 9);
  EXPECT_EQ(producers[1].last_sequence, 2);
  EXPECT_EQ(producers[1].current_txn_start_offset, -1);
  // Partition 1 has had no producer.
  EXPECT_EQ(r.topics[0].partitions[1].partition_index, 1);
  EXPECT_EQ(r.topics[0].partitions[1].error_code, error_code::none);
  EXPECT_TRUE(r.topics[0].partitions[1].active_producers.empty());

  // The marker ends the transaction: no start offset any more.
  w.end_txn(7, true);
  auto after = ask({0}).topics[0].partitions[0].active_producers;
  auto it = std::ranges::find(after, 7, &describe_producers_response::producer_state::producer_id);
  ASSERT_NE(it, after.end());
  EXPECT_EQ(it->current_txn_start_offset, -1);
}

TEST_F(describe_producers_handler, a_missing_partition_or_topic_is_unknown) {
  auto r = ask({5});
  EXPECT_EQ(r.topics.at(0).partitions.at(0).partition_index, 5);
  EXPECT_EQ(r.topics[0].partitions[0].error_code, error_code::unknown_topic_or_partition);
  EXPECT_EQ(ask({0}, "nope").topics.at(0).partitions.at(0).error_code,
            error_code::unknown_topic_or_partition);
}

TEST_F(describe_producers_handler, is_advertised_at_v0) {
  const api_entry* e = find_api_entry(protocol::api_key::describe_producers);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->min_version, 0);
  EXPECT_EQ(e->max_version, 0);
}

}  // namespace
}  // namespace sluice::broker
