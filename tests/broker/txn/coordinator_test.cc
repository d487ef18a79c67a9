// The transaction coordinator on a real log (fake_shard): producer ids,
// epochs and fencing, the transaction state machine, markers in the data
// partitions, recovery of a prepared transaction, and timeouts.
#include "broker/txn/coordinator.h"

#include <gtest/gtest.h>

#include "broker/group/coordinator.h"
#include "broker/internal_log.h"
#include "broker/internal_topics.h"
#include "tests/broker/fake_shard.h"

namespace sluice::broker::txn {
namespace {

using protocol::error_code;

struct init_answer {
  bool called = false;
  error_code error = error_code::unknown_server_error;
  int64_t producer_id = -1;
  int16_t epoch = -1;
};

class txn_coordinator_test : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(shard_.topics().create_topic("t", 3));
    groups_ = std::make_unique<group::coordinator>(shard_, group::group_settings{});
    ASSERT_FALSE(groups_->load());
    group_reg_ = std::make_unique<group::coordinator_registration>(shard_, *groups_);
    start();
  }
  void TearDown() override {
    if (txns_) txns_->close();
    shard_.run_io();
  }
  // A coordinator as after a restart: a fresh one replaying the log.
  void start() {
    if (txns_) txns_->close();
    shard_.run_io();
    txns_ = std::make_unique<coordinator>(shard_, txn_settings{});
    ASSERT_FALSE(txns_->load());
    shard_.run_io();
  }
  init_answer init(std::optional<std::string> id, int64_t pid = -1, int16_t epoch = -1,
                   int32_t timeout_ms = 60000) {
    init_answer a;
    txns_->init_producer_id(id, timeout_ms, pid, epoch, [&](error_code e, int64_t p, int16_t ep) {
      a = {true, e, p, ep};
    });
    shard_.run_io();
    shard_.run_io();
    EXPECT_TRUE(a.called);
    return a;
  }
  error_code run(const std::function<void(coordinator::error_fn)>& op) {
    std::optional<error_code> got;
    op([&](error_code e) { got = e; });
    for (int i = 0; i < 10 && !got; ++i) shard_.run_io();
    EXPECT_TRUE(got);
    return got.value_or(error_code::unknown_server_error);
  }
  int64_t leo(int32_t p) { return shard_.topics().get("t", p)->log_end_offset().value; }
  // Transactions V2: the answer of an EndTxn v5.
  init_answer end_v2(int64_t pid, int16_t epoch, bool commit) {
    init_answer a;
    txns_->end_txn("tx", pid, epoch, commit, true, [&](error_code e, int64_t p, int16_t ep) {
      a = {true, e, p, ep};
    });
    for (int i = 0; i < 10 && !a.called; ++i) shard_.run_io();
    EXPECT_TRUE(a.called);
    return a;
  }
  error_code add_v2(int64_t pid, int16_t epoch, std::vector<topic_partition> parts) {
    return run([&](auto done) { txns_->add_implicitly("tx", pid, epoch, parts, done); });
  }
  // The epoch partition p of "t" last saw from producer `pid` (its marker's).
  int16_t partition_epoch(int32_t p, int64_t pid) {
    for (const auto& info : shard_.topics().get("t", p)->active_producers())
      if (info.producer_id == pid) return info.epoch;
    return -1;
  }
  // Writes `m` for "tx" as the coordinator would have before a crash, then
  // restarts from the log.
  void crash_with(const txn_metadata& m) {
    txns_->close();
    shard_.run_io();
    internal_log raw(shard_, std::string(transaction_state_topic));
    txn_record r;
    r.transactional_id = "tx";
    r.metadata = m;
    std::optional<std::error_code> wrote;
    raw.append({encode_txn_record(r, 0)}, [&](std::error_code ec) { wrote = ec; });
    shard_.run_io();
    ASSERT_TRUE(wrote && !*wrote);
    txns_.reset();
    start();
    for (int i = 0; i < 5; ++i) shard_.run_io();
  }
  const txn_metadata& meta(const std::string& id) { return txns_->transactions().at(id); }

  test::fake_shard shard_;
  std::unique_ptr<group::coordinator> groups_;
  std::unique_ptr<group::coordinator_registration> group_reg_;
  std::unique_ptr<coordinator> txns_;
};

TEST_F(txn_coordinator_test, idempotent_producers_get_distinct_ids_that_survive_a_restart) {
  const init_answer a = init(std::nullopt);
  const init_answer b = init(std::nullopt);
  ASSERT_EQ(a.error, error_code::none);
  ASSERT_EQ(b.error, error_code::none);
  EXPECT_NE(a.producer_id, b.producer_id);
  EXPECT_EQ(a.epoch, 0);
  start();
  const init_answer c = init(std::nullopt);
  ASSERT_EQ(c.error, error_code::none);
  EXPECT_GT(c.producer_id, std::max(a.producer_id, b.producer_id));
}

