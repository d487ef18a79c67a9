// The producer's sender: routes records whose topic was unknown, picks the
// batches that are due, groups them per leader into Produce requests, and
// handles the answers (callbacks, retries). See detail/producer_impl.h.

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <limits>

#include "client/detail/producer_impl.h"
#include "protocol/messages/produce.h"

namespace sluice::client {
namespace asio = boost::asio;
using protocol::error_code;
namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

std::string where(const topic_partition& tp) {
  return "topic '" + tp.topic + "' partition " + std::to_string(tp.partition);
}

int64_t elapsed_ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               since)
      .count();
}

bool needs_metadata(error_code e) {
  return e == error_code::not_leader_or_follower || e == error_code::unknown_topic_or_partition ||
         e == error_code::leader_not_available || e == error_code::network_exception ||
         e == error_code::broker_not_available || e == error_code::request_timed_out;
}

}  // namespace

awaitable<void> producer::impl::route_unrouted() {
  auto pending = std::move(awaiting_metadata_);
  awaiting_metadata_.clear();
  for (auto& [topic, records] : pending) {
    auto found = co_await cluster_.topic(topic, config_.allow_auto_create_topics);
    result<int32_t> count = found ? result<int32_t>(static_cast<int32_t>(found->partitions.size()))
                                  : result<int32_t>(found.error());
    if (count && *count == 0)
      count = make_error(error_code::leader_not_available,
                         "topic '" + topic + "' has no partitions yet");
    if (!count) {
      const auto now = clock::now();
      for (auto& u : records) {
        const bool in_time = now - u.created < config_.delivery_timeout;
        if (count.error().retriable() && u.attempts < config_.retries && in_time && !closed_) {
          ++u.attempts;
          awaiting_metadata_[topic].push_back(std::move(u));
          continue;
        }
        auto error = count.error();
        if (count.error().retriable())
          error = make_error(error.code, "topic '" + topic + "': record not delivered after " +
                                             std::to_string(u.attempts + 1) + " attempts in " +
                                             std::to_string(elapsed_ms(u.created)) +
                                             " ms (delivery_timeout " +
                                             std::to_string(config_.delivery_timeout.count()) +
                                             " ms): " + error.message);
        ++failed_;
        if (!first_error_) first_error_ = error;
        release(u.buffered);
        if (u.cb) u.cb(error);
      }
      continue;
    }
    for (auto& u : records) {
      const int32_t p = u.record.key ? partition_for_key(*u.record.key, *count)
                                     : partitioner_.unkeyed(topic, *count);
      append(topic, p, std::move(u.record), std::move(u.cb), u.buffered);
    }
  }
}

