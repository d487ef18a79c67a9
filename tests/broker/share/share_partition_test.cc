#include "broker/share/share_partition.h"

#include <gtest/gtest.h>

namespace sluice::broker::share {
namespace {

using protocol::error_code;

constexpr int8_t accept = 1, release = 2, reject = 3, renew = 4, gap = 0;

partition_settings settings(int64_t lock = 1000, int16_t limit = 3, int32_t window = 100) {
  partition_settings s;
  s.lock_duration_ms = lock;
  s.delivery_count_limit = limit;
  s.max_in_flight = window;
  return s;
}

// The coordinator's part: write what is pending, then apply it.
void durable(share_partition& p) {
  static uint64_t write_id = 0;
  p.claim_pending(++write_id);
  p.complete_write(write_id, true);
}

error_code ack(share_partition& p, const std::string& member, int64_t first, int64_t last,
               const std::vector<int8_t>& types, int64_t now_ms) {
  const error_code e = p.acknowledge(member, first, last, types, now_ms);
  durable(p);
  return e;
}

TEST(share_partition, acquires_from_the_start_up_to_max_records_and_the_limit) {
  share_partition p(settings(), 10);
  EXPECT_EQ(p.next_acquirable(0, 10), -1);  // nothing produced beyond 10
  EXPECT_EQ(p.next_acquirable(0, 20), 10);
  auto a = p.acquire("m1", 3, 0, 20);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0], (acquired_range{10, 12, 1}));
  auto b = p.acquire("m2", 100, 0, 15);  // limited by `limit`
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0], (acquired_range{13, 14, 1}));
  EXPECT_EQ(p.acquired_by("m1"), 3);
  EXPECT_EQ(p.acquired_by("m2"), 2);
  EXPECT_EQ(p.end_offset(), 15);
}

TEST(share_partition, accept_advances_the_start_only_over_a_done_prefix) {
  share_partition p(settings(), 0);
  p.acquire("m", 5, 0, 5);
  EXPECT_EQ(ack(p, "m", 2, 4, {accept}, 1), error_code::none);
  EXPECT_EQ(p.start_offset(), 0);
  EXPECT_EQ(ack(p, "m", 0, 1, {accept, reject}, 1), error_code::none);
  EXPECT_EQ(p.start_offset(), 5);
  EXPECT_EQ(p.in_flight(), 0);
}

TEST(share_partition, acknowledging_what_another_member_holds_changes_nothing) {
  share_partition p(settings(), 0);
  p.acquire("m1", 2, 0, 10);
  p.acquire("m2", 2, 0, 10);
  EXPECT_EQ(ack(p, "m1", 1, 2, {accept}, 1), error_code::invalid_record_state);
  EXPECT_EQ(p.acquired_by("m1"), 2);
  EXPECT_EQ(p.acquired_by("m2"), 2);
  EXPECT_EQ(ack(p, "m1", 0, 1, {accept}, 1), error_code::none);
  EXPECT_EQ(ack(p, "m1", 0, 0, {accept}, 1), error_code::invalid_record_state);
}

TEST(share_partition, malformed_batches_are_invalid_requests) {
  share_partition p(settings(), 0);
  p.acquire("m", 3, 0, 3);
  EXPECT_EQ(ack(p, "m", 2, 1, {accept}, 1), error_code::invalid_request);
  EXPECT_EQ(ack(p, "m", 0, 2, {accept, accept}, 1), error_code::invalid_request);
  EXPECT_EQ(ack(p, "m", 0, 2, {}, 1), error_code::invalid_request);
  EXPECT_EQ(ack(p, "m", 0, 0, {9}, 1), error_code::invalid_request);
  EXPECT_EQ(ack(p, "m", 5, 6, {accept}, 1), error_code::invalid_record_state);
}

TEST(share_partition, release_makes_a_record_available_again_with_a_higher_count) {
  share_partition p(settings(), 0);
  p.acquire("m1", 1, 0, 1);
  EXPECT_EQ(ack(p, "m1", 0, 0, {release}, 1), error_code::none);
  auto again = p.acquire("m2", 1, 2, 1);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0], (acquired_range{0, 0, 2}));
}

TEST(share_partition, an_expired_lock_gives_the_record_back_and_refuses_the_late_ack) {
  share_partition p(settings(1000), 0);
  p.acquire("m1", 1, 0, 1);
  EXPECT_TRUE(p.acquire("m2", 1, 999, 1).empty());
  auto again = p.acquire("m2", 1, 1000, 1);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].delivery_count, 2);
  EXPECT_EQ(ack(p, "m1", 0, 0, {accept}, 1001), error_code::invalid_record_state);
  EXPECT_EQ(ack(p, "m2", 0, 0, {accept}, 1001), error_code::none);
}