TEST_F(txn_coordinator_test, a_second_init_bumps_the_epoch_and_fences_the_first) {
  const init_answer first = init("tx");
  ASSERT_EQ(first.error, error_code::none);
  const init_answer second = init("tx");
  ASSERT_EQ(second.error, error_code::none);
  EXPECT_EQ(second.producer_id, first.producer_id);
  EXPECT_EQ(second.epoch, first.epoch + 1);
  // The first instance can no longer add partitions or end transactions.
  EXPECT_EQ(run([&](auto done) {
              txns_->add_partitions("tx", first.producer_id, first.epoch, {{"t", 0}}, done);
            }),
            error_code::producer_fenced);
  // KIP-360: an init naming an epoch that is neither current nor previous is fenced.
  EXPECT_EQ(init("tx", first.producer_id, static_cast<int16_t>(first.epoch - 1)).error,
            error_code::producer_fenced);
  EXPECT_EQ(init("tx", first.producer_id, second.epoch).error, error_code::none);
}

TEST_F(txn_coordinator_test, invalid_timeouts_are_refused) {
  EXPECT_EQ(init("tx", -1, -1, 0).error, error_code::invalid_transaction_timeout);
  EXPECT_EQ(init("tx", -1, -1, 900001).error, error_code::invalid_transaction_timeout);
}

TEST_F(txn_coordinator_test, commit_writes_one_marker_per_partition_and_completes) {
  const init_answer p = init("tx");
  ASSERT_EQ(run([&](auto done) {
              txns_->add_partitions("tx", p.producer_id, p.epoch, {{"t", 0}, {"t", 2}}, done);
            }),
            error_code::none);
  EXPECT_EQ(meta("tx").state, txn_state::ongoing);
  EXPECT_EQ(txns_->verify_partition(p.producer_id, p.epoch, {"t", 0}), error_code::none);
  EXPECT_EQ(txns_->verify_partition(p.producer_id, p.epoch, {"t", 1}),
            error_code::invalid_txn_state);
  const int64_t before0 = leo(0), before1 = leo(1), before2 = leo(2);
  ASSERT_EQ(run([&](auto done) { txns_->end_txn("tx", p.producer_id, p.epoch, true, done); }),
            error_code::none);
  EXPECT_EQ(leo(0), before0 + 1);
  EXPECT_EQ(leo(1), before1);
  EXPECT_EQ(leo(2), before2 + 1);
  EXPECT_EQ(meta("tx").state, txn_state::complete_commit);
  // A retried commit answers as the first; an abort now is out of place.
  EXPECT_EQ(run([&](auto done) { txns_->end_txn("tx", p.producer_id, p.epoch, true, done); }),
            error_code::none);
  EXPECT_EQ(run([&](auto done) { txns_->end_txn("tx", p.producer_id, p.epoch, false, done); }),
            error_code::invalid_txn_state);
  start();
  EXPECT_EQ(meta("tx").state, txn_state::complete_commit);
  EXPECT_EQ(meta("tx").producer_id, p.producer_id);
}

TEST_F(txn_coordinator_test, a_transaction_prepared_before_a_crash_completes_at_load) {
  const init_answer p = init("tx");
  ASSERT_EQ(run([&](auto done) {
              txns_->add_partitions("tx", p.producer_id, p.epoch, {{"t", 0}, {"t", 1}}, done);
            }),
            error_code::none);
  // As if the coordinator died right after its PrepareAbort record was durable.
  txn_metadata m = meta("tx");
  m.state = txn_state::prepare_abort;
  txns_->close();
  shard_.run_io();
  internal_log raw(shard_, std::string(transaction_state_topic));
  txn_record r;
  r.transactional_id = "tx";
  r.metadata = m;
  std::optional<std::error_code> wrote;
  raw.append({encode_txn_record(r, 0)}, [&](std::error_code ec) { wrote = ec; });
  shard_.run_io();
  ASSERT_TRUE(wrote && !*wrote);
  const int64_t before0 = leo(0), before1 = leo(1);
  txns_.reset();
  start();
  for (int i = 0; i < 5; ++i) shard_.run_io();
  EXPECT_EQ(leo(0), before0 + 1);
  EXPECT_EQ(leo(1), before1 + 1);
  EXPECT_EQ(meta("tx").state, txn_state::complete_abort);
}

