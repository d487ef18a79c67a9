#include <gtest/gtest.h>

#include "broker/api_table.h"
#include "protocol/messages/describe_log_dirs.h"
#include "tests/broker/fake_shard.h"

namespace sluice::broker {
namespace {

using protocol::describe_log_dirs_request;
using protocol::describe_log_dirs_response;
using protocol::error_code;

class describe_log_dirs_handler : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(shard_.topics().create_topic("a", 2));
    ASSERT_FALSE(shard_.topics().create_topic("b", 1));
  }
  describe_log_dirs_response describe(const describe_log_dirs_request& r, int16_t version = 4) {
    auto a = std::make_shared<test::answer>();
    handle_describe_log_dirs(shard_, test::make_request(r, version), test::capture(a));
    EXPECT_TRUE(a->called && a->value);
    return test::decode_answer<describe_log_dirs_response>(*a->value, version);
  }

  test::fake_shard shard_;
};

TEST_F(describe_log_dirs_handler, null_topics_list_every_partition_of_the_dir) {
  auto r = describe({});
  ASSERT_EQ(r.results.size(), 1u);
  const auto& d = r.results[0];
  EXPECT_EQ(d.error_code, error_code::none);
  EXPECT_EQ(d.log_dir, shard_.config().log_dirs[0]);
  ASSERT_EQ(d.topics.size(), 2u);
  EXPECT_EQ(d.topics[0].name, "a");
  ASSERT_EQ(d.topics[0].partitions.size(), 2u);
  for (const auto& p : d.topics[0].partitions) {
    EXPECT_EQ(p.partition_size,
              static_cast<int64_t>(shard_.topics().get("a", p.partition_index)->size_bytes()));
    EXPECT_EQ(p.offset_lag, 0);
    EXPECT_FALSE(p.is_future_key);
  }
  // v4: the file system's size, from statvfs.
  EXPECT_GT(d.total_bytes, 0);
  EXPECT_GE(d.usable_bytes, 0);
  EXPECT_LE(d.usable_bytes, d.total_bytes);
}

TEST_F(describe_log_dirs_handler, named_partitions_only_and_unknown_ones_left_out) {
  describe_log_dirs_request r;
  r.topics.emplace().push_back({"a", {1, 9}});
  r.topics->push_back({"nope", {0}});
  auto resp = describe(r, 1);
  ASSERT_EQ(resp.results.size(), 1u);
  ASSERT_EQ(resp.results[0].topics.size(), 1u);
  ASSERT_EQ(resp.results[0].topics[0].partitions.size(), 1u);
  EXPECT_EQ(resp.results[0].topics[0].partitions[0].partition_index, 1);
  EXPECT_EQ(resp.results[0].total_bytes, -1);  // not in v1
}

}  // namespace
}  // namespace sluice::broker