awaitable<void> producer::impl::sender_loop(std::shared_ptr<impl> self) {
  while (true) {
    woken_ = false;
    if (!refresh_topics_.empty()) {
      std::vector<std::string> topics(refresh_topics_.begin(), refresh_topics_.end());
      refresh_topics_.clear();
      (void)co_await cluster_.refresh_metadata(std::move(topics));
    }
    if (!awaiting_metadata_.empty()) {
      co_await route_unrouted();
      if (!awaiting_metadata_.empty()) {  // retriable lookup failure: back off
        int attempts = 0;
        for (auto& [topic, q] : awaiting_metadata_)
          if (!q.empty()) attempts = std::max(attempts, q.front().attempts);
        asio::steady_timer pause(
            cluster_.executor(),
            retry_backoff_for(attempts, config_.retry_backoff, config_.retry_backoff_max));
        co_await pause.async_wait(use_tuple);
        continue;
      }
    }
    // A fatal error (or, in a transaction, an abortable one) fails what is
    // queued; the producer id and the transaction's partitions come before
    // any batch goes out.
    if (fatal_ || abortable_) fail_queued(fatal_ ? *fatal_ : *abortable_);
    // (Two statements: GCC 12 mishandles co_await inside || and ?:.)
    bool may_send = co_await ensure_producer_id();
    if (may_send) may_send = co_await add_queued_partitions();
    if (!may_send) {
      if (fatal_ || abortable_) fail_queued(fatal_ ? *fatal_ : *abortable_);
      const auto at = clock::now();
      for (auto& [tp, q] : queues_) expire(tp, at);
      if (idle()) {
        notify(flush_waiters_);
        break;
      }
      asio::steady_timer pause(cluster_.executor(), config_.retry_backoff);
      co_await pause.async_wait(use_tuple);
      continue;
    }
    // Due batches, grouped by leader.
    const auto now = clock::now();
    // Idempotent: up to max_in_flight per partition, kept in order by
    // sequence numbers. Otherwise one, unless retries cannot reorder.
    const int per_partition = idempotent()          ? std::min(config_.max_in_flight, 5)
                              : config_.retries > 0 ? 1
                                                    : config_.max_in_flight;
    std::map<int32_t, std::vector<batch>> due;
    // When to look again if nothing wakes us: the earliest linger or back-off
    // deadline of a batch not yet ready. Batches blocked by in-flight limits
    // wait for an answer, which wakes the sender.
    auto deadline = clock::time_point::max();
    std::vector<topic_partition> partitions;
    for (auto& [tp, q] : queues_) partitions.push_back(tp);
    for (auto& tp : partitions) {
      expire(tp, now);
      while (true) {
        // Looked up afresh each time: the map may change while leader_for waits.
        auto& q = queues_[tp];
        if (q.empty() || partition_in_flight_[tp] >= per_partition) break;
        auto& b = q.front();
        if (idempotent()) {
          // A new id/epoch is due: nothing goes out until it is in place.
          if (bump_needed_) break;
          // A retry goes alone: after every earlier answer, before anything newer.
          if (b.base_sequence >= 0 && partition_in_flight_[tp] > 0) break;
          // Transactional: the partition must be in the transaction first.
          if (transactional() && !txn_partitions_.contains(tp)) break;
        }
        const auto ready_at = b.attempts > 0 ? b.retry_at
                              : (b.closed || q.size() > 1 || flushing_ > 0)
                                  ? now
                                  : b.created + config_.linger;
        if (ready_at > now) {
          deadline = std::min(deadline, ready_at);
          break;
        }
        auto leader = co_await cluster_.leader_for(tp);
        auto& q2 = queues_[tp];  // (the map may have grown while waiting)
        if (q2.empty()) break;
        if (!leader) {
          batch failed = std::move(q2.front());
          q2.pop_front();
          ++failed.attempts;
          batch_failed(std::move(failed), leader.error());
          continue;
        }
        if (node_in_flight_[*leader] >= config_.max_in_flight) break;
        batch b2 = std::move(q2.front());
        q2.pop_front();
        b2.closed = true;
        if (idempotent()) assign_sequence(b2);
        partitioner_.batch_completed(tp.topic, tp.partition);
        ++partition_in_flight_[tp];
        due[*leader].push_back(std::move(b2));
        break;  // one batch per partition per request; the next pass takes more
      }
      if (queues_[tp].empty()) forget_queue(tp);
    }
    if (!due.empty()) woken_ = true;  // look again: more may be due
    for (auto& [node, batches] : due) {
      ++node_in_flight_[node];
      asio::co_spawn(cluster_.executor(), send_to(self, node, std::move(batches)), asio::detached);
    }
    if (idle()) {
      notify(flush_waiters_);
      break;
    }
    if (woken_) continue;
    // In-flight answers and send() wake us; otherwise sleep until a linger
    // or back-off deadline.
    wake_.expires_at(deadline);
    co_await wake_.async_wait(use_tuple);
  }
  sender_running_ = false;
  // A send() may have raced with the exit.
  if (!idle()) ensure_sender();
}

awaitable<void> producer::impl::send_to(std::shared_ptr<impl> self, int32_t node,
                                        std::vector<batch> batches) {
  // The batches (their encoded bytes) outlive the request, which borrows them.
  std::vector<batch> sendable;
  protocol::produce_request request;
  request.acks = config_.acks;
  request.timeout_ms = static_cast<int32_t>(config_.request_timeout.count());
  std::sort(batches.begin(), batches.end(), [](auto& a, auto& b) { return a.tp < b.tp; });
  if (transactional()) request.transactional_id = config_.transactional_id;
  for (auto& b : batches) {
    // Encoded once: a retry resends the same bytes (same sequence, same CRC).
    if (b.encoded.empty()) {
      batch_options options;
      options.compression = config_.compression;
      options.producer_id = b.producer_id;
      options.producer_epoch = b.producer_epoch;
      options.base_sequence = b.base_sequence;
      options.transactional = transactional();
      auto bytes = encode_batch(b.records, options);
      if (!bytes) {
        --partition_in_flight_[b.tp];
        complete(b, bytes.error());
        continue;
      }
      b.encoded = std::move(*bytes);
    }
    sendable.push_back(std::move(b));
  }
  for (auto& b : sendable) {
    const auto& tp = b.tp;
    if (request.topic_data.empty() || request.topic_data.back().name != tp.topic)
      request.topic_data.push_back({tp.topic, {}});
    request.topic_data.back().partition_data.push_back(
        {tp.partition, protocol::record_set::of(b.encoded)});
  }

  std::optional<client_error> whole_failure;
  std::optional<protocol::produce_response> response;
  if (!sendable.empty()) {
    auto conn = co_await cluster_.connection_for(node);
    if (!conn) {
      whole_failure = conn.error();
    } else if (config_.acks == 0) {
      if (auto r = co_await (*conn)->send_only(request); !r) whole_failure = r.error();
    } else {
      // Produce v12 means "add the partition to the transaction" to a TV2
      // broker: a TV1 transactional producer stays at v11 (Kafka's rule).
      const int16_t cap =
          transactional() && !txn_v2_ ? int16_t{11} : std::numeric_limits<int16_t>::max();
      auto r = co_await (*conn)->call_framed(request, cap);
      if (!r)
        whole_failure = r.error();
      else
        response = std::move(r->body);
    }
  }

  for (auto& b : sendable) {
    --partition_in_flight_[b.tp];
    ++b.attempts;
    if (whole_failure) {
      batch_failed(std::move(b), *whole_failure);
      continue;
    }
    if (config_.acks == 0) {
      complete(b, record_metadata{b.tp.topic, b.tp.partition, -1, -1});
      continue;
    }
    const protocol::produce_response::partition_produce_response* answer = nullptr;
    for (auto& t : response->responses)
      if (t.name == b.tp.topic)
        for (auto& p : t.partition_responses)
          if (p.index == b.tp.partition) answer = &p;
    if (!answer) {
      batch_failed(std::move(b), make_error(error_code::unknown_server_error,
                                            "Produce answer lacks " + where(b.tp)));
      continue;
    }
    // DUPLICATE_SEQUENCE_NUMBER: the broker already has this batch (a retry
    // of one whose answer was lost); its offsets are the original ones.
    if (answer->error_code != error_code::none &&
        !(b.base_sequence >= 0 && answer->error_code == error_code::duplicate_sequence_number)) {
      batch_failed(std::move(b), make_error(answer->error_code, where(b.tp)));
      continue;
    }
    complete(b, record_metadata{b.tp.topic, b.tp.partition, answer->base_offset,
                                answer->log_append_time_ms});
  }
  --node_in_flight_[node];
  wake();
  ensure_sender();
  (void)self;
}