TEST_F(txn_coordinator_test, a_timed_out_transaction_is_aborted_at_a_bumped_epoch) {
  const init_answer p = init("tx", -1, -1, 1000);
  ASSERT_EQ(run([&](auto done) {
              txns_->add_partitions("tx", p.producer_id, p.epoch, {{"t", 0}}, done);
            }),
            error_code::none);
  const int64_t before = leo(0);
  txns_->check_timeouts(meta("tx").start_ms + 500);
  for (int i = 0; i < 5; ++i) shard_.run_io();
  EXPECT_EQ(meta("tx").state, txn_state::ongoing);
  txns_->check_timeouts(meta("tx").start_ms + 1001);
  for (int i = 0; i < 5; ++i) shard_.run_io();
  EXPECT_EQ(meta("tx").state, txn_state::complete_abort);
  EXPECT_EQ(meta("tx").producer_epoch, p.epoch + 1);
  EXPECT_EQ(leo(0), before + 1);
  // The producer that let it time out is fenced, and may re-init (KIP-360).
  EXPECT_EQ(run([&](auto done) { txns_->end_txn("tx", p.producer_id, p.epoch, true, done); }),
            error_code::producer_fenced);
  const init_answer again = init("tx", p.producer_id, p.epoch, 1000);
  EXPECT_EQ(again.error, error_code::none);
  EXPECT_EQ(again.epoch, p.epoch + 2);
}

// The coordinator's own periodic check (transaction.abort.timed.out.
// transaction.cleanup.interval.ms, 10 s by default) reads the shard's clock:
// the transaction survives the check before its timeout and is aborted by
// the first one after it.
TEST_F(txn_coordinator_test,
       the_periodic_check_aborts_a_transaction_once_the_clock_passes_its_timeout) {
  const init_answer p = init("tx", -1, -1, 15000);
  ASSERT_EQ(run([&](auto done) {
              txns_->add_partitions("tx", p.producer_id, p.epoch, {{"t", 0}}, done);
            }),
            error_code::none);
  const int64_t before = leo(0);
  EXPECT_EQ(meta("tx").start_ms, shard_.clock().wall_clock_ms());
  shard_.advance(txn_settings{}.abort_check_interval_ms);  // 10 s: one check, too early
  for (int i = 0; i < 5; ++i) shard_.run_io();
  EXPECT_EQ(meta("tx").state, txn_state::ongoing);
  shard_.advance(txn_settings{}.abort_check_interval_ms);  // 20 s: past the 15 s
  for (int i = 0; i < 5; ++i) shard_.run_io();
  EXPECT_EQ(meta("tx").state, txn_state::complete_abort);
  EXPECT_EQ(meta("tx").producer_epoch, p.epoch + 1);
  EXPECT_EQ(leo(0), before + 1);  // the abort marker
}

TEST_F(txn_coordinator_test, init_during_an_ongoing_transaction_aborts_it_first) {
  const init_answer p = init("tx");
  ASSERT_EQ(run([&](auto done) {
              txns_->add_partitions("tx", p.producer_id, p.epoch, {{"t", 0}}, done);
            }),
            error_code::none);
  const int64_t before = leo(0);
  EXPECT_EQ(init("tx").error, error_code::concurrent_transactions);
  for (int i = 0; i < 5; ++i) shard_.run_io();
  EXPECT_EQ(leo(0), before + 1);  // the abort marker
  const init_answer next = init("tx");
  ASSERT_EQ(next.error, error_code::none);
  EXPECT_GT(next.epoch, p.epoch + 1);
}

TEST_F(txn_coordinator_test, transactional_offsets_commit_with_the_transaction) {
  const init_answer p = init("tx");
  ASSERT_EQ(run([&](auto done) { txns_->add_group("tx", p.producer_id, p.epoch, "g", done); }),
            error_code::none);
  EXPECT_EQ(txns_->verify_group("tx", p.producer_id, p.epoch, "g"), error_code::none);
  EXPECT_EQ(txns_->verify_group("tx", p.producer_id, p.epoch, "other"),
            error_code::invalid_txn_state);
  std::optional<std::error_code> staged;
  groups_->stage_txn_offsets("g", p.producer_id, p.epoch,
                             {{{"t", 0}, group::committed_offset{42, -1, std::nullopt, 1, -1}}},
                             [&](std::error_code ec) { staged = ec; });
  for (int i = 0; i < 3; ++i) shard_.run_io();
  ASSERT_TRUE(staged && !*staged);
  EXPECT_TRUE(groups_->offsets("g") == nullptr || !groups_->offsets("g")->contains({"t", 0}));
  ASSERT_EQ(run([&](auto done) { txns_->end_txn("tx", p.producer_id, p.epoch, true, done); }),
            error_code::none);
  ASSERT_NE(groups_->offsets("g"), nullptr);
  EXPECT_EQ(groups_->offsets("g")->at({"t", 0}).offset, 42);
}

