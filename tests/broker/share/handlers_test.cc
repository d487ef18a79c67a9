// The share handlers on a fake shard: a member joins, fetches, acknowledges;
// the state is replayed by a new coordinator from __share_group_state.
#include <gtest/gtest.h>

#include "broker/api_table.h"
#include "broker/internal_batch.h"
#include "broker/share/coordinator.h"
#include "broker/share/handlers.h"
#include "protocol/messages/delete_topics.h"
#include "protocol/messages/share_acknowledge.h"
#include "protocol/messages/share_fetch.h"
#include "protocol/messages/share_group_describe.h"
#include "protocol/messages/share_group_heartbeat.h"
#include "protocol/uuid.h"
#include "tests/broker/fake_shard.h"
#include "tests/broker/share/share_calls.h"

namespace sluice::broker::share {
namespace {

using protocol::error_code;

// Member "m" of share group "g", subscribed to "t".
protocol::share_group_heartbeat_response join(test::fake_shard& shard) {
  protocol::share_group_heartbeat_request hb;
  hb.group_id = "g";
  hb.member_id = "m";
  hb.subscribed_topic_names = std::vector<std::string>{"t"};
  return call<protocol::share_group_heartbeat_response>(shard, &handle_share_group_heartbeat, hb,
                                                        1);
}

TEST(share_handlers, a_deleted_topics_share_state_is_dropped) {
  test::fake_shard shard;
  produce(shard, "t", 5);
  coordinator c(shard, earliest());
  coordinator_registration reg(shard, c);
  join(shard);
  auto got =
      call<protocol::share_fetch_response>(shard, &handle_share_fetch, fetch(shard, 0, 3), 1);
  ASSERT_EQ(got.responses.at(0).partitions.at(0).acquired.size(), 1u);
  ASSERT_EQ(c.find("g")->partitions().size(), 1u);
  protocol::delete_topics_request del;
  del.topic_names = {"t"};
  call<protocol::delete_topics_response>(shard, &handle_delete_topics, del, 5);
  shard.run_io();  // the tombstones are durable: then the state goes
  EXPECT_TRUE(c.find("g")->partitions().empty());
}

TEST(share_handlers, join_fetch_acknowledge_and_replay) {
  test::fake_shard shard;
  produce(shard, "t", 5);
  {
    coordinator c(shard, earliest());
    coordinator_registration reg(shard, c);
    auto joined = join(shard);
    ASSERT_EQ(joined.error_code, error_code::none);
    ASSERT_TRUE(joined.assignment);
    ASSERT_EQ(joined.assignment->topic_partitions.size(), 1u);
    EXPECT_EQ(joined.assignment->topic_partitions[0].topic_id, topic_id_of(shard, "t"));

    auto first =
        call<protocol::share_fetch_response>(shard, &handle_share_fetch, fetch(shard, 0, 3), 1);
    ASSERT_EQ(first.error_code, error_code::none);
    ASSERT_EQ(first.responses.size(), 1u);
    const auto& pd = first.responses[0].partitions[0];
    ASSERT_EQ(pd.acquired.size(), 1u);
    EXPECT_EQ(pd.acquired[0].first_offset, 0);
    EXPECT_EQ(pd.acquired[0].last_offset, 2);
    EXPECT_EQ(pd.acquired[0].delivery_count, 1);
    EXPECT_FALSE(pd.records.is_null());
    EXPECT_EQ(first.acquisition_lock_timeout_ms, 30000);

    // Wrong session epoch, then acknowledgements via ShareAcknowledge.
    auto wrong =
        call<protocol::share_fetch_response>(shard, &handle_share_fetch, fetch(shard, 5, 1), 1);
    EXPECT_EQ(wrong.error_code, error_code::invalid_share_session_epoch);
    protocol::share_acknowledge_request ack;
    ack.group_id = "g";
    ack.member_id = "m";
    ack.share_session_epoch = 1;
    ack.topics.push_back({topic_id_of(shard, "t"), {{0, {{0, 1, {1}}, {2, 2, {2}}}}}});
    auto acked =
        call<protocol::share_acknowledge_response>(shard, &handle_share_acknowledge, ack, 2);
    EXPECT_EQ(acked.error_code, error_code::none);
    ASSERT_EQ(acked.responses.size(), 1u);
    EXPECT_EQ(acked.responses[0].partitions[0].error_code, error_code::none);
    EXPECT_EQ(acked.acquisition_lock_timeout_ms, 30000);

    // Acknowledging offset 0 again is an error on the partition only.
    auto again = call<protocol::share_fetch_response>(shard, &handle_share_fetch,
                                                      fetch(shard, 2, 10, {{0, 0, {1}}}), 1);
    EXPECT_EQ(again.error_code, error_code::none);
    const auto& pd2 = again.responses[0].partitions[0];
    EXPECT_EQ(pd2.acknowledge_error_code, error_code::invalid_record_state);
    ASSERT_EQ(pd2.acquired.size(), 2u);  // 2 released (count 2), then 3-4 (count 1)
    EXPECT_EQ(pd2.acquired[0].first_offset, 2);
    EXPECT_EQ(pd2.acquired[0].delivery_count, 2);
    EXPECT_EQ(pd2.acquired[1].first_offset, 3);
    EXPECT_EQ(pd2.acquired[1].last_offset, 4);

    protocol::share_group_describe_request d;
    d.group_ids = {"g", "nope"};
    auto described =
        call<protocol::share_group_describe_response>(shard, &handle_share_group_describe, d, 1);
    ASSERT_EQ(described.groups.size(), 2u);
    EXPECT_EQ(described.groups[0].group_state, "Stable");
    ASSERT_EQ(described.groups[0].members.size(), 1u);
    EXPECT_EQ(described.groups[0].members[0].assignment[0].topic_name, "t");
    EXPECT_EQ(described.groups[1].error_code, error_code::group_id_not_found);
  }
  coordinator replayed(shard, earliest());
  ASSERT_FALSE(replayed.load());
  share_group* g = replayed.find("g");
  ASSERT_NE(g, nullptr);
  share_partition* p = g->find_partition({"t", 0});
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->start_offset(), 2);  // 0-1 accepted before the restart
  auto ranges = p->acquire("n", 10, shard.fake_time().wall_clock_ms(), 5);
  ASSERT_FALSE(ranges.empty());
  EXPECT_EQ(ranges[0].first_offset, 2);
}

TEST(share_handlers, a_closed_connection_gives_its_sessions_records_back_at_once) {
  test::fake_shard shard;
  produce(shard, "t", 5);
  coordinator c(shard, earliest());
  coordinator_registration reg(shard, c);
  ASSERT_EQ(join(shard).error_code, error_code::none);
  auto got = call<protocol::share_fetch_response>(shard, &handle_share_fetch, fetch(shard, 0, 3), 1,
                                                  /*connection_id=*/7);
  ASSERT_EQ(got.responses.at(0).partitions.at(0).acquired.size(), 1u);
  share_partition* p = c.find("g")->find_partition({"t", 0});
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->acquired_by("m"), 3);

