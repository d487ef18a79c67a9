#include "client/producer.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "client/detail/producer_impl.h"
#include "protocol/messages/produce.h"

namespace sluice::client {
namespace asio = boost::asio;
using protocol::error_code;
namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

// --- producer (public API) ---------------------------------------------------

producer::producer(cluster& c, producer_config config)
    : impl_(std::make_shared<impl>(c, std::move(config))) {}

producer::~producer() { impl_->abandon(); }

const producer_config& producer::config() const noexcept { return impl_->config_; }

result<void> producer::send(producer_record record, delivery_callback on_delivery) {
  return impl_->send(std::move(record), std::move(on_delivery));
}

awaitable<result<void>> producer::produce(producer_record&& record, delivery_callback on_delivery) {
  auto keep = impl_;
  producer_record mine = std::move(record);  // before suspending: the caller's may be a temporary
  if (auto r = co_await keep->wait_for_space(); !r) co_return r;
  co_return keep->send(std::move(mine), std::move(on_delivery));
}

awaitable<result<void>> producer::produce(const producer_record& record,
                                          delivery_callback on_delivery) {
  auto keep = impl_;
  producer_record mine = record;
  if (auto r = co_await keep->wait_for_space(); !r) co_return r;
  co_return keep->send(std::move(mine), std::move(on_delivery));
}

awaitable<result<void>> producer::flush() {
  auto keep = impl_;
  co_return co_await keep->flush();
}

awaitable<result<void>> producer::close() {
  auto keep = impl_;
  auto r = co_await keep->flush();
  keep->closed_ = true;
  co_return r;
}

awaitable<result<void>> producer::init_transactions() {
  auto keep = impl_;
  co_return co_await keep->init_transactions();
}

result<void> producer::begin_transaction() { return impl_->begin_transaction(); }

awaitable<result<void>> producer::send_offsets_to_transaction(
    std::map<topic_partition, int64_t> offsets, consumer_group_metadata group) {
  auto keep = impl_;
  co_return co_await keep->send_offsets_to_transaction(std::move(offsets), std::move(group));
}

awaitable<result<void>> producer::commit_transaction() {
  auto keep = impl_;
  co_return co_await keep->commit_transaction();
}

awaitable<result<void>> producer::abort_transaction() {
  auto keep = impl_;
  co_return co_await keep->abort_transaction();
}

bool producer::in_transaction() const noexcept { return impl_->in_transaction(); }
int64_t producer::producer_id() const noexcept { return impl_->producer_id_; }
int16_t producer::producer_epoch() const noexcept { return impl_->producer_epoch_; }

size_t producer::buffered_bytes() const noexcept { return impl_->buffered_; }
uint64_t producer::records_acknowledged() const noexcept { return impl_->acknowledged_; }
uint64_t producer::records_failed() const noexcept { return impl_->failed_; }

// --- impl: accumulation -----------------------------------------------------

producer::impl::impl(cluster& c, producer_config config)
    : config_(std::move(config)),
      cluster_(c),
      partitioner_(config_.partitioner),
      wake_(c.executor()) {}

result<void> producer::impl::send(producer_record record, delivery_callback cb) {
  if (closed_) return make_error(error_code::invalid_request, "the producer is closed");
  if (auto refused = refuse_send()) return *refused;
  if (record.topic.empty()) return make_error(error_code::invalid_request, "record has no topic");
  if (!record.timestamp_ms) record.timestamp_ms = now_ms();
  const size_t size = record_encoded_size(record.key, record.value, record.headers, 0, 0);
  if (size + record_batch_header_bytes > config_.max_request_size)
    return make_error(error_code::message_too_large,
                      "record of " + std::to_string(size) + " bytes for topic '" + record.topic +
                          "' exceeds max_request_size " + std::to_string(config_.max_request_size));
  if (record.partition && *record.partition < 0)
    return make_error(error_code::invalid_request,
                      "negative partition for topic '" + record.topic + "'");
  buffered_ += size;
  if (record.partition) {
    append(record.topic, *record.partition, std::move(record), std::move(cb), size);
  } else {
    // Partitioned once the topic's partition count is known (the sender looks it up).
    auto it = cluster_.topics().find(record.topic);
    if (it != cluster_.topics().end() && it->second.error == error_code::none &&
        !it->second.partitions.empty() && !awaiting_metadata_.contains(record.topic)) {
      const auto n = static_cast<int32_t>(it->second.partitions.size());
      const int32_t p =
          record.key ? partition_for_key(*record.key, n) : partitioner_.unkeyed(record.topic, n);
      append(record.topic, p, std::move(record), std::move(cb), size);
    } else {
      std::string topic = record.topic;
      awaiting_metadata_[topic].push_back(
          {std::move(record), std::move(cb), size, 0, clock::now()});
      wake();
    }
  }
  ensure_sender();
  return {};
}

std::deque<producer::impl::batch>& producer::impl::queue_of(const std::string& topic,
                                                            int32_t partition) {
  if (last_queue_ == queues_.end() || last_queue_->first.partition != partition ||
      last_queue_->first.topic != topic) {
    last_queue_ = queues_.try_emplace(topic_partition{topic, partition}).first;
  }
  return last_queue_->second;
}

void producer::impl::forget_queue(const topic_partition& tp) {
  auto it = queues_.find(tp);
  if (it == queues_.end()) return;
  if (it == last_queue_) last_queue_ = queues_.end();
  queues_.erase(it);
}

void producer::impl::append(const std::string& topic, int32_t partition, producer_record&& record,
                            delivery_callback&& cb, size_t buffered) {
  auto& q = queue_of(topic, partition);
  batch_record r;
  r.timestamp = *record.timestamp_ms;
  r.key = std::move(record.key);
  r.value = std::move(record.value);
  r.headers = std::move(record.headers);
  const size_t size =
      record_encoded_size(r, 0, static_cast<int32_t>(q.empty() ? 0 : q.back().records.size()));
  if (q.empty() || q.back().closed || q.back().bytes + size > config_.batch_size) {
    if (!q.empty() && !q.back().closed) {
      q.back().closed = true;
      partitioner_.batch_completed(topic, partition);
    }
    batch b;
    b.tp = topic_partition{topic, partition};
    b.created = clock::now();
    q.push_back(std::move(b));
  }
  auto& b = q.back();
  b.records.push_back(std::move(r));
  b.callbacks.push_back(std::move(cb));
  b.bytes += size;
  b.buffered += buffered;
  if (b.bytes >= config_.batch_size) {
    b.closed = true;
    partitioner_.batch_completed(topic, partition);
    wake();
  } else if (b.records.size() == 1) {
    wake();  // a new batch: the sender must learn its linger deadline
  }
}

void producer::impl::wake() {
  woken_ = true;
  wake_.cancel();
}

void producer::impl::ensure_sender() {
  if (sender_running_) return;
  sender_running_ = true;
  asio::co_spawn(cluster_.executor(), sender_loop(shared_from_this()), asio::detached);
}

bool producer::impl::idle() const {
  if (!awaiting_metadata_.empty()) return false;
  for (auto& [tp, q] : queues_)
    if (!q.empty()) return false;
  for (auto& [node, n] : node_in_flight_)
    if (n > 0) return false;
  return true;
}

void producer::impl::notify(std::vector<std::shared_ptr<asio::steady_timer>>& waiters) {
  for (auto& w : waiters) w->cancel();
  waiters.clear();
}

void producer::impl::release(size_t bytes) {
  buffered_ -= std::min(buffered_, bytes);
  if (buffered_ <= config_.buffer_memory) notify(space_waiters_);
}

awaitable<result<void>> producer::impl::wait_for_space() {
  while (buffered_ > config_.buffer_memory && !closed_) {
    auto t = std::make_shared<asio::steady_timer>(cluster_.executor(), clock::time_point::max());
    space_waiters_.push_back(t);
    co_await t->async_wait(use_tuple);
  }
  co_return result<void>{};
}

awaitable<result<void>> producer::impl::flush() {
  ++flushing_;
  wake();
  while (!idle()) {
    ensure_sender();
    auto t = std::make_shared<asio::steady_timer>(cluster_.executor(), clock::time_point::max());
    flush_waiters_.push_back(t);
    co_await t->async_wait(use_tuple);
  }
  --flushing_;
  auto error = std::exchange(first_error_, std::nullopt);
  if (error) co_return *error;
  co_return result<void>{};
}

void producer::impl::complete(batch& b, const result<record_metadata>& outcome) {
  // One metadata value, adjusted per record: copying it (and its topic
  // string) for each callback was a measurable share of a small record.
  if (b.base_sequence >= 0) sequence_done(b, !outcome.has_value());
  // A record of a transaction that failed: the transaction cannot commit.
  if (!outcome && transactional() && txn_ == txn_state::in_transaction)
    set_abortable(outcome.error());
  result<record_metadata> each = outcome;
  for (size_t i = 0; i < b.records.size(); ++i) {
    if (outcome) {
      ++acknowledged_;
      if (!b.callbacks[i]) continue;
      if (outcome->offset >= 0) each->offset = outcome->offset + static_cast<int64_t>(i);
      if (outcome->timestamp < 0) each->timestamp = b.records[i].timestamp;
      b.callbacks[i](each);
    } else {
      ++failed_;
      if (!first_error_) first_error_ = outcome.error();
      if (b.callbacks[i]) b.callbacks[i](outcome);
    }
  }
  release(b.buffered);
}

void producer::impl::abandon() {
  closed_ = true;
  auto error = make_error(error_code::network_exception, "producer destroyed before delivery");
  for (auto& [topic, q] : awaiting_metadata_)
    for (auto& u : q) {
      ++failed_;
      release(u.buffered);
      if (u.cb) u.cb(error);
    }
  awaiting_metadata_.clear();
  for (auto& [tp, q] : queues_)
    for (auto& b : q) complete(b, error);
  queues_.clear();
  last_queue_ = queues_.end();
  wake();
}

}  // namespace sluice::client
