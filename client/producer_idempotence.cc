// The idempotent producer's bookkeeping: deciding whether idempotence is on,
// the producer id and epoch (InitProducerId), per partition sequence numbers
// and the order of resends. See producer.h for the behaviour and
// detail/producer_impl.h for the state. Runs on the cluster's executor.

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <limits>

#include "client/detail/producer_impl.h"
#include "protocol/messages/init_producer_id.h"

namespace sluice::client {
namespace asio = boost::asio;
using protocol::api_key;
using protocol::error_code;

namespace {

// Sequence numbers wrap from INT32_MAX to 0, as Kafka's do.
int32_t add_sequence(int32_t seq, size_t count) {
  constexpr int64_t span = int64_t{std::numeric_limits<int32_t>::max()} + 1;
  return static_cast<int32_t>((int64_t{seq} + static_cast<int64_t>(count)) % span);
}

}  // namespace

size_t producer::impl::requests_in_flight() const {
  size_t n = 0;
  for (auto& [node, count] : node_in_flight_) n += static_cast<size_t>(std::max(count, 0));
  return n;
}

std::optional<client_error> producer::impl::refuse_send() const {
  if (fatal_) return *fatal_;
  if (!transactional()) return std::nullopt;
  switch (txn_) {
    case txn_state::uninitialized:
      return make_error(error_code::invalid_txn_state,
                        "transactional producer: call init_transactions() first");
    case txn_state::ready:
      return make_error(error_code::invalid_txn_state,
                        "no transaction open: call begin_transaction() first");
    case txn_state::abortable_error:
      return *abortable_;  // the transaction must be aborted
    case txn_state::in_transaction:
    case txn_state::fatal_error:
      break;
  }
  return std::nullopt;
}

void producer::impl::set_fatal(client_error e) {
  if (!fatal_) fatal_ = std::move(e);
  if (transactional()) txn_ = txn_state::fatal_error;
  wake();
}

void producer::impl::set_abortable(client_error e) {
  if (txn_ != txn_state::in_transaction) return;
  abortable_ = std::move(e);
  txn_ = txn_state::abortable_error;
  wake();
}

void producer::impl::fail_queued(const client_error& e) {
  auto queues = std::move(queues_);
  queues_.clear();
  last_queue_ = queues_.end();
  auto unrouted = std::move(awaiting_metadata_);
  awaiting_metadata_.clear();
  for (auto& [topic, records] : unrouted)
    for (auto& u : records) {
      ++failed_;
      if (!first_error_) first_error_ = e;
      release(u.buffered);
      if (u.cb) u.cb(e);
    }
  for (auto& [tp, q] : queues)
    for (auto& b : q) complete(b, e);
}

void producer::impl::assign_sequence(batch& b) {
  if (b.base_sequence >= 0) return;  // a resend keeps its sequence and bytes
  auto& s = sequences_[b.tp];
  b.producer_id = producer_id_;
  b.producer_epoch = producer_epoch_;
  b.base_sequence = s.next;
  b.encoded.clear();
  s.next = add_sequence(s.next, b.records.size());
  s.unacked.push_back(b.base_sequence);
}

void producer::impl::sequence_done(const batch& b, bool failed) {
  // A batch of an earlier id or epoch: its sequences were already dropped.
  if (b.producer_id != producer_id_ || b.producer_epoch != producer_epoch_) return;
  auto it = sequences_.find(b.tp);
  if (it == sequences_.end()) return;
  auto& unacked = it->second.unacked;
  unacked.erase(std::remove(unacked.begin(), unacked.end(), b.base_sequence), unacked.end());
  // A failed batch leaves a gap: later sequences of the partition would be
  // refused as out of order. A new epoch starts them again from 0 (for a
  // transaction, when it is aborted).
  if (failed) bump_needed_ = true;
}

void producer::impl::requeue(batch&& b) {
  auto& q = queues_[b.tp];
  const auto& unacked = sequences_[b.tp].unacked;
  auto rank = [&](int32_t seq) {
    return std::find(unacked.begin(), unacked.end(), seq) - unacked.begin();
  };
  const bool current = b.producer_id == producer_id_ && b.producer_epoch == producer_epoch_;
  if (!current) {
    q.push_front(std::move(b));
    return;
  }
  // Behind the resends with earlier sequences, before everything else.
  const auto mine = rank(b.base_sequence);
  auto at = q.begin();
  while (at != q.end() && at->base_sequence >= 0 && rank(at->base_sequence) < mine) ++at;
  q.insert(at, std::move(b));
}

void producer::impl::reset_sequences() {
  sequences_.clear();
  for (auto& [tp, q] : queues_)
    for (auto& b : q) {
      b.base_sequence = -1;
      b.producer_id = -1;
      b.producer_epoch = -1;
      b.encoded.clear();
    }
  bump_needed_ = false;
}

awaitable<result<void>> producer::impl::init_producer_id(bool bump) {
  protocol::init_producer_id_request request;
  request.transactional_id = config_.transactional_id;
  request.transaction_timeout_ms = static_cast<int32_t>(config_.transaction_timeout.count());
  if (bump) {
    // KIP-360 (v3+): the id and epoch held, so the coordinator bumps this
    // producer's epoch instead of fencing it as a stranger.
    request.producer_id = producer_id_;
    request.producer_epoch = producer_epoch_;
  }
  // (No co_await inside ?: : GCC 12 mishandles its temporaries.)
  std::shared_ptr<connection> conn;
  if (transactional()) {
    auto found = co_await txn_coordinator(false);
    if (!found) co_return std::move(found).error();
    conn = std::move(*found);
  } else {
    auto any = co_await cluster_.any_connection();
    if (!any) co_return std::move(any).error();
    conn = std::move(*any);
  }
  auto response = co_await conn->call(request);
  if (!response) co_return std::move(response).error();
  if (response->error_code != error_code::none) {
    if (transactional() && (response->error_code == error_code::not_coordinator ||
                            response->error_code == error_code::coordinator_not_available))
      txn_coordinator_.reset();
    co_return make_error(
        response->error_code,
        "InitProducerId" + (config_.transactional_id
                                ? " for transactional id '" + *config_.transactional_id + "'"
                                : std::string()));
  }
  int64_t id = response->producer_id;
  int16_t epoch = response->producer_epoch;
  if (bump && id == producer_id_ && epoch <= producer_epoch_) {
    // A broker that hands an idempotent producer its id back unchanged: bump
    // the epoch here, as Kafka's Java client does for idempotent producers
    // (the broker accepts a higher epoch that starts at sequence 0).
    if (producer_epoch_ == std::numeric_limits<int16_t>::max())
      co_return make_error(error_code::invalid_producer_epoch,
                           "producer epoch exhausted for producer id " + std::to_string(id));
    epoch = static_cast<int16_t>(producer_epoch_ + 1);
  }
  producer_id_ = id;
  producer_epoch_ = epoch;
  reset_sequences();
  co_return result<void>{};
}

awaitable<bool> producer::impl::ensure_producer_id() {
  if (fatal_) co_return false;
  if (transactional()) co_return true;  // init_transactions() got the id; aborts bump it
  if (idempotence_ == idempotence::undecided) {
    if (config_.enable_idempotence == false) {
      idempotence_ = idempotence::off;
      co_return true;
    }
    const bool asked = config_.enable_idempotence.has_value();
    std::string conflict;
    if (config_.acks != -1)
      conflict = "acks must be all (-1)";
    else if (config_.max_in_flight > 5)
      conflict = "max_in_flight must be at most 5";
    else if (config_.retries <= 0)
      conflict = "retries must be > 0";
    if (!conflict.empty()) {
      if (!asked) {
        // Left to its default, idempotence gives way (Kafka's Java client too).
        idempotence_ = idempotence::off;
        co_return true;
      }
      set_fatal(make_error(error_code::invalid_config, "enable.idempotence: " + conflict));
      co_return false;
    }
    auto conn = co_await cluster_.any_connection();
    if (!conn) co_return false;
    if (auto v = (*conn)->version_for(api_key::init_producer_id); !v) {
      if (!asked) {
        idempotence_ = idempotence::off;
        co_return true;
      }
      set_fatal(make_error(error_code::unsupported_version,
                           "enable.idempotence: the broker does not serve InitProducerId"));
      co_return false;
    }
    idempotence_ = idempotence::on;
  }
  if (!idempotent()) co_return true;
  if (producer_id_ >= 0 && !bump_needed_) co_return true;
  // A bump waits until no request is in flight (the sender sends nothing new
  // meanwhile): answers to the old epoch must all be in.
  if (producer_id_ >= 0 && requests_in_flight() > 0) co_return true;
  auto r = co_await init_producer_id(producer_id_ >= 0);
  if (!r) {
    if (!r.error().retriable()) set_fatal(r.error());
    co_return false;
  }
  co_return true;
}

}  // namespace sluice::client
