#pragma once
// The producer's state and sender loop (see producer.h for the behaviour).
// Internal: included by producer*.cc only.
//
// Records flow: send() -> awaiting_metadata_ (topic's partition count not yet
// known) -> queues_[partition] (batches, the last one open) -> a Produce
// request in flight -> callbacks. A sender coroutine runs while anything is
// queued or in flight; send(), answers and timers wake it. Background
// coroutines hold a shared_ptr to the impl, so it lives until they finish.
//
// Idempotence and transactions (producer_txn.cc): the producer id and epoch,
// each partition's next sequence and its unacknowledged sequences (sent or
// waiting to be resent, in order), and the transaction's state.

#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include "client/producer.h"
#include "client/record_batch.h"

namespace sluice::client {

class producer::impl : public std::enable_shared_from_this<impl> {
 public:
  using clock = std::chrono::steady_clock;

  impl(cluster& c, producer_config config);

  result<void> send(producer_record record, delivery_callback cb);
  awaitable<result<void>> wait_for_space();
  awaitable<result<void>> flush();
  void abandon();

  // producer_txn.cc
  awaitable<result<void>> init_transactions();
  result<void> begin_transaction();
  awaitable<result<void>> send_offsets_to_transaction(std::map<topic_partition, int64_t> offsets,
                                                      consumer_group_metadata group);
  awaitable<result<void>> commit_transaction();
  awaitable<result<void>> abort_transaction();
  bool in_transaction() const noexcept;

  producer_config config_;
  int64_t producer_id_ = -1;
  int16_t producer_epoch_ = -1;
  size_t buffered_ = 0;
  uint64_t acknowledged_ = 0;
  uint64_t failed_ = 0;
  bool closed_ = false;

 private:
  struct batch {
    topic_partition tp;
    std::vector<batch_record> records;
    std::vector<delivery_callback> callbacks;
    size_t bytes = record_batch_header_bytes;  // encoded size, for batch_size
    size_t buffered = 0;                       // what its records added to buffered_
    clock::time_point created;
    clock::time_point retry_at{};
    int attempts = 0;
    std::string last_error;  // why the last attempt failed (for the final error)
    bool closed = false;     // no more appends (full, or being sent)
    // Idempotence: set when the batch is first sent and kept for its retries
    // (the same bytes, so the broker can tell a retry from a new batch).
    std::vector<std::byte> encoded;
    int32_t base_sequence = -1;  // -1: none assigned yet
    int64_t producer_id = -1;
    int16_t producer_epoch = -1;
  };
  // Per partition sequence numbers of the current producer id and epoch.
  struct sequence_state {
    int32_t next = 0;             // base sequence of the next new batch
    std::deque<int32_t> unacked;  // base sequences sent, not yet acknowledged or failed, in order
  };
  enum class idempotence : int8_t { undecided, off, on };
  enum class txn_state : int8_t {
    uninitialized,    // transactional: init_transactions() not yet done
    ready,            // no transaction open
    in_transaction,   // begin_transaction() called
    abortable_error,  // a transaction failed: only abort_transaction() goes on
    fatal_error,      // fenced or broken: every call fails with fatal_
  };
  struct unrouted {
    producer_record record;
    delivery_callback cb;
    size_t buffered = 0;
    int attempts = 0;
    clock::time_point created{};  // send(): delivery_timeout counts from here
  };

  // `buffered`: the bytes send() added to buffered_ for this record.
  void append(const std::string& topic, int32_t partition, producer_record&& record,
              delivery_callback&& cb, size_t buffered);
  // The queue of (topic, partition), created if needed. The last one found
  // is remembered: consecutive records mostly go to one partition (sticky
  // partitioning), and the map lookup with its string compares and key copy
  // was a visible share of a small record's cost.
  std::deque<batch>& queue_of(const std::string& topic, int32_t partition);
  void forget_queue(const topic_partition& tp);
  void wake();
  void ensure_sender();
  awaitable<void> sender_loop(std::shared_ptr<impl> self);
  awaitable<void> route_unrouted();
  awaitable<void> send_to(std::shared_ptr<impl> self, int32_t node, std::vector<batch> batches);
  // Fails the partition's queued batches older than delivery_timeout.
  void expire(const topic_partition& tp, clock::time_point now);
  // Retries or fails a batch after `error`.
  void batch_failed(batch&& b, const client_error& error);
  void complete(batch& b, const result<record_metadata>& outcome_for_all);
  void release(size_t bytes);
  bool idle() const;
  void notify(std::vector<std::shared_ptr<boost::asio::steady_timer>>& waiters);