  c.connection_closed(8);  // another client's connection: nothing changes
  EXPECT_EQ(p->acquired_by("m"), 3);
  c.connection_closed(7);
  EXPECT_EQ(p->acquired_by("m"), 0);  // back now, not after the 30 s lock
  // The session went with its connection; the member reopens one.
  auto stale =
      call<protocol::share_fetch_response>(shard, &handle_share_fetch, fetch(shard, 1, 3), 1, 9);
  EXPECT_EQ(stale.error_code, error_code::share_session_not_found);
  auto again =
      call<protocol::share_fetch_response>(shard, &handle_share_fetch, fetch(shard, 0, 3), 1, 9);
  const auto& acquired = again.responses.at(0).partitions.at(0).acquired;
  ASSERT_EQ(acquired.size(), 1u);
  EXPECT_EQ(acquired[0].first_offset, 0);
  EXPECT_EQ(acquired[0].delivery_count, 2);
}

TEST(share_handlers, a_record_whose_lock_expired_is_delivered_again_with_a_higher_count) {
  test::fake_shard shard;
  produce(shard, "t", 1);
  share_settings s = earliest();
  s.partition.lock_duration_ms = 1000;
  coordinator c(shard, s);
  coordinator_registration reg(shard, c);
  auto first =
      call<protocol::share_fetch_response>(shard, &handle_share_fetch, fetch(shard, 0, 5), 1);
  ASSERT_EQ(first.responses.at(0).partitions.at(0).acquired.size(), 1u);
  EXPECT_EQ(first.responses[0].partitions[0].acquired[0].delivery_count, 1);
  EXPECT_EQ(first.acquisition_lock_timeout_ms, 1000);

  shard.advance(999);  // still locked: nothing to deliver
  auto held =
      call<protocol::share_fetch_response>(shard, &handle_share_fetch, fetch(shard, 1, 5), 1);
  EXPECT_TRUE(held.responses.at(0).partitions.at(0).acquired.empty());

  shard.advance(1);  // the lock ran out, with no sweep: the next fetch takes it back
  auto again =
      call<protocol::share_fetch_response>(shard, &handle_share_fetch, fetch(shard, 2, 5), 1);
  const auto& acquired = again.responses.at(0).partitions.at(0).acquired;
  ASSERT_EQ(acquired.size(), 1u);
  EXPECT_EQ(acquired[0].first_offset, 0);
  EXPECT_EQ(acquired[0].delivery_count, 2);
}

