#pragma once
// The producer's state and sender loop (see producer.h for the behaviour).
// Internal: included by producer*.cc only.
//
// Records flow: send() -> awaiting_metadata_ (topic's partition count not yet
// known) -> queues_[partition] (batches, the last one open) -> a Produce
// request in flight -> callbacks. A sender coroutine runs while anything is
// queued or in flight; send(), answers and timers wake it. Background
// coroutines hold a shared_ptr to the impl, so it lives until they finish.

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

  producer_config config_;
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
    bool closed = false;  // no more appends (full, or being sent)
  };
  struct unrouted {
    producer_record record;
    delivery_callback cb;
    size_t buffered = 0;
    int attempts = 0;
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
};

}  // namespace sluice::client