TEST(share_partition, renew_extends_the_lock) {
  share_partition p(settings(1000), 0);
  p.acquire("m", 1, 0, 1);
  EXPECT_EQ(ack(p, "m", 0, 0, {renew}, 900), error_code::none);
  EXPECT_TRUE(p.acquire("other", 1, 1500, 1).empty());
  EXPECT_EQ(ack(p, "m", 0, 0, {accept}, 1800), error_code::none);
}

TEST(share_partition, the_delivery_limit_archives_and_reports_a_dead_letter) {
  share_partition p(settings(1000, 2), 0);
  p.acquire("m", 1, 0, 1);
  ack(p, "m", 0, 0, {release}, 1);
  p.acquire("m", 1, 2, 1);  // delivery 2 = the limit
  EXPECT_EQ(ack(p, "m", 0, 0, {release}, 3), error_code::none);
  EXPECT_EQ(p.next_acquirable(4, 1), -1);
  EXPECT_EQ(p.start_offset(), 1);
  auto dead = p.take_dead_letters();
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].offset, 0);
  EXPECT_EQ(dead[0].delivery_count, 2);
  EXPECT_EQ(dead[0].reason, archive_reason::delivery_limit);
  EXPECT_TRUE(p.take_dead_letters().empty());
}

TEST(share_partition, lock_expiry_at_the_limit_archives_too) {
  share_partition p(settings(10, 1), 0);
  p.acquire("m", 1, 0, 1);
  EXPECT_TRUE(p.acquire("m", 1, 20, 1).empty());
  EXPECT_EQ(p.start_offset(), 0);  // the archive waits for its write
  EXPECT_TRUE(p.has_unwritten());
  durable(p);
  EXPECT_EQ(p.start_offset(), 1);
  EXPECT_EQ(p.take_dead_letters().size(), 1u);
}

TEST(share_partition, reject_archives_with_reason_and_gap_archives_silently) {
  share_partition p(settings(), 0);
  p.acquire("m", 2, 0, 2);
  EXPECT_EQ(ack(p, "m", 0, 1, {reject, gap}, 1), error_code::none);
  auto dead = p.take_dead_letters();
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].reason, archive_reason::rejected);
  EXPECT_EQ(p.start_offset(), 2);
}

TEST(share_partition, a_departed_member_gives_everything_back) {
  share_partition p(settings(), 0);
  p.acquire("m1", 3, 0, 10);
  p.release_member("m1", 5);
  EXPECT_EQ(p.acquired_by("m1"), 0);
  auto a = p.acquire("m2", 10, 5, 4);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0], (acquired_range{0, 2, 2}));
  EXPECT_EQ(a[1], (acquired_range{3, 3, 1}));
}

TEST(share_partition, delayed_release_is_not_handed_out_before_the_delay) {
  auto s = settings();
  s.release_delay_ms = 500;
  share_partition p(s, 0);
  p.acquire("m", 1, 0, 1);
  ack(p, "m", 0, 0, {release}, 100);
  EXPECT_EQ(p.next_acquirable(599, 1), -1);
  EXPECT_TRUE(p.acquire("m", 1, 599, 1).empty());
  EXPECT_EQ(p.acquire("m", 1, 600, 1).size(), 1u);
}

TEST(share_partition, the_window_bounds_how_far_ahead_records_are_handed_out) {
  share_partition p(settings(1000, 5, 3), 0);
  EXPECT_EQ(p.acquire("m", 10, 0, 100).size(), 1u);
  EXPECT_EQ(p.end_offset(), 3);
  EXPECT_EQ(p.next_acquirable(0, 100), -1);
  ack(p, "m", 0, 0, {accept}, 1);
  EXPECT_EQ(p.next_acquirable(1, 100), 3);
}

TEST(share_partition, log_start_moving_past_the_window_drops_those_offsets) {
  share_partition p(settings(), 0);
  p.acquire("m", 2, 0, 5);
  p.advance_log_start(4);
  EXPECT_EQ(p.start_offset(), 4);
  EXPECT_EQ(p.end_offset(), 4);
  EXPECT_EQ(p.acquired_by("m"), 0);
  EXPECT_EQ(p.acquire("m", 5, 0, 6)[0], (acquired_range{4, 5, 1}));
}