void producer::impl::expire(const topic_partition& tp, clock::time_point now) {
  auto it = queues_.find(tp);
  if (it == queues_.end()) return;
  auto& q = it->second;
  while (!q.empty() && now - q.front().created >= config_.delivery_timeout) {
    batch b = std::move(q.front());
    q.pop_front();
    complete(b, make_error(error_code::request_timed_out,
                           where(tp) + ": " + std::to_string(b.records.size()) +
                               " records not delivered within delivery_timeout " +
                               std::to_string(config_.delivery_timeout.count()) + " ms (" +
                               std::to_string(b.attempts) + " attempts" +
                               (b.last_error.empty() ? "" : "; last: " + b.last_error) + ")"));
  }
}

void producer::impl::batch_failed(batch&& b, const client_error& error) {
  const bool expired = clock::now() - b.created >= config_.delivery_timeout;
  bool retry = error.retriable() && b.attempts <= config_.retries && !closed_ && !expired;
  const bool current =
      b.base_sequence >= 0 && b.producer_id == producer_id_ && b.producer_epoch == producer_epoch_;
  if (current && !fatal_) {
    const auto& unacked = sequences_[b.tp].unacked;
    const bool first = !unacked.empty() && unacked.front() == b.base_sequence;
    switch (error.code) {
      case error_code::out_of_order_sequence_number:
      case error_code::unknown_producer_id:
        if (!first) {
          // An earlier batch of the partition failed and is being resent: the
          // broker refused this one only because of that. Resent after it,
          // not counted as an attempt.
          --b.attempts;
          retry = !closed_ && !expired;
        } else if (!transactional()) {
          // The broker lost this producer's sequence (its state expired or
          // was deleted with the log's head), or it has a real gap: a new
          // epoch with sequences from 0, then the batch again (KIP-360).
          bump_needed_ = true;
          retry = !closed_ && !expired;
        }
        break;
      case error_code::invalid_producer_epoch:
      case error_code::producer_fenced:
        set_fatal(error);
        retry = false;
        break;
      default:
        break;
    }
  }
  if (retry) {
    b.last_error = error.message;
    if (needs_metadata(error.code)) refresh_topics_.insert(b.tp.topic);
    b.retry_at = clock::now() + retry_backoff_for(std::max(b.attempts, 1), config_.retry_backoff,
                                                  config_.retry_backoff_max);
    if (b.base_sequence >= 0) {
      requeue(std::move(b));  // among the partition's other resends, by sequence
    } else {
      // Back at the front: it is older than anything queued behind it.
      queues_[b.tp].push_front(std::move(b));
    }
    return;
  }
  if (error.retriable()) {
    // Given up on a retriable error: say what was not delivered and for how long it was tried.
    complete(
        b, make_error(error.code, where(b.tp) + ": " + std::to_string(b.records.size()) +
                                      " records not delivered after " + std::to_string(b.attempts) +
                                      " attempts in " + std::to_string(elapsed_ms(b.created)) +
                                      " ms (delivery_timeout " +
                                      std::to_string(config_.delivery_timeout.count()) +
                                      " ms): " + error.message));
    return;
  }
  complete(b, error);
}

}  // namespace sluice::client
