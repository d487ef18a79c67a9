// Idempotent and transactional appends through partition_log (log/producer_state.h):
// Kafka's sequence and epoch rules, duplicates answered with the original
// offsets, markers ending transactions, the last stable offset and the
// aborted-transaction ranges a read_committed Fetch gets.
#include <gtest/gtest.h>

#include <climits>

#include "log/io/io_backend.h"
#include "log/partition_log.h"
#include "log/producer_state.h"
#include "tests/log/producer_batches.h"
#include "tests/support/fake_clock.h"
#include "tests/support/log_helpers.h"
#include "tests/support/temp_dir.h"

namespace sluice::log {
namespace {

using producer_test::append;
using producer_test::data_batch;
using producer_test::marker_batch;

class producer_state_test : public ::testing::Test {
 protected:
  void SetUp() override {
    io_ = io::make_posix_backend();
    cfg_.clock = clock_.fn();
  }
  std::unique_ptr<partition_log> open() {
    auto l = partition_log::open(*io_, dir_ / "t-0", cfg_, {});
    EXPECT_TRUE(l) << l.error().message();
    return l ? std::move(*l) : nullptr;
  }
  // Appends a fresh copy of `b` (append patches the bytes it is given).
  producer_test::answer send(partition_log& log, const std::vector<std::byte>& b,
                             ack_level level = ack_level::flushed) {
    bufs_.push_back(b);
    return append(log, *io_, bufs_.back(), level);
  }

  test::temp_dir dir_;
  test::fake_clock clock_;
  log_config cfg_;
  std::unique_ptr<io::io_backend> io_;
  std::deque<std::vector<std::byte>> bufs_;
};

TEST_F(producer_state_test, in_sequence_batches_are_appended_and_a_gap_is_out_of_order) {
  auto log = open();
  auto a = send(*log, data_batch(7, 0, 0, 3));
  ASSERT_FALSE(a.error);
  EXPECT_EQ(a.info.base_offset, offset{0});
  auto b = send(*log, data_batch(7, 0, 3, 2));
  ASSERT_FALSE(b.error);
  EXPECT_EQ(b.info.base_offset, offset{3});
  EXPECT_FALSE(b.info.duplicate);
  auto gap = send(*log, data_batch(7, 0, 6, 1));  // 5 is missing
  EXPECT_EQ(gap.error, errc::out_of_order_sequence);
  EXPECT_EQ(log->log_end_offset(), offset{5});
  auto producers = log->active_producers();
  ASSERT_EQ(producers.size(), 1u);
  EXPECT_EQ(producers[0].producer_id, 7);
  EXPECT_EQ(producers[0].last_sequence, 4);
  EXPECT_EQ(producers[0].epoch, 0);
}

TEST_F(producer_state_test, a_retry_of_each_of_the_last_five_answers_its_original_offsets) {
  auto log = open();
  std::vector<std::vector<std::byte>> sent;
  std::vector<append_info> originals;
  for (int i = 0; i < 6; ++i) {
    sent.push_back(data_batch(1, 0, i * 2, 2));
    auto a = send(*log, sent.back());
    ASSERT_FALSE(a.error) << i;
    originals.push_back(a.info);
  }
  const offset end = log->log_end_offset();
  for (int i = 1; i < 6; ++i) {
    auto d = send(*log, sent[i]);
    ASSERT_FALSE(d.error) << i;
    EXPECT_TRUE(d.info.duplicate) << i;
    EXPECT_EQ(d.info.base_offset, originals[i].base_offset) << i;
    EXPECT_EQ(d.info.last_offset, originals[i].last_offset) << i;
    EXPECT_EQ(d.done_calls, 1) << i;
    EXPECT_FALSE(d.done_inside_append) << i;
    EXPECT_FALSE(d.done_error) << i;
    EXPECT_EQ(log->log_end_offset(), end) << "a duplicate writes nothing";
  }
  // The 6th from last has left the cache: Kafka refuses it as out of order.
  auto old = send(*log, sent[0]);
  EXPECT_EQ(old.error, errc::out_of_order_sequence);
  EXPECT_EQ(log->log_end_offset(), end);
  auto r = log->read(offset{0}, 1 << 20);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->bytes, static_cast<uint64_t>(6 * sent[0].size()));
}

TEST_F(producer_state_test, a_duplicate_of_an_unsynced_batch_is_answered_once_it_is_durable) {
  auto log = open();
  auto b = data_batch(3, 0, 0, 1);
  std::vector<std::byte> first = b, again = b;
  int first_done = 0, dup_done = 0;
  ASSERT_TRUE(log->append(first, ack_level::flushed, [&](std::error_code) { ++first_done; }));
  // Sent again before the first is even written.
  auto d = log->append(again, ack_level::flushed, [&](std::error_code ec) {
    EXPECT_FALSE(ec);
    EXPECT_EQ(first_done, 1) << "the duplicate is not acknowledged before the original";
    EXPECT_GE(log->high_watermark(), offset{1});
    ++dup_done;
  });
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->duplicate);
  EXPECT_EQ(d->base_offset, offset{0});
  EXPECT_EQ(dup_done, 0);
  test::drain(*io_);
  EXPECT_EQ(first_done, 1);
  EXPECT_EQ(dup_done, 1);
  EXPECT_EQ(log->log_end_offset(), offset{1});
}