TEST(share_handlers, a_member_silent_past_its_session_timeout_leaves_and_its_records_go_back) {
  test::fake_shard shard;
  produce(shard, "t", 3);
  share_settings s = earliest();
  s.session_timeout_ms = 5000;
  coordinator c(shard, s);
  coordinator_registration reg(shard, c);
  ASSERT_EQ(join(shard).error_code, error_code::none);
  call<protocol::share_fetch_response>(shard, &handle_share_fetch, fetch(shard, 0, 3), 1);
  share_partition* p = c.find("g")->find_partition({"t", 0});
  ASSERT_NE(p, nullptr);
  ASSERT_EQ(p->acquired_by("m"), 3);
  protocol::share_group_describe_request d;
  d.group_ids = {"g"};
  auto describe = [&] {
    return call<protocol::share_group_describe_response>(shard, &handle_share_group_describe, d, 1)
        .groups.at(0);
  };

  shard.advance(5000);
  EXPECT_EQ(describe().members.size(), 1u) << "exactly at the timeout it is still a member";
  EXPECT_EQ(p->acquired_by("m"), 3);
  shard.advance(1);
  EXPECT_TRUE(describe().members.empty());
  EXPECT_EQ(p->acquired_by("m"), 0);  // its locks went with it, long before they ran out
}

TEST(share_handlers, a_v2_renew_extends_the_lock_and_fetches_nothing) {
  test::fake_shard shard;
  produce(shard, "t", 3);
  coordinator c(shard, earliest());
  coordinator_registration reg(shard, c);
  auto first =
      call<protocol::share_fetch_response>(shard, &handle_share_fetch, fetch(shard, 0, 1), 2);
  ASSERT_EQ(first.responses[0].partitions[0].acquired.size(), 1u);
  auto renew = fetch(shard, 1, 5, {{0, 0, {4}}});
  renew.is_renew_ack = true;
  auto r = call<protocol::share_fetch_response>(shard, &handle_share_fetch, renew, 2);
  EXPECT_EQ(r.error_code, error_code::none);
  EXPECT_EQ(r.responses[0].partitions[0].acknowledge_error_code, error_code::none);
  EXPECT_TRUE(r.responses[0].partitions[0].acquired.empty());
  // RENEW is not a v1 acknowledge type.
  auto old = call<protocol::share_fetch_response>(shard, &handle_share_fetch,
                                                  fetch(shard, 2, 0, {{0, 0, {4}}}), 1);
  EXPECT_EQ(old.responses[0].partitions[0].acknowledge_error_code, error_code::invalid_request);
}

TEST(share_handlers, requests_without_a_session_or_ids_are_refused) {
  test::fake_shard shard;
  produce(shard, "t", 1);
  coordinator c(shard, earliest());
  coordinator_registration reg(shard, c);
  auto no_session =
      call<protocol::share_fetch_response>(shard, &handle_share_fetch, fetch(shard, 3, 1), 1);
  EXPECT_EQ(no_session.error_code, error_code::share_session_not_found);
  auto acks_on_open = call<protocol::share_fetch_response>(shard, &handle_share_fetch,
                                                           fetch(shard, 0, 1, {{0, 0, {1}}}), 1);
  EXPECT_EQ(acks_on_open.error_code, error_code::invalid_request);
  auto no_member = fetch(shard, 0, 1);
  no_member.member_id.reset();
  EXPECT_EQ(
      call<protocol::share_fetch_response>(shard, &handle_share_fetch, no_member, 1).error_code,
      error_code::invalid_request);
  protocol::share_acknowledge_request ack;
  ack.group_id = "g";
  ack.member_id = "m";
  ack.share_session_epoch = 0;
  EXPECT_EQ(call<protocol::share_acknowledge_response>(shard, &handle_share_acknowledge, ack, 1)
                .error_code,
            error_code::invalid_share_session_epoch);
  auto unknown = fetch(shard, 0, 1);
  unknown.topics[0].topic_id = protocol::random_uuid();
  auto r = call<protocol::share_fetch_response>(shard, &handle_share_fetch, unknown, 1);
  ASSERT_EQ(r.responses.size(), 1u);
  EXPECT_EQ(r.responses[0].partitions[0].error_code, error_code::unknown_topic_id);
}

}  // namespace
}  // namespace sluice::broker::share
