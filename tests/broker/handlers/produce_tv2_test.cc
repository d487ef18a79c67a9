// Produce v12 of a transactional producer (transactions V2, KIP-890 part 2):
// the partition is added to the producer's transaction by the request itself,
// where v11 still needs AddPartitionsToTxn first (part 1 verification).
#include <gtest/gtest.h>

#include "broker/api_table.h"
#include "broker/group/coordinator.h"
#include "broker/txn/coordinator.h"
#include "protocol/messages/produce.h"
#include "tests/broker/fake_shard.h"
#include "tests/broker/handlers/txn_batches.h"

namespace sluice::broker {
namespace {

using protocol::error_code;

class produce_tv2 : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(shard_.topics().create_topic("t", 2));
    groups_ = std::make_unique<group::coordinator>(shard_, group::group_settings{});
    ASSERT_FALSE(groups_->load());
    group_reg_ = std::make_unique<group::coordinator_registration>(shard_, *groups_);
    txns_ = std::make_unique<txn::coordinator>(shard_, txn::txn_settings{});
    ASSERT_FALSE(txns_->load());
    txn_reg_ = std::make_unique<txn::coordinator_registration>(shard_, *txns_);
    shard_.run_io();
    txns_->init_producer_id("tx", 60000, -1, -1, [&](error_code e, int64_t p, int16_t ep) {
      ASSERT_EQ(e, error_code::none);
      pid_ = p;
      epoch_ = ep;
    });
    for (int i = 0; i < 3; ++i) shard_.run_io();
    ASSERT_GE(pid_, 0);
  }
  void TearDown() override {
    txn_reg_.reset();
    txns_->close();
    shard_.run_io();
  }
  // One transactional batch to partition p of "t"; the answer's error.
  error_code produce(int16_t version, int32_t p, int16_t epoch, int32_t seq) {
    batches_.push_back(test::producer_batch(2, pid_, epoch, seq, true));
    protocol::produce_request r;
    r.transactional_id = "tx";
    r.acks = -1;
    r.timeout_ms = 1000;
    auto& t = r.topic_data.emplace_back();
    t.name = "t";
    t.partition_data.push_back({p, protocol::record_set::of(batches_.back())});
    auto a = std::make_shared<test::answer>();
    handle_produce(shard_, test::make_request(r, version), test::capture(a));
    for (int i = 0; i < 10 && !a->called; ++i) shard_.run_io();
    EXPECT_TRUE(a->called && a->value);
    if (!a->value) return error_code::unknown_server_error;
    auto resp = test::decode_answer<protocol::produce_response>(*a->value, version);
    return resp.responses.at(0).partition_responses.at(0).error_code;
  }
  int64_t leo(int32_t p) { return shard_.topics().get("t", p)->log_end_offset().value; }

  test::fake_shard shard_;
  std::unique_ptr<group::coordinator> groups_;
  std::unique_ptr<group::coordinator_registration> group_reg_;
  std::unique_ptr<txn::coordinator> txns_;
  std::unique_ptr<txn::coordinator_registration> txn_reg_;
  std::deque<std::vector<std::byte>> batches_;
  int64_t pid_ = -1;
  int16_t epoch_ = -1;
};

TEST_F(produce_tv2, v11_needs_the_partition_added_first) {
  EXPECT_EQ(produce(11, 0, epoch_, 0), error_code::invalid_txn_state);
  EXPECT_EQ(leo(0), 0);
  EXPECT_EQ(txns_->transactions().at("tx").state, txn::txn_state::empty);
}

TEST_F(produce_tv2, v12_adds_the_partition_and_starts_a_tv2_transaction) {
  EXPECT_EQ(produce(12, 0, epoch_, 0), error_code::none);
  EXPECT_EQ(leo(0), 2);
  const txn::txn_metadata& m = txns_->transactions().at("tx");
  EXPECT_EQ(m.state, txn::txn_state::ongoing);
  EXPECT_EQ(m.client_transaction_version, 2);
  EXPECT_TRUE(m.partitions.contains({"t", 0}));
  EXPECT_FALSE(m.partitions.contains({"t", 1}));
  // The next batch of the same partition adds nothing new and is appended.
  EXPECT_EQ(produce(12, 0, epoch_, 2), error_code::none);
  EXPECT_EQ(leo(0), 4);
}

TEST_F(produce_tv2, v12_with_a_stale_epoch_is_fenced_and_writes_nothing) {
  txns_->init_producer_id("tx", 60000, -1, -1, [](error_code, int64_t, int16_t) {});
  for (int i = 0; i < 3; ++i) shard_.run_io();
  EXPECT_EQ(produce(12, 1, epoch_, 0), error_code::producer_fenced);
  EXPECT_EQ(leo(1), 0);
  EXPECT_TRUE(txns_->transactions().at("tx").partitions.empty());
}

}  // namespace
}  // namespace sluice::broker