TEST_F(producer_state_test, an_older_epoch_is_refused_and_a_bump_must_start_at_zero) {
  auto log = open();
  ASSERT_FALSE(send(*log, data_batch(5, 2, 0, 1)).error);
  ASSERT_FALSE(send(*log, data_batch(5, 2, 1, 1)).error);
  EXPECT_EQ(send(*log, data_batch(5, 1, 2, 1)).error, errc::invalid_producer_epoch);
  EXPECT_EQ(send(*log, data_batch(5, 3, 2, 1)).error, errc::out_of_order_sequence)
      << "a new epoch continuing the old sequence";
  auto bumped = send(*log, data_batch(5, 3, 0, 1));
  ASSERT_FALSE(bumped.error);
  EXPECT_EQ(bumped.info.base_offset, offset{2});
  EXPECT_EQ(send(*log, data_batch(5, 2, 2, 1)).error, errc::invalid_producer_epoch);
  EXPECT_EQ(log->log_end_offset(), offset{3});
}

TEST_F(producer_state_test, an_unknown_producer_may_start_at_any_sequence) {
  auto log = open();
  auto a = send(*log, data_batch(9, 4, 1234, 2));
  ASSERT_FALSE(a.error);
  ASSERT_FALSE(send(*log, data_batch(9, 4, 1236, 1)).error);
  EXPECT_EQ(send(*log, data_batch(9, 4, 1238, 1)).error, errc::out_of_order_sequence);
}

TEST_F(producer_state_test, sequences_wrap_after_int32_max) {
  auto log = open();
  ASSERT_FALSE(send(*log, data_batch(2, 0, INT32_MAX - 1, 2)).error);  // ends at INT32_MAX
  auto wrapped = send(*log, data_batch(2, 0, 0, 3));
  ASSERT_FALSE(wrapped.error);
  EXPECT_EQ(log->active_producers()[0].last_sequence, 2);
  // A batch crossing the wrap: INT32_MAX, 0, 1.
  auto log2_dir = dir_ / "t-1";
  auto l2 = partition_log::open(*io_, log2_dir, cfg_, {});
  ASSERT_TRUE(l2);
  ASSERT_FALSE(send(**l2, data_batch(2, 0, INT32_MAX, 3)).error);
  EXPECT_EQ((*l2)->active_producers()[0].last_sequence, 1);
  ASSERT_FALSE(send(**l2, data_batch(2, 0, 2, 1)).error);
  auto dup = send(**l2, data_batch(2, 0, INT32_MAX, 3));
  EXPECT_TRUE(dup.info.duplicate);
}

