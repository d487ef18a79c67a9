#include <gtest/gtest.h>

#include "broker/api_table.h"
#include "protocol/messages/create_partitions.h"
#include "tests/broker/fake_shard.h"

namespace sluice::broker {
namespace {

using protocol::create_partitions_request;
using protocol::create_partitions_response;
using protocol::error_code;

class create_partitions_handler : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(shard_.topics().create_topic("t", 2)); }

  error_code grow(
      std::string name, int32_t count, bool validate_only = false,
      std::optional<std::vector<create_partitions_request::create_partitions_assignment>>
          assignments = std::nullopt,
      int16_t version = 0) {
    create_partitions_request r;
    r.topics.push_back({std::move(name), count, std::move(assignments)});
    r.validate_only = validate_only;
    auto a = std::make_shared<test::answer>();
    handle_create_partitions(shard_, test::make_request(r, version), test::capture(a));
    EXPECT_TRUE(a->called && a->value);
    return test::decode_answer<create_partitions_response>(*a->value, version)
        .results.at(0)
        .error_code;
  }

  test::fake_shard shard_;
};

TEST_F(create_partitions_handler, adds_partitions_up_to_the_new_total) {
  EXPECT_EQ(grow("t", 5), error_code::none);
  EXPECT_EQ(shard_.topics().partitions("t"), (std::vector<int32_t>{0, 1, 2, 3, 4}));
}

TEST_F(create_partitions_handler, new_partitions_get_the_topic_overrides) {
  ASSERT_FALSE(shard_.topics().configs().put("t", {{"retention.bytes", "12345"}}));
  EXPECT_EQ(grow("t", 3, false, std::nullopt, 1), error_code::none);
  EXPECT_EQ(shard_.topics().get("t", 2)->config().retention_bytes, 12345);
}

TEST_F(create_partitions_handler, the_count_only_grows) {
  EXPECT_EQ(grow("t", 2), error_code::invalid_partitions);
  EXPECT_EQ(grow("t", 1), error_code::invalid_partitions);
  EXPECT_EQ(grow("nope", 3), error_code::unknown_topic_or_partition);
}

TEST_F(create_partitions_handler, validate_only_changes_nothing) {
  EXPECT_EQ(grow("t", 4, true), error_code::none);
  EXPECT_EQ(shard_.topics().partitions("t")->size(), 2u);
}

TEST_F(create_partitions_handler, assignments_must_name_this_node_once_per_new_partition) {
  EXPECT_EQ(grow("t", 3, false,
                 std::vector<create_partitions_request::create_partitions_assignment>{{{1}}}),
            error_code::invalid_replica_assignment);
  EXPECT_EQ(grow("t", 4, false,
                 std::vector<create_partitions_request::create_partitions_assignment>{{{0}}}),
            error_code::invalid_replica_assignment);
  EXPECT_EQ(grow("t", 3, false,
                 std::vector<create_partitions_request::create_partitions_assignment>{{{0}}}),
            error_code::none);
}

TEST_F(create_partitions_handler, an_internal_topic_keeps_its_one_partition) {
  ASSERT_FALSE(shard_.topics().create_topic("__consumer_offsets", 1));
  EXPECT_EQ(grow("__consumer_offsets", 50), error_code::topic_authorization_failed);
  EXPECT_EQ(grow("__consumer_offsets", 50, true), error_code::topic_authorization_failed);
  EXPECT_EQ(grow("__transaction_state", 2), error_code::topic_authorization_failed);
  EXPECT_EQ(shard_.topics().partitions("__consumer_offsets")->size(), 1u);
}

}  // namespace
}  // namespace sluice::broker
