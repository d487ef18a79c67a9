// The transactional producer against a scripted broker: init, partitions
// added before their first batch, commit and abort (EndTxn), offsets in a
// transaction, a failed batch making the transaction abortable (then an
// epoch bump), and fencing.

#include <gtest/gtest.h>

#include "client/producer.h"
#include "tests/client/producer_fake.h"

namespace sluice::client {
namespace {

using namespace test;
using protocol::api_key;
using protocol::error_code;
using namespace std::chrono_literals;

producer_record record(int32_t partition) {
  producer_record r;
  r.topic = "t";
  r.partition = partition;
  r.value = to_bytes("v");
  return r;
}

producer_config transactional() {
  producer_config pc;
  pc.transactional_id = "tx-1";
  pc.transaction_timeout = 7000ms;
  pc.retry_backoff = 5ms;
  return pc;
}

void with_cluster(asio::io_context& io, producer_fake& broker,
                  std::function<asio::awaitable<void>(cluster&)> body) {
  run(io, [&]() -> asio::awaitable<void> {
    cluster c(io.get_executor(), broker.config());
    auto booted = co_await c.bootstrap();
    EXPECT_TRUE(booted) << booted.error().message;
    co_await body(c);
    c.close();
  });
}

size_t position_of(const std::vector<api_key>& order, api_key k, size_t from = 0) {
  for (size_t i = from; i < order.size(); ++i)
    if (order[i] == k) return i;
  return order.size();
}

TEST(transactional_producer, commits_records_of_partitions_added_first) {
  asio::io_context io;
  producer_fake broker(io);
  with_cluster(io, broker, [&](cluster& c) -> asio::awaitable<void> {
    producer p(c, transactional());
    auto init = co_await p.init_transactions();
    EXPECT_TRUE(init) << init.error().message;
    EXPECT_TRUE(p.begin_transaction());
    EXPECT_TRUE(p.in_transaction());
    EXPECT_TRUE(p.send(record(0)));
    EXPECT_TRUE(p.send(record(1)));
    auto committed = co_await p.commit_transaction();
    EXPECT_TRUE(committed) << committed.error().message;
    EXPECT_FALSE(p.in_transaction());
  });
  ASSERT_EQ(broker.coordinator_key_types.size(), 1u);
  EXPECT_EQ(broker.coordinator_key_types[0], protocol::coordinator_key_type_transaction);
  ASSERT_EQ(broker.inits.size(), 1u);
  EXPECT_EQ(broker.inits[0].transactional_id, "tx-1");
  EXPECT_EQ(broker.inits[0].transaction_timeout_ms, 7000);
  // AddPartitionsToTxn (both partitions) before the first Produce, EndTxn after the last.
  const size_t add = position_of(broker.order, api_key::add_partitions_to_txn);
  const size_t produce = position_of(broker.order, api_key::produce);
  const size_t end = position_of(broker.order, api_key::end_txn);
  EXPECT_LT(add, produce);
  EXPECT_LT(produce, end);
  EXPECT_EQ(position_of(broker.order, api_key::produce, end), broker.order.size());
  ASSERT_EQ(broker.batches.size(), 2u);
  for (auto& b : broker.batches) {
    // Its partition was added by an AddPartitionsToTxn answered before it.
    bool added = false;
    for (size_t i = 0; i < b.adds_before; ++i) {
      EXPECT_EQ(broker.adds[i].v3_and_below_producer_id, 1001);
      for (auto& t : broker.adds[i].v3_and_below_topics)
        for (int32_t p : t.partitions) added |= t.name == b.topic && p == b.partition;
    }
    EXPECT_TRUE(added) << "partition " << b.partition << " sent before it was added";
    EXPECT_EQ(b.transactional_id, "tx-1");
    EXPECT_EQ(b.attributes & 0x10, 0x10) << "transactional batch";
    EXPECT_EQ(b.producer_id, 1001);
  }
  ASSERT_EQ(broker.ends.size(), 1u);
  EXPECT_TRUE(broker.ends[0].committed);
  EXPECT_EQ(broker.ends[0].transactional_id, "tx-1");
}

TEST(transactional_producer, refuses_records_outside_a_transaction) {
  asio::io_context io;
  producer_fake broker(io);
  with_cluster(io, broker, [&](cluster& c) -> asio::awaitable<void> {
    producer p(c, transactional());
    auto before = p.send(record(0));
    EXPECT_FALSE(before);
    if (!before) {
      EXPECT_EQ(before.error().code, error_code::invalid_txn_state);
    }
    EXPECT_TRUE(co_await p.init_transactions());
    auto not_begun = p.send(record(0));
    EXPECT_FALSE(not_begun);
    // A transaction without records ends without asking the coordinator.
    EXPECT_TRUE(p.begin_transaction());
    EXPECT_TRUE(co_await p.commit_transaction());
  });
  EXPECT_TRUE(broker.batches.empty());
  EXPECT_TRUE(broker.ends.empty());
}

TEST(transactional_producer, abort_sends_end_txn_abort) {
  asio::io_context io;
  producer_fake broker(io);
  with_cluster(io, broker, [&](cluster& c) -> asio::awaitable<void> {
    producer p(c, transactional());
    EXPECT_TRUE(co_await p.init_transactions());
    EXPECT_TRUE(p.begin_transaction());
    EXPECT_TRUE(p.send(record(0)));
    EXPECT_TRUE(co_await p.flush());
    auto aborted = co_await p.abort_transaction();
    EXPECT_TRUE(aborted) << aborted.error().message;
    // The next transaction goes on with the same epoch and the next sequence.
    EXPECT_TRUE(p.begin_transaction());
    EXPECT_TRUE(p.send(record(0)));
    EXPECT_TRUE(co_await p.commit_transaction());
  });
  ASSERT_EQ(broker.ends.size(), 2u);
  EXPECT_FALSE(broker.ends[0].committed);
  EXPECT_TRUE(broker.ends[1].committed);
  EXPECT_EQ(broker.inits.size(), 1u);
  ASSERT_EQ(broker.batches.size(), 2u);
  EXPECT_EQ(broker.batches[1].base_sequence, 1);
  EXPECT_EQ(broker.batches[1].producer_epoch, 0);
}

TEST(transactional_producer, a_failed_batch_fails_commit_and_abort_bumps_the_epoch) {
  asio::io_context io;
  producer_fake broker(io);
  broker.produce_error = [](int n, const produced_batch&) {
    return n == 1 ? error_code::invalid_record : error_code::none;
  };
  with_cluster(io, broker, [&](cluster& c) -> asio::awaitable<void> {
    producer p(c, transactional());
    EXPECT_TRUE(co_await p.init_transactions());
    EXPECT_TRUE(p.begin_transaction());
    EXPECT_TRUE(p.send(record(0)));
    auto committed = co_await p.commit_transaction();
    EXPECT_FALSE(committed);
    if (!committed) {
      EXPECT_EQ(committed.error().code, error_code::invalid_record);
    }
    auto refused = p.send(record(0));
    EXPECT_FALSE(refused) << "an abortable transaction takes no more records";
    auto aborted = co_await p.abort_transaction();
    EXPECT_TRUE(aborted) << aborted.error().message;
    EXPECT_EQ(p.producer_epoch(), 1);
    EXPECT_TRUE(p.begin_transaction());
    EXPECT_TRUE(p.send(record(0)));
    auto again = co_await p.commit_transaction();
    EXPECT_TRUE(again) << again.error().message;
  });
  ASSERT_EQ(broker.ends.size(), 2u);
  EXPECT_FALSE(broker.ends[0].committed);
  EXPECT_TRUE(broker.ends[1].committed);
  ASSERT_EQ(broker.inits.size(), 2u);
  EXPECT_EQ(broker.inits[1].transactional_id, "tx-1");
  EXPECT_EQ(broker.inits[1].producer_id, 1001);  // KIP-360: the id and epoch held
  EXPECT_EQ(broker.inits[1].producer_epoch, 0);
  ASSERT_EQ(broker.batches.size(), 2u);
  EXPECT_EQ(broker.batches[1].producer_epoch, 1);
  EXPECT_EQ(broker.batches[1].base_sequence, 0);
  EXPECT_EQ(broker.ends[1].producer_epoch, 1);
}

TEST(transactional_producer, offsets_join_the_transaction_through_the_group_coordinator) {
  asio::io_context io;
  producer_fake broker(io);
  with_cluster(io, broker, [&](cluster& c) -> asio::awaitable<void> {
    producer p(c, transactional());
    EXPECT_TRUE(co_await p.init_transactions());
    EXPECT_TRUE(p.begin_transaction());
    std::map<topic_partition, int64_t> offsets{{topic_partition{"in", 0}, 42},
                                               {topic_partition{"in", 1}, 7}};
    auto sent = co_await p.send_offsets_to_transaction(offsets, consumer_group_metadata("g"));
    EXPECT_TRUE(sent) << sent.error().message;
    EXPECT_TRUE(co_await p.commit_transaction());
  });
  ASSERT_EQ(broker.add_offsets.size(), 1u);
  EXPECT_EQ(broker.add_offsets[0].group_id, "g");
  ASSERT_EQ(broker.offset_commits.size(), 1u);
  auto& commit = broker.offset_commits[0];
  EXPECT_EQ(commit.group_id, "g");
  EXPECT_EQ(commit.transactional_id, "tx-1");
  ASSERT_EQ(commit.topics.size(), 1u);
  ASSERT_EQ(commit.topics[0].partitions.size(), 2u);
  EXPECT_EQ(commit.topics[0].partitions[0].committed_offset, 42);
  // AddOffsetsToTxn, then the group's FindCoordinator and TxnOffsetCommit, then EndTxn.
  const size_t add = position_of(broker.order, api_key::add_offsets_to_txn);
  const size_t txn_commit = position_of(broker.order, api_key::txn_offset_commit);
  EXPECT_LT(add, txn_commit);
  EXPECT_LT(txn_commit, position_of(broker.order, api_key::end_txn));
  EXPECT_EQ(broker.coordinator_key_types.back(), protocol::coordinator_key_type_group);
  ASSERT_EQ(broker.ends.size(), 1u);  // offsets only: still a transaction to end
  EXPECT_TRUE(broker.ends[0].committed);
}

TEST(transactional_producer, fencing_is_fatal) {
  asio::io_context io;
  producer_fake broker(io);
  broker.end_txn_error = [](int) { return error_code::producer_fenced; };
  with_cluster(io, broker, [&](cluster& c) -> asio::awaitable<void> {
    producer p(c, transactional());
    EXPECT_TRUE(co_await p.init_transactions());
    EXPECT_TRUE(p.begin_transaction());
    EXPECT_TRUE(p.send(record(0)));
    auto committed = co_await p.commit_transaction();
    EXPECT_FALSE(committed);
    auto begun = p.begin_transaction();
    EXPECT_FALSE(begun);
    if (!begun) {
      EXPECT_EQ(begun.error().code, error_code::producer_fenced);
    }
    auto aborted = co_await p.abort_transaction();
    EXPECT_FALSE(aborted);
  });
  EXPECT_EQ(broker.ends.size(), 1u);
}

}  // namespace
}  // namespace sluice::client
