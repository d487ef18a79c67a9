// DescribeShareGroupOffsets, AlterShareGroupOffsets and
// DeleteShareGroupOffsets on a fake shard, and the compaction of
// __share_group_state: what an operator resetting or inspecting a share
// group sees, and that it survives a replay.
#include <gtest/gtest.h>

#include "broker/share/coordinator.h"
#include "broker/share/handlers.h"
#include "broker/share/state_log.h"
#include "broker/topic_table.h"
#include "protocol/messages/alter_share_group_offsets.h"
#include "protocol/messages/delete_share_group_offsets.h"
#include "protocol/messages/describe_share_group_offsets.h"
#include "protocol/messages/share_acknowledge.h"
#include "protocol/messages/share_group_heartbeat.h"
#include "tests/broker/fake_shard.h"
#include "tests/broker/share/share_calls.h"

namespace sluice::broker::share {
namespace {

using protocol::error_code;
using describe_response = protocol::describe_share_group_offsets_response;

protocol::share_group_heartbeat_response heartbeat(test::fake_shard& shard, int32_t epoch) {
  protocol::share_group_heartbeat_request hb;
  hb.group_id = "g";
  hb.member_id = "m";
  hb.member_epoch = epoch;
  if (epoch == 0) hb.subscribed_topic_names = std::vector<std::string>{"t"};
  return call<protocol::share_group_heartbeat_response>(shard, &handle_share_group_heartbeat, hb,
                                                        1);
}

protocol::share_acknowledge_request ack_request(test::fake_shard& shard, int32_t epoch,
                                                int64_t first, int64_t last, int8_t type) {
  protocol::share_acknowledge_request ack;
  ack.group_id = "g";
  ack.member_id = "m";
  ack.share_session_epoch = epoch;
  ack.topics.push_back({topic_id_of(shard, "t"), {{0, {{first, last, {type}}}}}});
  return ack;
}

error_code acknowledge(test::fake_shard& shard, int32_t epoch, int64_t first, int64_t last,
                       int8_t type) {
  const auto ack = ack_request(shard, epoch, first, last, type);
  auto r = call<protocol::share_acknowledge_response>(shard, &handle_share_acknowledge, ack, 1);
  if (r.error_code != error_code::none) return r.error_code;
  return r.responses.empty() ? error_code::none : r.responses[0].partitions[0].error_code;
}

describe_response describe(test::fake_shard& shard, const std::string& group,
                           std::optional<std::vector<int32_t>> partitions, int16_t version = 1) {
  protocol::describe_share_group_offsets_request d;
  auto& g = d.groups.emplace_back();
  g.group_id = group;
  if (partitions) {
    g.topics = std::vector<protocol::describe_share_group_offsets_request::request_topic>{
        {"t", *partitions}, {"missing", {0}}};
  }
  return call<describe_response>(shard, &handle_describe_share_group_offsets, d, version);
}

protocol::alter_share_group_offsets_response alter(test::fake_shard& shard,
                                                   const std::string& topic, int64_t start) {
  protocol::alter_share_group_offsets_request a;
  a.group_id = "g";
  a.topics.push_back({topic, {{0, start}}});
  return call<protocol::alter_share_group_offsets_response>(
      shard, &handle_alter_share_group_offsets, a, 0);
}

protocol::delete_share_group_offsets_response forget(test::fake_shard& shard,
                                                     const std::string& group) {
  protocol::delete_share_group_offsets_request d;
  d.group_id = group;
  d.topic_names = {"t", "missing"};
  return call<protocol::delete_share_group_offsets_response>(
      shard, &handle_delete_share_group_offsets, d, 0);
}

TEST(share_offsets_admin, an_acknowledgement_is_seen_only_once_durable) {
  test::fake_shard shard;
  produce(shard, "t", 5);
  coordinator c(shard, earliest());
  coordinator_registration reg(shard, c);
  ASSERT_EQ(heartbeat(shard, 0).error_code, error_code::none);
  call<protocol::share_fetch_response>(shard, &handle_share_fetch, fetch(shard, 0, 3), 1);
  auto answer = std::make_shared<test::answer>();
  handle_share_acknowledge(shard, test::make_request(ack_request(shard, 1, 0, 1, 1), 1),
                           test::capture(answer));
  // The state write is not on disk yet: no answer, and nobody sees it.
  EXPECT_FALSE(answer->called);
  EXPECT_EQ(describe(shard, "g", std::nullopt).groups[0].topics[0].partitions.at(0).start_offset,
            0);
  shard.run_io();
  EXPECT_TRUE(answer->called);
  EXPECT_EQ(describe(shard, "g", std::nullopt).groups[0].topics[0].partitions.at(0).start_offset,
            2);
}

TEST(share_offsets_admin, describe_reports_start_end_lag_and_acquired) {
  test::fake_shard shard;
  produce(shard, "t", 5);
  coordinator c(shard, earliest());
  coordinator_registration reg(shard, c);
  ASSERT_EQ(heartbeat(shard, 0).error_code, error_code::none);
  auto fetched =
      call<protocol::share_fetch_response>(shard, &handle_share_fetch, fetch(shard, 0, 3), 1);
  ASSERT_EQ(fetched.responses[0].partitions[0].acquired.size(), 1u);
  ASSERT_EQ(acknowledge(shard, 1, 0, 1, 1), error_code::none);  // accept 0-1; 2 stays held

  auto all = describe(shard, "g", std::nullopt);
  ASSERT_EQ(all.groups.size(), 1u);
  EXPECT_EQ(all.groups[0].error_code, error_code::none);
  ASSERT_EQ(all.groups[0].topics.size(), 1u);
  EXPECT_EQ(all.groups[0].topics[0].topic_id, topic_id_of(shard, "t"));
  const auto& p = all.groups[0].topics[0].partitions.at(0);
  EXPECT_EQ(p.start_offset, 2);
  EXPECT_EQ(p.lag, 3);  // 2, 3, 4 still to be processed
  EXPECT_EQ(p.end_offset, 3);
  EXPECT_EQ(p.acquired_records, 1);

  auto named = describe(shard, "g", std::vector<int32_t>{0, 7}, 0);
  ASSERT_EQ(named.groups[0].topics.size(), 2u);
  const auto& t = named.groups[0].topics[0];
  EXPECT_EQ(t.partitions[0].start_offset, 2);
  EXPECT_EQ(t.partitions[0].lag, -1);  // v0 has no lag
  EXPECT_EQ(t.partitions[1].error_code, error_code::unknown_topic_or_partition);
  const auto& missing = named.groups[0].topics[1];
  EXPECT_EQ(missing.topic_id, protocol::uuid{});
  EXPECT_EQ(missing.partitions[0].start_offset, -1);
  EXPECT_EQ(missing.partitions[0].error_code, error_code::none);

  EXPECT_EQ(describe(shard, "nope", std::nullopt).groups[0].error_code,
            error_code::group_id_not_found);
  EXPECT_EQ(describe(shard, "", std::nullopt).groups[0].error_code, error_code::invalid_group_id);
}

TEST(share_offsets_admin, alter_moves_an_empty_groups_start_and_survives_a_restart) {
  test::fake_shard shard;
  produce(shard, "t", 6);
  {
    coordinator c(shard, earliest());
    coordinator_registration reg(shard, c);
    ASSERT_EQ(heartbeat(shard, 0).error_code, error_code::none);
    call<protocol::share_fetch_response>(shard, &handle_share_fetch, fetch(shard, 0, 2), 1);
    auto busy = alter(shard, "t", 4);
    EXPECT_EQ(busy.error_code, error_code::non_empty_group);
    EXPECT_TRUE(busy.error_message);

    ASSERT_EQ(heartbeat(shard, -1).error_code, error_code::none);  // leave
    auto moved = alter(shard, "t", 4);
    ASSERT_EQ(moved.error_code, error_code::none);
    EXPECT_EQ(moved.responses[0].topic_id, topic_id_of(shard, "t"));
    EXPECT_EQ(moved.responses[0].partitions[0].error_code, error_code::none);

    auto too_far = alter(shard, "t", 7);
    EXPECT_EQ(too_far.responses[0].partitions[0].error_code, error_code::offset_out_of_range);
    EXPECT_NE(too_far.responses[0].partitions[0].error_message->find("[0, 6]"), std::string::npos);
    EXPECT_EQ(alter(shard, "missing", 0).responses[0].partitions[0].error_code,
              error_code::unknown_topic_or_partition);
    EXPECT_EQ(alter(shard, std::string(state_topic), 0).responses[0].partitions[0].error_code,
              error_code::unknown_topic_or_partition);
  }
  coordinator replayed(shard, earliest());
  ASSERT_FALSE(replayed.load());
  share_group* g = replayed.find("g");
  ASSERT_NE(g, nullptr);
  share_partition* p = g->find_partition({"t", 0});
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->start_offset(), 4);
  auto ranges = p->acquire("n", 10, shard.fake_time().wall_clock_ms(), 6);
  ASSERT_EQ(ranges.size(), 1u);
  EXPECT_EQ(ranges[0].first_offset, 4);
  EXPECT_EQ(ranges[0].delivery_count, 1);  // the old deliveries are forgotten
}

TEST(share_offsets_admin, delete_forgets_an_empty_groups_topic_across_a_restart) {
  test::fake_shard shard;
  produce(shard, "t", 3);
  {
    coordinator c(shard, earliest());
    coordinator_registration reg(shard, c);
    EXPECT_EQ(forget(shard, "g").error_code, error_code::group_id_not_found);
    ASSERT_EQ(heartbeat(shard, 0).error_code, error_code::none);
    call<protocol::share_fetch_response>(shard, &handle_share_fetch, fetch(shard, 0, 3), 1);
    ASSERT_EQ(acknowledge(shard, 1, 0, 2, 1), error_code::none);
    EXPECT_EQ(forget(shard, "g").error_code, error_code::non_empty_group);
    ASSERT_EQ(heartbeat(shard, -1).error_code, error_code::none);

    auto gone = forget(shard, "g");
    ASSERT_EQ(gone.error_code, error_code::none);
    ASSERT_EQ(gone.responses.size(), 2u);
    EXPECT_EQ(gone.responses[0].error_code, error_code::none);
    EXPECT_EQ(gone.responses[1].error_code, error_code::unknown_topic_or_partition);
    EXPECT_EQ(describe(shard, "g", std::vector<int32_t>{0})
                  .groups[0]
                  .topics[0]
                  .partitions[0]
                  .start_offset,
              -1);
  }
  coordinator replayed(shard, earliest());
  ASSERT_FALSE(replayed.load());
  share_group* g = replayed.find("g");
  EXPECT_TRUE(g == nullptr || g->find_partition({"t", 0}) == nullptr);
}

TEST(share_offsets_admin, delete_group_needs_an_empty_group_and_survives_a_restart) {
  test::fake_shard shard;
  produce(shard, "t", 3);
  {
    coordinator c(shard, earliest());
    coordinator_registration reg(shard, c);
    ASSERT_EQ(heartbeat(shard, 0).error_code, error_code::none);
    call<protocol::share_fetch_response>(shard, &handle_share_fetch, fetch(shard, 0, 3), 1);
    ASSERT_EQ(acknowledge(shard, 1, 0, 0, 1), error_code::none);
    auto outcome = std::make_shared<std::optional<error_code>>();
    auto record = [outcome](error_code e) { *outcome = e; };
    c.delete_group("g", record);
    EXPECT_EQ(*outcome, error_code::non_empty_group);
    c.delete_group("nope", record);
    EXPECT_EQ(*outcome, error_code::group_id_not_found);
    ASSERT_EQ(heartbeat(shard, -1).error_code, error_code::none);
    outcome->reset();
    c.delete_group("g", record);
    shard.run_io();
    EXPECT_EQ(*outcome, error_code::none);
    EXPECT_EQ(c.find("g"), nullptr);
  }
  coordinator replayed(shard, earliest());
  ASSERT_FALSE(replayed.load());
  EXPECT_EQ(replayed.find("g"), nullptr);
}

TEST(share_state_compaction, the_state_log_is_bounded_and_replays_the_same_state) {
  test::fake_shard shard;
  produce(shard, "t", 40);
  share_settings s = earliest();
  s.state_compact_min_records = 10;
  {
    coordinator c(shard, s);
    coordinator_registration reg(shard, c);
    ASSERT_EQ(heartbeat(shard, 0).error_code, error_code::none);
    call<protocol::share_fetch_response>(shard, &handle_share_fetch, fetch(shard, 0, 40), 1);
    // One write per acknowledgement: 30 snapshots of the same partition.
    for (int i = 0; i < 30; ++i) {
      ASSERT_EQ(acknowledge(shard, i + 1, i, i, i % 3 == 2 ? 3 : 1), error_code::none);
    }
  }
  const log::partition_log* state = shard.topics().get(state_topic, 0);
  ASSERT_NE(state, nullptr);
  EXPECT_GT(state->log_start_offset().value, 0);
  EXPECT_LE(state->high_watermark().value - state->log_start_offset().value, 12);

  coordinator replayed(shard, s);
  ASSERT_FALSE(replayed.load());
  share_partition* p = replayed.find("g")->find_partition({"t", 0});
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->start_offset(), 30);
  auto ranges = p->acquire("n", 1, shard.fake_time().wall_clock_ms(), 40);
  ASSERT_EQ(ranges.size(), 1u);
  EXPECT_EQ(ranges[0].first_offset, 30);
  EXPECT_EQ(ranges[0].delivery_count, 2);  // acquired once before the restart
}