TEST_F(producer_state_test, a_refused_batch_in_a_multi_batch_append_writes_none_of_them) {
  auto log = open();
  ASSERT_FALSE(send(*log, data_batch(1, 0, 0, 1)).error);
  auto a = data_batch(1, 0, 1, 1), b = data_batch(2, 0, 0, 1), c = data_batch(1, 0, 5, 1);
  std::vector<std::byte> all;
  for (auto* x : {&a, &b, &c}) all.insert(all.end(), x->begin(), x->end());
  EXPECT_EQ(send(*log, all).error, errc::out_of_order_sequence);
  EXPECT_EQ(log->log_end_offset(), offset{1});
  auto p = log->active_producers();
  ASSERT_EQ(p.size(), 1u) << "state is applied only when all pass";
  EXPECT_EQ(p[0].last_sequence, 0);
  // The same batches in order are accepted together.
  auto c2 = data_batch(1, 0, 2, 1);
  all.clear();
  for (auto* x : {&a, &b, &c2}) all.insert(all.end(), x->begin(), x->end());
  auto ok = send(*log, all);
  ASSERT_FALSE(ok.error);
  EXPECT_EQ(ok.info.last_offset, offset{3});
  EXPECT_EQ(log->active_producers().size(), 2u);
}

TEST_F(producer_state_test, committed_and_aborted_transactions_move_the_lso_and_fill_the_index) {
  auto log = open();
  ASSERT_FALSE(send(*log, data_batch(-1, -1, -1, 2)).error);      // 0-1 plain
  ASSERT_FALSE(send(*log, data_batch(10, 0, 0, 2, true)).error);  // 2-3 txn A
  EXPECT_EQ(log->last_stable_offset(), offset{2});
  ASSERT_FALSE(send(*log, data_batch(11, 0, 0, 1, true)).error);  // 4 txn B
  EXPECT_EQ(log->high_watermark(), offset{5});
  EXPECT_EQ(log->last_stable_offset(), offset{2});
  ASSERT_FALSE(send(*log, marker_batch(10, 0, /*commit=*/false)).error);  // 5 abort A
  EXPECT_EQ(log->last_stable_offset(), offset{4}) << "B still holds it";
  ASSERT_FALSE(send(*log, marker_batch(11, 0, /*commit=*/true)).error);  // 6 commit B
  EXPECT_EQ(log->last_stable_offset(), offset{7});
  EXPECT_EQ(log->last_stable_offset(), log->high_watermark());

  auto aborted = log->aborted_transactions(offset{0}, offset{7});
  ASSERT_EQ(aborted.size(), 1u);
  EXPECT_EQ(aborted[0].producer_id, 10);
  EXPECT_EQ(aborted[0].first_offset, offset{2});
  EXPECT_EQ(aborted[0].last_offset, offset{5});
  EXPECT_EQ(aborted[0].last_stable_offset, offset{4});
  EXPECT_TRUE(log->aborted_transactions(offset{6}, offset{7}).empty()) << "ended before 6";
  EXPECT_TRUE(log->aborted_transactions(offset{0}, offset{2}).empty()) << "began at 2";
  EXPECT_EQ(log->aborted_transactions(offset{3}, offset{4}).size(), 1u);

  // A non-transactional batch inside a transaction is refused.
  ASSERT_FALSE(send(*log, data_batch(12, 0, 0, 1, true)).error);
  EXPECT_EQ(send(*log, data_batch(12, 0, 1, 1, false)).error, errc::invalid_txn_state);
  auto p = log->active_producers();
  auto it = std::find_if(p.begin(), p.end(), [](const auto& x) { return x.producer_id == 12; });
  ASSERT_NE(it, p.end());
  EXPECT_EQ(it->current_txn_start_offset, offset{7});
}

