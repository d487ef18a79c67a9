#include "broker/group/coordinator.h"

#include <gtest/gtest.h>

#include "protocol/consumer_protocol.h"
#include "tests/broker/fake_shard.h"

namespace sluice::broker::group {
namespace {

offsets_record commit(std::string group, std::string topic, int32_t partition, int64_t offset) {
  offsets_record r;
  r.group = std::move(group);
  r.topic = std::move(topic);
  r.partition = partition;
  r.value = committed_offset{offset, -1, "meta", 1234, -1};
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

using protocol::error_code;

void commit_now(test::fake_shard& shard, coordinator& c, std::vector<offsets_record> records) {
  bool done = false;
  c.append(std::move(records), [&](std::error_code ec) {
    EXPECT_FALSE(ec);
    done = true;
  });
  shard.run_io();
  ASSERT_TRUE(done);
}

// A member subscribed to `topics` joins `id` (the first round stays open: the
// group is PreparingRebalance with one member).
void join_member(coordinator& c, const std::string& id, std::vector<std::string> topics) {
  protocol::consumer_protocol_subscription sub;
  sub.topics = std::move(topics);
  protocol::join_group_request r;
  r.group_id = id;
  r.session_timeout_ms = 6000;
  r.rebalance_timeout_ms = 10000;
  r.protocol_type = "consumer";
  auto& p = r.protocols.emplace_back();
  p.name = "range";
  ASSERT_FALSE(protocol::encode_consumer_protocol_subscription(sub, 0, p.metadata));
  c.get_or_create(id).join(r, 3, "client", [](protocol::join_group_response) {});
  ASSERT_EQ(c.find(id)->members().size(), 1u);
}

std::vector<error_code> delete_groups(test::fake_shard& shard, coordinator& c,
                                      std::vector<std::string> ids) {
  std::optional<std::vector<error_code>> got;
  c.delete_groups(ids, [&](std::vector<error_code> e) { got = std::move(e); });
  shard.run_io();
  EXPECT_TRUE(got);
  return got.value_or(std::vector<error_code>{});
}

TEST(coordinator, deleting_an_empty_group_drops_its_offsets_also_after_a_reload) {
  test::fake_shard shard;
  {
    coordinator c(shard, {});
    commit_now(shard, c, {commit("g", "t", 0, 10), commit("keep", "t", 0, 5)});
    c.get_or_create("g");  // Empty, with offsets
    std::optional<std::vector<error_code>> got;
    c.delete_groups({"g"}, [&](std::vector<error_code> e) { got = std::move(e); });
    EXPECT_FALSE(got);  // answered only once the record is durable
    EXPECT_EQ(c.find("g")->state(), group_state::dead);
    shard.run_io();
    ASSERT_TRUE(got);
    EXPECT_EQ(*got, std::vector<error_code>{error_code::none});
    EXPECT_FALSE(c.offsets("g"));
    EXPECT_FALSE(c.find("g"));  // the id is free again
    EXPECT_TRUE(c.offsets("keep"));
  }
  coordinator again(shard, {});
  ASSERT_FALSE(again.load());
  EXPECT_FALSE(again.offsets("g"));
  ASSERT_TRUE(again.offsets("keep"));
  EXPECT_EQ(again.offsets("keep")->at({"t", 0}).offset, 5);
}

TEST(coordinator, a_group_known_only_by_its_offsets_can_be_deleted) {
  test::fake_shard shard;
  coordinator c(shard, {});
  commit_now(shard, c, {commit("g", "t", 0, 10)});  // as after a restart: no group object
  EXPECT_EQ(delete_groups(shard, c, {"g"}), std::vector<error_code>{error_code::none});
  EXPECT_FALSE(c.offsets("g"));
}

TEST(coordinator, delete_groups_refuses_non_empty_unknown_and_invalid_ids) {
  test::fake_shard shard;
  coordinator c(shard, {});
  commit_now(shard, c, {commit("busy", "t", 0, 10)});
  join_member(c, "busy", {"t"});
  EXPECT_EQ(delete_groups(shard, c, {"busy", "nobody", ""}),
            (std::vector<error_code>{error_code::non_empty_group, error_code::group_id_not_found,
                                     error_code::invalid_group_id}));
  EXPECT_EQ(c.find("busy")->state(), group_state::preparing_rebalance);
  EXPECT_TRUE(c.offsets("busy"));
}

struct offset_delete_result {
  error_code group = error_code::unknown_server_error;
  std::vector<error_code> partitions;
};

offset_delete_result delete_offsets(test::fake_shard& shard, coordinator& c,
                                    const std::string& group,
                                    const coordinator::partition_list& partitions) {
  offset_delete_result r;
  bool called = false;
  c.delete_offsets(group, partitions, [&](error_code g, std::vector<error_code> p) {
    called = true;
    r.group = g;
    r.partitions = std::move(p);
  });
  shard.run_io();
  EXPECT_TRUE(called);
  return r;
}

TEST(coordinator, offset_delete_drops_one_partition_durably) {
  test::fake_shard shard;
  {
    coordinator c(shard, {});
    commit_now(shard, c, {commit("g", "t", 0, 10), commit("g", "t", 1, 20)});
    auto r = delete_offsets(shard, c, "g", {{"t", 0}, {"t", 7}});
    EXPECT_EQ(r.group, error_code::none);
    EXPECT_EQ(r.partitions, (std::vector<error_code>{error_code::none, error_code::none}));
    ASSERT_TRUE(c.offsets("g"));
    EXPECT_FALSE(c.offsets("g")->contains({"t", 0}));
    EXPECT_TRUE(c.offsets("g")->contains({"t", 1}));
  }
  coordinator again(shard, {});
  ASSERT_FALSE(again.load());
  ASSERT_TRUE(again.offsets("g"));
  EXPECT_FALSE(again.offsets("g")->contains({"t", 0}));
  EXPECT_EQ(again.offsets("g")->at({"t", 1}).offset, 20);
}

TEST(coordinator, offset_delete_refuses_topics_an_active_group_subscribes_to) {
  test::fake_shard shard;
  coordinator c(shard, {});
  commit_now(shard, c, {commit("g", "t", 0, 10), commit("g", "u", 0, 20)});
  join_member(c, "g", {"t"});
  auto r = delete_offsets(shard, c, "g", {{"t", 0}, {"u", 0}});
  EXPECT_EQ(r.group, error_code::none);
  EXPECT_EQ(r.partitions,
            (std::vector<error_code>{error_code::group_subscribed_to_topic, error_code::none}));
  EXPECT_TRUE(c.offsets("g")->contains({"t", 0}));
  EXPECT_FALSE(c.offsets("g")->contains({"u", 0}));
}

TEST(coordinator, offset_delete_of_an_unknown_group_is_group_id_not_found) {
  test::fake_shard shard;
  coordinator c(shard, {});
  EXPECT_EQ(delete_offsets(shard, c, "nobody", {{"t", 0}}).group, error_code::group_id_not_found);
  EXPECT_EQ(delete_offsets(shard, c, "", {{"t", 0}}).group, error_code::invalid_group_id);
}

}  // namespace
}  // namespace sluice::broker::group
