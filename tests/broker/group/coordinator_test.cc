#include "broker/group/coordinator.h"

#include <gtest/gtest.h>

#include "tests/broker/fake_shard.h"

namespace sluice::broker::group {
namespace {

offsets_record commit(std::string group, std::string topic, int32_t partition, int64_t offset) {
  offsets_record r;
  r.group = std::move(group);
  r.topic = std::move(topic);
  r.partition = partition;
  r.value = committed_offset{offset, -1, "meta", 1234};
  return r;
}

TEST(offsets_log, batches_round_trip_and_damage_is_detected) {
  offsets_record tomb;
  tomb.type = record_type::group_deleted;
  tomb.group = "g";
  std::vector<offsets_record> in = {commit("g", "t", 3, 42), tomb};
  auto bytes = encode_batch(in, 99);
  std::vector<offsets_record> out;
  ASSERT_TRUE(decode_batches(bytes, [&](const offsets_record& r) { out.push_back(r); }));
  EXPECT_EQ(out, in);
  bytes[bytes.size() - 3] ^= std::byte{1};
  EXPECT_FALSE(decode_batches(bytes, [](const offsets_record&) {}));
}

TEST(coordinator, acknowledged_commits_are_replayed_from_the_log) {
  test::fake_shard shard;
  {
    coordinator c(shard, {});
    bool done = false;
    c.append({commit("g", "t", 0, 10), commit("g", "t", 1, 20)}, [&](std::error_code ec) {
      EXPECT_FALSE(ec);
      done = true;
    });
    EXPECT_FALSE(c.offsets("g"));  // nothing changes before the append is durable
    shard.run_io();
    ASSERT_TRUE(done);
    ASSERT_TRUE(c.offsets("g"));
    EXPECT_EQ(c.offsets("g")->at({"t", 1}).offset, 20);
    c.append({commit("g", "t", 1, 25)}, [](std::error_code) {});
    shard.run_io();
  }
  coordinator again(shard, {});
  ASSERT_FALSE(again.load());
  ASSERT_TRUE(again.offsets("g"));
  EXPECT_EQ(again.offsets("g")->at({"t", 0}).offset, 10);
  EXPECT_EQ(again.offsets("g")->at({"t", 1}).offset, 25);
  EXPECT_EQ(again.offsets("g")->at({"t", 1}).metadata, "meta");
}

}  // namespace
}  // namespace sluice::broker::group
