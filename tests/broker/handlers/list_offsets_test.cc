#include <gtest/gtest.h>

#include "broker/api_table.h"
#include "protocol/messages/list_offsets.h"
#include "tests/broker/fake_shard.h"
#include "tests/support/batch_builder.h"

namespace sluice::broker {
namespace {

using protocol::error_code;
using protocol::list_offsets_request;
using protocol::list_offsets_response;

class list_offsets_handler : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(shard_.topics().create_topic("t", 1));
    for (int64_t ts : {1000, 2000, 3000}) {
      auto& b = batches_.emplace_back(sluice::test::build_batch(2, 10, ts));
      sluice::test::append_and_wait(*shard_.topics().get("t", 0), shard_.backend(), b);
    }
  }

  list_offsets_response::partition_response ask(int64_t timestamp, int16_t version = 5,
                                                int32_t partition = 0) {
    list_offsets_request r;
    auto& t = r.topics.emplace_back();
    t.name = "t";
    t.partitions.push_back({partition, -1, timestamp, 1});
    auto a = std::make_shared<test::answer>();
    handle_list_offsets(shard_, test::make_request(r, version), test::capture(a));
    EXPECT_TRUE(a->called && a->value);
    return test::decode_answer<list_offsets_response>(*a->value, version)
        .topics.at(0)
        .partitions.at(0);
  }

  test::fake_shard shard_;
  std::deque<std::vector<std::byte>> batches_;
};

TEST_F(list_offsets_handler, earliest_and_latest) {
  EXPECT_EQ(ask(-2).offset, 0);
  EXPECT_EQ(ask(-1).offset, 6);  // the high watermark
  EXPECT_EQ(ask(-1).timestamp, -1);
}

TEST_F(list_offsets_handler, by_timestamp_finds_the_first_batch_at_or_after_it) {
  auto p = ask(1500);
  EXPECT_EQ(p.error_code, error_code::none);
  EXPECT_EQ(p.offset, 2);
  EXPECT_EQ(p.timestamp, 2000);
  EXPECT_EQ(ask(0).offset, 0);
}

TEST_F(list_offsets_handler, past_the_newest_timestamp_is_minus_one) {
  auto p = ask(9999);
  EXPECT_EQ(p.error_code, error_code::none);
  EXPECT_EQ(p.offset, -1);
  EXPECT_EQ(p.timestamp, -1);
}

TEST_F(list_offsets_handler, v0_answers_old_style_offsets) {
  EXPECT_EQ(ask(-1, 0).old_style_offsets, std::vector<int64_t>{6});
  EXPECT_EQ(ask(-2, 0).old_style_offsets, std::vector<int64_t>{0});
}

TEST_F(list_offsets_handler, unknown_partition) {
  EXPECT_EQ(ask(-1, 5, 9).error_code, error_code::unknown_topic_or_partition);
}

}  // namespace
}  // namespace sluice::broker
