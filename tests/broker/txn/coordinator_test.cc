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

}  // namespace
}  // namespace sluice::broker::txn
