// The coordinator's families on the metrics page (broker/group/group_metrics.cc).
#include <gtest/gtest.h>

#include "broker/group/coordinator.h"
#include "broker/metrics.h"
#include "broker/topic_table.h"
#include "tests/broker/fake_shard.h"

namespace sluice::broker::group {
namespace {

TEST(group_metrics, committed_offset_and_lag_per_partition_also_without_members) {
  test::fake_shard shard;
  ASSERT_FALSE(shard.topics().create_topic("t", 2));
  coordinator c(shard, {});
  offsets_record r;
  r.group = "g\"q";  // escaped as a label value
  r.topic = "t";
  r.partition = 1;
  r.value = committed_offset{0, -1, std::nullopt, 1, -1};
  offsets_record gone = r;
  gone.topic = "deleted-topic";
  bool done = false;
  c.append({r, gone}, [&](std::error_code ec) { done = !ec; });
  // Three records in t-1 (any valid batch will do): the high watermark is 3.
  auto batch = encode_batch({r, r, r}, 1);
  bool appended = false;
  ASSERT_TRUE(shard.topics().get("t", 1)->append(batch, log::ack_level::flushed,
                                                 [&](std::error_code ec) { appended = !ec; }));
  shard.run_io();
  ASSERT_TRUE(done && appended);
  const std::string page = shard.metrics().render(&shard.topics());
  EXPECT_NE(page.find("# TYPE sluice_group_lag gauge"), std::string::npos);
  EXPECT_NE(
      page.find("sluice_group_committed_offset{group=\"g\\\"q\",topic=\"t\",partition=\"1\"} 0"),
      std::string::npos);
  EXPECT_NE(page.find("sluice_group_lag{group=\"g\\\"q\",topic=\"t\",partition=\"1\"} 3"),
            std::string::npos);
  // A partition that does not exist has a committed offset but no lag.
  EXPECT_NE(page.find("sluice_group_committed_offset{group=\"g\\\"q\",topic=\"deleted-topic\""),
            std::string::npos);
  EXPECT_EQ(page.find("sluice_group_lag{group=\"g\\\"q\",topic=\"deleted-topic\""),
            std::string::npos);
}

TEST(group_metrics, a_destroyed_coordinator_leaves_the_page) {
  test::fake_shard shard;
  { coordinator c(shard, {}); }
  EXPECT_EQ(shard.metrics().render(nullptr).find("sluice_group_lag"), std::string::npos);
}

}  // namespace
}  // namespace sluice::broker::group