TEST_F(producer_state_test, markers_check_the_producer_and_coordinator_epochs) {
  auto log = open();
  ASSERT_FALSE(send(*log, data_batch(4, 3, 0, 1, true)).error);
  EXPECT_EQ(send(*log, marker_batch(4, 2, true, 5)).error, errc::invalid_producer_epoch);
  ASSERT_FALSE(send(*log, marker_batch(4, 3, true, 5)).error);
  EXPECT_EQ(send(*log, marker_batch(4, 3, true, 4)).error, errc::coordinator_fenced);
  // A marker with a bumped epoch (the coordinator fenced the producer) resets
  // the sequences: the new epoch starts at 0.
  ASSERT_FALSE(send(*log, marker_batch(4, 4, false, 5)).error);
  EXPECT_EQ(send(*log, data_batch(4, 4, 1, 1)).error, errc::out_of_order_sequence);
  ASSERT_FALSE(send(*log, data_batch(4, 4, 0, 1)).error);
  // A marker for a producer with no transaction ends nothing and aborts nothing.
  EXPECT_TRUE(log->aborted_transactions(offset{0}, offset{100}).empty());
  EXPECT_EQ(log->last_stable_offset(), log->high_watermark());
}

TEST_F(producer_state_test, a_marker_not_yet_under_the_high_watermark_holds_the_lso) {
  cfg_.policy = durability::fsync;
  auto log = open();
  ASSERT_FALSE(send(*log, data_batch(20, 0, 0, 3, true)).error);  // 0-2
  EXPECT_EQ(log->last_stable_offset(), offset{0});
  auto m = marker_batch(20, 0, true);
  int done = 0;
  ASSERT_TRUE(log->append(m, ack_level::flushed, [&](std::error_code) { ++done; }));
  // The marker is appended (the transaction is no longer ongoing), but until
  // it is durable the high watermark is 3 and readers must not pass offset 0.
  EXPECT_EQ(log->log_end_offset(), offset{4});
  EXPECT_EQ(log->high_watermark(), offset{3});
  EXPECT_EQ(log->last_stable_offset(), offset{0});
  test::drain(*io_);
  EXPECT_EQ(done, 1);
  EXPECT_EQ(log->high_watermark(), offset{4});
  EXPECT_EQ(log->last_stable_offset(), offset{4});
}

TEST_F(producer_state_test, a_control_batch_that_is_no_marker_is_refused) {
  auto log = open();
  auto b = data_batch(3, 0, 0, 1, true);
  set_producer_fields(b, 0x30, 3, 0, -1);  // control bit, but a data record
  EXPECT_EQ(send(*log, b).error, errc::corrupt_batch);
  EXPECT_EQ(log->log_end_offset(), offset{0});
}

TEST_F(producer_state_test, idle_producers_expire_but_not_during_a_transaction) {
  cfg_.producer_id_expiration_ms = 1000;
  auto log = open();
  const timestamp_ms now = *clock_.now;
  ASSERT_FALSE(send(*log, data_batch(1, 0, 0, 1, false, now)).error);
  ASSERT_FALSE(send(*log, data_batch(2, 0, 0, 1, true, now)).error);
  EXPECT_EQ(log->remove_expired_producers(now + 999), 0u);
  EXPECT_EQ(log->remove_expired_producers(now + 1000), 1u);
  auto p = log->active_producers();
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].producer_id, 2);
  // Forgotten: any sequence is accepted again (Kafka's unknown producer).
  EXPECT_FALSE(send(*log, data_batch(1, 0, 77, 1, false, now)).error);
  // enforce_retention runs the expiry too.
  ASSERT_FALSE(send(*log, marker_batch(2, 0, true, 0, now)).error);
  log->enforce_retention(now + 5000);
  EXPECT_TRUE(log->active_producers().empty());
}

}  // namespace
}  // namespace sluice::log