// --- Transactions V2 (KIP-890 part 2) ---

TEST_F(txn_coordinator_test, tv2_every_end_bumps_the_epoch_and_its_markers_carry_the_new_one) {
  const init_answer p = init("tx");
  ASSERT_EQ(add_v2(p.producer_id, p.epoch, {{"t", 0}}), error_code::none);
  EXPECT_EQ(meta("tx").state, txn_state::ongoing);
  EXPECT_EQ(meta("tx").client_transaction_version, 2);
  const int64_t before = leo(0);
  const init_answer c = end_v2(p.producer_id, p.epoch, true);
  ASSERT_EQ(c.error, error_code::none);
  EXPECT_EQ(c.producer_id, p.producer_id);
  EXPECT_EQ(c.epoch, p.epoch + 1);
  EXPECT_EQ(leo(0), before + 1);
  EXPECT_EQ(partition_epoch(0, p.producer_id), p.epoch + 1);
  // The next transaction runs at the new epoch, and its end bumps again.
  EXPECT_EQ(add_v2(p.producer_id, p.epoch, {{"t", 1}}), error_code::producer_fenced);
  ASSERT_EQ(add_v2(c.producer_id, c.epoch, {{"t", 1}}), error_code::none);
  EXPECT_EQ(txns_->verify_partition(c.producer_id, c.epoch, {"t", 1}), error_code::none);
  const init_answer a = end_v2(c.producer_id, c.epoch, false);
  ASSERT_EQ(a.error, error_code::none);
  EXPECT_EQ(a.epoch, p.epoch + 2);
  EXPECT_EQ(meta("tx").state, txn_state::complete_abort);
}

TEST_F(txn_coordinator_test, tv2_a_retried_end_answers_as_it_did_and_a_late_one_is_fenced) {
  const init_answer p = init("tx");
  ASSERT_EQ(add_v2(p.producer_id, p.epoch, {{"t", 0}}), error_code::none);
  const init_answer c = end_v2(p.producer_id, p.epoch, true);
  ASSERT_EQ(c.error, error_code::none);
  // The same EndTxn again (its answer was lost): success, the current id/epoch.
  const init_answer retry = end_v2(p.producer_id, p.epoch, true);
  EXPECT_EQ(retry.error, error_code::none);
  EXPECT_EQ(retry.producer_id, c.producer_id);
  EXPECT_EQ(retry.epoch, c.epoch);
  EXPECT_EQ(end_v2(p.producer_id, p.epoch, false).error, error_code::invalid_txn_state);
  // RELIABILITY G8: the next transaction is open when the old EndTxn arrives
  // once more; it is fenced and the open transaction is untouched.
  ASSERT_EQ(add_v2(c.producer_id, c.epoch, {{"t", 2}}), error_code::none);
  const int64_t before = leo(2);
  EXPECT_EQ(end_v2(p.producer_id, p.epoch, true).error, error_code::producer_fenced);
  EXPECT_EQ(end_v2(p.producer_id, static_cast<int16_t>(p.epoch - 1), true).error,
            error_code::producer_fenced);
  EXPECT_EQ(meta("tx").state, txn_state::ongoing);
  EXPECT_EQ(leo(2), before);  // no marker
  // The TV1 form of the same late request is fenced too.
  EXPECT_EQ(run([&](auto done) { txns_->end_txn("tx", p.producer_id, p.epoch, true, done); }),
            error_code::producer_fenced);
  EXPECT_EQ(end_v2(c.producer_id, c.epoch, true).error, error_code::none);
  EXPECT_EQ(leo(2), before + 1);
}