TEST(share_sweep, silent_members_leave_and_expired_locks_archive_without_a_fetch) {
  test::fake_shard shard;
  produce(shard, "t", 2);
  share_settings s = earliest();
  s.partition.delivery_count_limit = 1;
  {
    coordinator c(shard, s);
    coordinator_registration reg(shard, c);
    ASSERT_EQ(heartbeat(shard, 0).error_code, error_code::none);
    auto got =
        call<protocol::share_fetch_response>(shard, &handle_share_fetch, fetch(shard, 0, 1), 1);
    ASSERT_EQ(got.responses[0].partitions[0].acquired.size(), 1u);
    // Nobody fetches again: the sweep alone expires the lock (archiving the
    // record at the delivery limit, durably) and then the silent member.
    c.start_sweeping(std::chrono::milliseconds(500));
    shard.advance(s.partition.lock_duration_ms - 1);
    shard.run_io();
    EXPECT_EQ(c.find("g")->find_partition({"t", 0})->start_offset(), 0) << "still locked";
    shard.advance(501);
    shard.run_io();
    EXPECT_EQ(c.find("g")->find_partition({"t", 0})->start_offset(), 1);
    EXPECT_EQ(c.find("g")->members().size(), 1u);
    shard.advance(s.session_timeout_ms - s.partition.lock_duration_ms - 501);
    EXPECT_EQ(c.find("g")->members().size(), 1u) << "its session has not timed out yet";
    shard.advance(501);
    EXPECT_TRUE(c.find("g")->members().empty());
  }
  coordinator replayed(shard, s);
  ASSERT_FALSE(replayed.load());
  EXPECT_EQ(replayed.find("g")->find_partition({"t", 0})->start_offset(), 1);
}

}  // namespace
}  // namespace sluice::broker::share