  // --- idempotence (producer_txn.cc) ---
  bool idempotent() const noexcept { return idempotence_ == idempotence::on; }
  bool transactional() const noexcept { return config_.transactional_id.has_value(); }
  // Before a sender pass: decides idempotence, gets the producer id, re-inits
  // it when a bump is due and nothing is in flight. False: not yet (back off).
  awaitable<bool> ensure_producer_id();
  // Transactional: adds the queued partitions not yet in the transaction.
  // False: some could not be added yet (back off).
  awaitable<bool> add_queued_partitions();
  // Gives a batch taken for sending its sequence (first send only).
  void assign_sequence(batch& b);
  // A batch with a sequence left the unacknowledged set: acknowledged, or
  // failed for good (then the sequence has a gap: bump / abortable).
  void sequence_done(const batch& b, bool failed);
  // Puts a batch to retry back in its partition's queue in sequence order.
  void requeue(batch&& b);
  // Starts over with a new producer id/epoch: sequences from 0, queued
  // batches re-encoded when next sent.
  void reset_sequences();
  // Makes the producer unusable: queued batches and later sends fail.
  void set_fatal(client_error e);
  void set_abortable(client_error e);
  // Fails every queued (not in flight) batch with `e`.
  void fail_queued(const client_error& e);
  // InitProducerId (with the current id and epoch where the version has
  // them); retried within the request timeout.
  awaitable<result<void>> init_producer_id(bool bump);
  awaitable<result<std::shared_ptr<connection>>> txn_coordinator(bool refresh);
  // Whether the coordinator's broker offers transactions V2 (above).
  awaitable<bool> offers_txn_v2();
  // EndTxn (commit or abort) of the open transaction; under TV2 takes the
  // producer id and epoch of the answer.
  awaitable<result<void>> end_txn(bool commit);
  size_t requests_in_flight() const;
  // producer_txn.cc: sends `request` to the transaction coordinator until the
  // answer is not "ask again" (coordinator moved or loading, a transaction
  // still completing, a lost connection), within the request timeout.
  // error_of(response) names the answer's error (none for success).
  template <class Request, class ErrorOf>
  awaitable<result<response_of_t<Request>>> call_txn_coordinator(const Request& request,
                                                                 ErrorOf error_of,
                                                                 int16_t version_cap);
  // Fatal errors make the producer unusable; others only abort a transaction.
  void txn_failed(const client_error& e);
  // Why send() must refuse a record now, if it must.
  std::optional<client_error> refuse_send() const;

  cluster& cluster_;
  partitioner partitioner_;
  std::map<std::string, std::deque<unrouted>> awaiting_metadata_;
  std::map<topic_partition, std::deque<batch>> queues_;
  std::map<topic_partition, std::deque<batch>>::iterator last_queue_ = queues_.end();
  std::map<topic_partition, int> partition_in_flight_;
  std::map<int32_t, int> node_in_flight_;
  std::set<std::string> refresh_topics_;
  boost::asio::steady_timer wake_;
  bool woken_ = false;
  bool sender_running_ = false;
  int flushing_ = 0;  // flush() calls waiting: send everything now
  std::optional<client_error> first_error_;
  std::vector<std::shared_ptr<boost::asio::steady_timer>> flush_waiters_;
  std::vector<std::shared_ptr<boost::asio::steady_timer>> space_waiters_;

  idempotence idempotence_ = idempotence::undecided;
  bool bump_needed_ = false;  // a new epoch before the next new batch
  std::optional<client_error> fatal_;
  std::map<topic_partition, sequence_state> sequences_;
  txn_state txn_ = txn_state::uninitialized;
  std::optional<client_error> abortable_;
  std::set<topic_partition> txn_partitions_;  // added to the open transaction
  bool txn_offsets_ = false;                  // AddOffsetsToTxn done in the open transaction
  // Transactions V2 (KIP-890 part 2), decided at init_transactions(): the
  // broker finalizes transaction.version >= 2 and serves EndTxn v5, Produce
  // v12 and TxnOffsetCommit v5. Then Produce and TxnOffsetCommit add to the
  // transaction themselves and every EndTxn hands back the next epoch.
  bool txn_v2_ = false;
  std::shared_ptr<connection> txn_coordinator_;
};

}  // namespace sluice::client