TEST_F(txn_coordinator_test, tv2_an_epoch_about_to_overflow_moves_to_a_new_producer_id) {
  const init_answer p = init("tx");
  txn_metadata m = meta("tx");
  m.producer_epoch = INT16_MAX - 2;  // 32765
  crash_with(m);
  ASSERT_EQ(add_v2(p.producer_id, INT16_MAX - 2, {{"t", 0}}), error_code::none);
  const init_answer first = end_v2(p.producer_id, INT16_MAX - 2, true);
  ASSERT_EQ(first.error, error_code::none);
  EXPECT_EQ(first.producer_id, p.producer_id);
  EXPECT_EQ(first.epoch, INT16_MAX - 1);
  ASSERT_EQ(add_v2(p.producer_id, INT16_MAX - 1, {{"t", 0}}), error_code::none);
  const init_answer moved = end_v2(p.producer_id, INT16_MAX - 1, true);
  ASSERT_EQ(moved.error, error_code::none);
  EXPECT_NE(moved.producer_id, p.producer_id);
  EXPECT_EQ(moved.epoch, 0);
  // The markers went out with the old id at the last epoch.
  EXPECT_EQ(partition_epoch(0, p.producer_id), INT16_MAX);
  EXPECT_EQ(meta("tx").producer_id, moved.producer_id);
  EXPECT_EQ(meta("tx").previous_producer_id, p.producer_id);
  // A retry with the old id answers the new one; the new id works.
  const init_answer retry = end_v2(p.producer_id, INT16_MAX - 1, true);
  EXPECT_EQ(retry.error, error_code::none);
  EXPECT_EQ(retry.producer_id, moved.producer_id);
  EXPECT_EQ(retry.epoch, 0);
  ASSERT_EQ(add_v2(moved.producer_id, 0, {{"t", 1}}), error_code::none);
  EXPECT_EQ(txns_->verify_partition(moved.producer_id, 0, {"t", 1}), error_code::none);
  start();  // and all of it survives a restart
  EXPECT_EQ(meta("tx").producer_id, moved.producer_id);
  EXPECT_EQ(meta("tx").state, txn_state::ongoing);
}

TEST_F(txn_coordinator_test, tv2_a_prepared_end_with_a_new_producer_id_completes_at_load) {
  const init_answer p = init("tx");
  ASSERT_EQ(add_v2(p.producer_id, p.epoch, {{"t", 0}, {"t", 1}}), error_code::none);
  // As if the coordinator died right after writing PrepareCommit for an end
  // whose bump overflowed: bumped epoch and next producer id in the record.
  txn_metadata m = meta("tx");
  m.state = txn_state::prepare_commit;
  m.previous_epoch = m.producer_epoch;
  m.producer_epoch = static_cast<int16_t>(m.producer_epoch + 1);
  m.next_producer_id = p.producer_id + 500;
  const int64_t before0 = leo(0), before1 = leo(1);
  crash_with(m);
  EXPECT_EQ(leo(0), before0 + 1);
  EXPECT_EQ(leo(1), before1 + 1);
  EXPECT_EQ(partition_epoch(0, p.producer_id), p.epoch + 1);
  EXPECT_EQ(meta("tx").state, txn_state::complete_commit);
  EXPECT_EQ(meta("tx").producer_id, p.producer_id + 500);
  EXPECT_EQ(meta("tx").producer_epoch, 0);
  EXPECT_EQ(meta("tx").next_producer_id, -1);
  EXPECT_EQ(meta("tx").client_transaction_version, 2);
}

TEST_F(txn_coordinator_test, tv2_an_empty_abort_bumps_the_epoch_without_markers) {
  const init_answer p = init("tx");
  const int64_t before = leo(0);
  const init_answer a = end_v2(p.producer_id, p.epoch, false);
  ASSERT_EQ(a.error, error_code::none);
  EXPECT_EQ(a.epoch, p.epoch + 1);
  EXPECT_EQ(leo(0), before);
  EXPECT_EQ(end_v2(a.producer_id, a.epoch, true).error, error_code::invalid_txn_state);
}

TEST(txn_log, tv2_fields_are_written_as_version_1_and_tv1_records_stay_version_0) {
  txn_record r;
  r.transactional_id = "tx";
  r.metadata = txn_metadata{};
  r.metadata->transactional_id = "tx";
  r.metadata->producer_id = 7;
  r.metadata->partitions = {{"t", 0}};
  const batch_record v0 = encode_txn_record(r, 0);
  ASSERT_TRUE(v0.value);
  EXPECT_EQ(static_cast<int>((*v0.value)[1]), 0);  // int16 version 0
  EXPECT_EQ(decode_txn_record(v0), r);
  r.metadata->client_transaction_version = 2;
  r.metadata->next_producer_id = 9;
  const batch_record v1 = encode_txn_record(r, 0);
  EXPECT_EQ(static_cast<int>((*v1.value)[1]), 1);
  EXPECT_EQ(v1.value->size(), v0.value->size() + 9);
  EXPECT_EQ(decode_txn_record(v1), r);
  // A version 1 value cut short is refused, not half read.
  batch_record cut = v1;
  cut.value->pop_back();
  EXPECT_FALSE(decode_txn_record(cut));
}

}  // namespace
}  // namespace sluice::broker::txn