TEST(share_partition, snapshot_and_restore_keep_done_records_and_free_locked_ones) {
  share_partition p(settings(), 0);
  p.acquire("m", 4, 0, 4);
  ack(p, "m", 1, 1, {accept}, 1);
  ack(p, "m", 2, 2, {release}, 1);
  auto snap = p.snapshot();
  EXPECT_EQ(snap.start_offset, 0);
  EXPECT_EQ(snap.end_offset, 4);
  ASSERT_EQ(snap.runs.size(), 4u);
  share_partition q(settings(), snap);
  auto a = q.acquire("n", 10, 5, 10);
  // 0 (was acquired: redelivered, count 2), 2 (released: count 2), 3 (count 2), then 4.. new.
  ASSERT_GE(a.size(), 3u);
  EXPECT_EQ(a[0], (acquired_range{0, 0, 2}));
  EXPECT_EQ(a[1], (acquired_range{2, 3, 2}));
  EXPECT_EQ(a[2].first_offset, 4);
  EXPECT_EQ(a[2].delivery_count, 1);
  EXPECT_EQ(ack(q, "n", 1, 1, {accept}, 6), error_code::invalid_record_state);
}

TEST(share_partition, restore_advances_over_a_done_prefix) {
  partition_snapshot s{0, 5, {{0, 2, record_state::acknowledged, 1, 0}}};
  share_partition p(settings(), s);
  EXPECT_EQ(p.start_offset(), 3);
  EXPECT_EQ(p.acquire("m", 10, 0, 5)[0], (acquired_range{3, 4, 1}));
}

}  // namespace
}  // namespace sluice::broker::share

namespace sluice::broker::share {
namespace {

TEST(share_partition, acquired_count_counts_live_locks_only) {
  share_partition p(settings(100), 0);
  p.acquire("a", 2, 0, 5);
  p.acquire("b", 1, 50, 5);
  EXPECT_EQ(p.acquired_count(10), 3);
  EXPECT_EQ(p.acquired_count(120), 1);  // a's locks ran out at 100
  EXPECT_EQ(p.acquired_count(200), 0);
}

}  // namespace
}  // namespace sluice::broker::share

namespace sluice::broker::share {
namespace {

TEST(share_partition, an_acknowledgement_is_invisible_until_its_write_is_durable) {
  share_partition p(settings(100), 0);
  p.acquire("m", 2, 0, 2);
  ASSERT_EQ(p.acknowledge("m", 0, 1, {accept}, 1), error_code::none);
  // Pending: nothing else moves, and the snapshot to write already says done.
  EXPECT_EQ(p.start_offset(), 0);
  EXPECT_EQ(p.lag(2), 2);
  EXPECT_EQ(p.acquired_by("m"), 2);
  EXPECT_EQ(p.acknowledge("m", 0, 0, {reject}, 2), error_code::invalid_record_state);
  const auto snap = p.snapshot();
  ASSERT_EQ(snap.runs.size(), 1u);
  EXPECT_EQ(snap.runs[0].state, record_state::acknowledged);
  EXPECT_TRUE(p.has_unwritten());
  p.claim_pending(7);
  EXPECT_FALSE(p.has_unwritten());
  // A lock running out meanwhile does not give a pending record back.
  EXPECT_TRUE(p.acquire("other", 2, 500, 2).empty());
  p.complete_write(6, true);  // another write: not this one's changes
  EXPECT_EQ(p.start_offset(), 0);
  p.complete_write(7, true);
  EXPECT_EQ(p.start_offset(), 2);
  EXPECT_EQ(p.acquired_by("m"), 0);
}

TEST(share_partition, a_failed_write_drops_its_changes_and_the_lock_decides) {
  share_partition p(settings(100), 0);
  p.acquire("m", 1, 0, 1);
  ASSERT_EQ(p.acknowledge("m", 0, 0, {accept}, 1), error_code::none);
  p.claim_pending(1);
  p.complete_write(1, false);
  EXPECT_EQ(p.start_offset(), 0);
  EXPECT_EQ(p.acquired_by("m"), 1);  // still held; the member may try again
  EXPECT_EQ(ack(p, "m", 0, 0, {accept}, 2), error_code::none);
  EXPECT_EQ(p.start_offset(), 1);
}

TEST(share_partition, a_pending_release_is_not_handed_out_before_its_write) {
  share_partition p(settings(), 0);
  p.acquire("m", 1, 0, 1);
  ASSERT_EQ(p.acknowledge("m", 0, 0, {release}, 1), error_code::none);
  EXPECT_TRUE(p.acquire("n", 1, 2, 1).empty());
  durable(p);
  ASSERT_EQ(p.acquire("n", 1, 3, 1).size(), 1u);
}

TEST(share_partition, a_departing_member_leaves_pending_records_to_their_write) {
  share_partition p(settings(), 0);
  p.acquire("m", 2, 0, 2);
  ASSERT_EQ(p.acknowledge("m", 0, 0, {accept}, 1), error_code::none);
  p.release_member("m", 2);
  auto a = p.acquire("n", 2, 3, 2);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0], (acquired_range{1, 1, 2}));
  durable(p);
  EXPECT_EQ(p.start_offset(), 1);
}

}  // namespace
}  // namespace sluice::broker::share
