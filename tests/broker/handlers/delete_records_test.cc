#include <gtest/gtest.h>

#include "broker/api_table.h"
#include "protocol/messages/delete_records.h"
#include "tests/broker/fake_shard.h"
#include "tests/support/batch_builder.h"

namespace sluice::broker {
namespace {

using protocol::delete_records_request;
using protocol::delete_records_response;
using protocol::error_code;

class delete_records_handler : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(shard_.topics().create_topic("t", 1));
    for (int i = 0; i < 3; ++i) {
      auto& b = batches_.emplace_back(sluice::test::build_batch(2, 10, 1000));
      sluice::test::append_and_wait(*shard_.topics().get("t", 0), shard_.backend(), b);
    }
  }

  delete_records_response::delete_records_partition_result remove_before(int64_t offset,
                                                                         std::string topic = "t",
                                                                         int16_t version = 1) {
    delete_records_request r;
    auto& t = r.topics.emplace_back();
    t.name = std::move(topic);
    t.partitions.push_back({0, offset});
    auto a = std::make_shared<test::answer>();
    handle_delete_records(shard_, test::make_request(r, version), test::capture(a));
    EXPECT_TRUE(a->called && a->value);
    return test::decode_answer<delete_records_response>(*a->value, version)
        .topics.at(0)
        .partitions.at(0);
  }

  test::fake_shard shard_;
  std::deque<std::vector<std::byte>> batches_;
};

TEST_F(delete_records_handler, moves_the_log_start_offset) {
  auto r = remove_before(2);
  EXPECT_EQ(r.error_code, error_code::none);
  EXPECT_EQ(r.low_watermark, 2);
  EXPECT_EQ(shard_.topics().get("t", 0)->log_start_offset().value, 2);
  EXPECT_EQ(remove_before(1).low_watermark, 2);  // never moves back
}

TEST_F(delete_records_handler, minus_one_is_the_high_watermark) {
  auto r = remove_before(-1, "t", 0);
  EXPECT_EQ(r.error_code, error_code::none);
  EXPECT_EQ(r.low_watermark, 6);
}

TEST_F(delete_records_handler, past_the_high_watermark_is_offset_out_of_range) {
  EXPECT_EQ(remove_before(7).error_code, error_code::offset_out_of_range);
  EXPECT_EQ(remove_before(0, "nope").error_code, error_code::unknown_topic_or_partition);
}

TEST_F(delete_records_handler, an_internal_topic_is_invalid_topic_exception) {
  auto& offsets = shard_.topics();
  ASSERT_FALSE(offsets.create_topic("__consumer_offsets", 1));
  sluice::test::append_and_wait(*offsets.get("__consumer_offsets", 0), shard_.backend(),
                                batches_.at(0));
  for (int64_t at : {int64_t{-1}, int64_t{2}}) {
    auto r = remove_before(at, "__consumer_offsets");
    EXPECT_EQ(r.error_code, error_code::invalid_topic_exception);
    EXPECT_EQ(r.low_watermark, -1);
  }
  EXPECT_EQ(offsets.get("__consumer_offsets", 0)->log_start_offset().value, 0);
}

}  // namespace
}  // namespace sluice::broker
