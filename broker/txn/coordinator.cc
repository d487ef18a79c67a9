// The transaction coordinator's request paths: InitProducerId, adding
// partitions and groups, EndTxn and the checks other handlers use. Ending
// transactions, recovery and timeouts are in completion.cc.
#include "broker/txn/coordinator.h"

#include <spdlog/spdlog.h>

#include "broker/config.h"
#include "broker/internal_topics.h"
#include "log/errors.h"

namespace sluice::broker::txn {
namespace {

using protocol::error_code;

// Kafka's producer epochs stop one short of INT16_MAX; a producer reaching it
// gets a fresh producer id at epoch 0.
constexpr int16_t max_epoch = INT16_MAX - 1;

bool is_prepare(txn_state s) {
  return s == txn_state::prepare_commit || s == txn_state::prepare_abort ||
         s == txn_state::prepare_epoch_fence;
}

}  // namespace

txn_settings settings_from(const broker_config& cfg) {
  txn_settings s;
  s.max_timeout_ms = cfg.transaction_max_timeout_ms;
  s.abort_check_interval_ms = cfg.transaction_abort_check_interval_ms;
  s.id_expiration_ms = cfg.transactional_id_expiration_ms;
  return s;
}

coordinator::coordinator(shard_services& shard, txn_settings settings)
    : shard_(shard), settings_(settings), log_(shard, std::string(transaction_state_topic)) {}

coordinator::~coordinator() { close(); }

void coordinator::close() {
  closed_ = true;
  check_timer_.reset();
  retry_timers_.clear();
  log_.close();
}

void coordinator::apply(const txn_record& r) {
  if (r.type == txn_record::kind::producer_ids) {
    reserved_end_ = std::max(reserved_end_, r.producer_id_end);
    return;
  }
  auto it = txns_.find(r.transactional_id);
  if (it != txns_.end()) by_producer_.erase(it->second.producer_id);
  if (!r.metadata) {
    if (it != txns_.end()) txns_.erase(it);
    return;
  }
  txns_[r.transactional_id] = *r.metadata;
  by_producer_[r.metadata->producer_id] = r.transactional_id;
}

void coordinator::write(txn_metadata m, std::function<void(std::error_code)> done) {
  if (closed_) return done(log::errc::not_found);
  txn_record r;
  r.transactional_id = m.transactional_id;
  m.last_update_ms = shard_.clock().wall_clock_ms();
  r.metadata = std::move(m);
  log_.append({encode_txn_record(r, shard_.clock().wall_clock_ms())},
              [this, r, done](std::error_code ec) {
                if (!ec) apply(r);
                done(ec);
                if (!ec) maybe_compact();
              });
}

void coordinator::maybe_compact() {
  log_.maybe_compact(txns_.size() + 1, settings_.compact_min_records, [this] {
    std::vector<batch_record> records;
    const int64_t now = shard_.clock().wall_clock_ms();
    txn_record ids;
    ids.type = txn_record::kind::producer_ids;
    ids.producer_id_end = reserved_end_;
    records.push_back(encode_txn_record(ids, now));
    for (const auto& [id, m] : txns_) {
      txn_record r;
      r.transactional_id = id;
      r.metadata = m;
      records.push_back(encode_txn_record(r, now));
    }
    return records;
  });
}

void coordinator::allocate_producer_id(std::function<void(std::error_code, int64_t)> done) {
  if (next_producer_id_ < reserved_end_) return done({}, next_producer_id_++);
  id_waiters_.push_back(std::move(done));
  if (reserving_) return;
  // Every id below a durable reservation may have been handed out before a
  // crash, so ids are only given from a block whose record is on disk.
  reserving_ = true;
  txn_record r;
  r.type = txn_record::kind::producer_ids;
  r.producer_id_end = reserved_end_ + settings_.producer_id_block;
  log_.append({encode_txn_record(r, shard_.clock().wall_clock_ms())},
              [this, r](std::error_code ec) {
                reserving_ = false;
                if (!ec) apply(r);
                auto waiters = std::move(id_waiters_);
                id_waiters_.clear();
                for (auto& w : waiters) {
                  if (ec) {
                    w(ec, -1);
                  } else {
                    allocate_producer_id(std::move(w));
                  }
                }
              });
}

void coordinator::init_producer_id(const std::optional<std::string>& transactional_id,
                                   int32_t timeout_ms, int64_t producer_id, int16_t epoch,
                                   init_fn done) {
  if (closed_) return done(error_code::coordinator_not_available, -1, -1);
  if (!transactional_id) {
    // An idempotent producer: always a fresh id (Kafka ignores the old one).
    return allocate_producer_id([done](std::error_code ec, int64_t id) {
      if (ec) return done(error_code::coordinator_not_available, -1, -1);
      done(error_code::none, id, 0);
    });
  }
  const std::string& id = *transactional_id;
  if (id.empty()) return done(error_code::invalid_request, -1, -1);
  if (timeout_ms <= 0 || timeout_ms > settings_.max_timeout_ms)
    return done(error_code::invalid_transaction_timeout, -1, -1);
  if (pending_.contains(id)) return done(error_code::concurrent_transactions, -1, -1);

  auto it = txns_.find(id);
  if (it == txns_.end()) {
    pending_[id] = true;
    return allocate_producer_id([this, id, timeout_ms, done](std::error_code ec, int64_t pid) {
      if (ec) {
        pending_.erase(id);
        return done(error_code::coordinator_not_available, -1, -1);
      }
      txn_metadata m;
      m.transactional_id = id;
      m.producer_id = pid;
      m.producer_epoch = 0;
      m.timeout_ms = timeout_ms;
      write_init(id, std::move(m), done);
    });
  }
  txn_metadata m = it->second;
  if (is_prepare(m.state)) return done(error_code::concurrent_transactions, -1, -1);
  if (producer_id >= 0) {
    // KIP-360: the caller must be the current incarnation, or retrying the
    // init that made the current one.
    const bool current = producer_id == m.producer_id && epoch == m.producer_epoch;
    const bool retried = (producer_id == m.producer_id && epoch == m.previous_epoch) ||
                         (producer_id == m.previous_producer_id && epoch == m.previous_epoch);
    if (!current && !retried) return done(error_code::producer_fenced, -1, -1);
    if (retried && m.state == txn_state::empty && m.timeout_ms == timeout_ms) {
      return done(error_code::none, m.producer_id, m.producer_epoch);
    }
  }
  pending_[id] = true;
  if (m.state == txn_state::ongoing) {
    // Fence the old instance: abort its transaction at a bumped epoch. The
    // caller retries and then finds the id Empty... after CompleteAbort.
    m.previous_epoch = m.producer_epoch;
    m.producer_epoch = static_cast<int16_t>(std::min<int>(m.producer_epoch + 1, max_epoch));
    m.state = txn_state::prepare_abort;
    spdlog::info("event=txn_fenced transactional_id={} producer_id={} epoch={}", id, m.producer_id,
                 m.producer_epoch);
    write(std::move(m), [this, id](std::error_code ec) {
      if (ec) {
        pending_.erase(id);
        return;
      }
      complete(id, [](std::error_code) {});
    });
    return done(error_code::concurrent_transactions, -1, -1);
  }
  m.timeout_ms = timeout_ms;
  m.previous_producer_id = m.producer_id;
  m.previous_epoch = m.producer_epoch;
  if (m.producer_epoch >= max_epoch) {
    return allocate_producer_id([this, id, m, done](std::error_code ec, int64_t pid) mutable {
      if (ec) {
        pending_.erase(id);
        return done(error_code::coordinator_not_available, -1, -1);
      }
      m.producer_id = pid;
      m.producer_epoch = 0;
      write_init(id, std::move(m), done);
    });
  }
  m.producer_epoch = static_cast<int16_t>(m.producer_epoch + 1);
  write_init(id, std::move(m), done);
}

void coordinator::write_init(const std::string& id, txn_metadata m, init_fn done) {
  m.state = txn_state::empty;
  m.partitions.clear();
  m.groups.clear();
  m.start_ms = -1;
  const int64_t pid = m.producer_id;
  const int16_t epoch = m.producer_epoch;
  write(std::move(m), [this, id, pid, epoch, done](std::error_code ec) {
    pending_.erase(id);
    if (ec) return done(error_code::coordinator_not_available, -1, -1);
    done(error_code::none, pid, epoch);
  });
}

error_code coordinator::validate(const std::string& id, int64_t producer_id, int16_t epoch) const {
  if (closed_) return error_code::coordinator_not_available;
  auto it = txns_.find(id);
  if (it == txns_.end() || it->second.producer_id != producer_id)
    return error_code::invalid_producer_id_mapping;
  if (epoch != it->second.producer_epoch) return error_code::producer_fenced;
  if (pending_.contains(id) || is_prepare(it->second.state))
    return error_code::concurrent_transactions;
  return error_code::none;
}

void coordinator::add_partitions(const std::string& id, int64_t producer_id, int16_t epoch,
                                 const std::vector<topic_partition>& partitions, error_fn done) {
  if (auto e = validate(id, producer_id, epoch); e != error_code::none) return done(e);
  txn_metadata m = txns_.at(id);
  bool added = false;
  for (const auto& tp : partitions) added |= m.partitions.insert(tp).second;
  write_ongoing(std::move(m), added, 0, std::move(done));
}

void coordinator::add_group(const std::string& id, int64_t producer_id, int16_t epoch,
                            const std::string& group, error_fn done) {
  if (auto e = validate(id, producer_id, epoch); e != error_code::none) return done(e);
  txn_metadata m = txns_.at(id);
  const bool added = m.groups.insert(group).second;
  write_ongoing(std::move(m), added, 0, std::move(done));
}

void coordinator::add_implicitly(const std::string& id, int64_t producer_id, int16_t epoch,
                                 const std::vector<topic_partition>& partitions, error_fn done) {
  if (auto e = validate(id, producer_id, epoch); e != error_code::none) return done(e);
  txn_metadata m = txns_.at(id);
  bool added = false;
  for (const auto& tp : partitions) added |= m.partitions.insert(tp).second;
  write_ongoing(std::move(m), added, 2, std::move(done));
}

void coordinator::add_group_implicitly(const std::string& id, int64_t producer_id, int16_t epoch,
                                       const std::string& group, error_fn done) {
  if (auto e = validate(id, producer_id, epoch); e != error_code::none) return done(e);
  txn_metadata m = txns_.at(id);
  const bool added = m.groups.insert(group).second;
  write_ongoing(std::move(m), added, 2, std::move(done));
}

void coordinator::write_ongoing(txn_metadata m, bool added, int8_t client_version, error_fn done) {
  const bool ongoing = m.state == txn_state::ongoing;
  // Nothing new for a transaction already open: no write.
  if (ongoing && !added) return done(error_code::none);
  if (!ongoing) {
    m.state = txn_state::ongoing;
    m.start_ms = shard_.clock().wall_clock_ms();
    // As Kafka records clientTransactionVersion when a transaction starts;
    // EndTxn records its own version again.
    m.client_transaction_version = client_version;
    m.next_producer_id = -1;
  }
  const std::string id = m.transactional_id;
  pending_[id] = true;
  write(std::move(m), [this, id, done](std::error_code ec) {
    pending_.erase(id);
    done(ec ? error_code::coordinator_not_available : error_code::none);
  });
}

void coordinator::end_txn(const std::string& id, int64_t producer_id, int16_t epoch, bool commit,
                          error_fn done) {
  end_txn(id, producer_id, epoch, commit, false,
          [done](error_code e, int64_t, int16_t) { done(e); });
}

void coordinator::end_txn(const std::string& id, int64_t producer_id, int16_t epoch, bool commit,
                          bool tv2, end_fn done) {
  auto fail = [&done](error_code e) { done(e, -1, -1); };
  if (closed_) return fail(error_code::coordinator_not_available);
  if (id.empty()) return fail(error_code::invalid_request);
  auto it = txns_.find(id);
  if (it == txns_.end()) return fail(error_code::invalid_producer_id_mapping);
  const txn_metadata& cur = it->second;
  // Kafka's TV2 rules (TransactionCoordinator.endTransaction): the last end
  // of a TV2 transaction bumped the epoch, so its retry carries epoch - 1,
  // or, when the bump overflowed to a new id, the previous id at the last
  // epoch before the maximum.
  const bool stored_tv2 = cur.client_transaction_version >= 2;
  const bool retry_on_bump = stored_tv2 && cur.producer_epoch == epoch + 1;
  const bool retry_on_overflow = stored_tv2 && cur.previous_producer_id == producer_id &&
                                 epoch == max_epoch && cur.producer_epoch == 0;
  if (cur.producer_id != producer_id && !retry_on_overflow)
    return fail(error_code::invalid_producer_id_mapping);
  // A transition in flight answers first (KAFKA-18464): a retry during the
  // previous end waits for it instead of being fenced.
  if (pending_.contains(id) || is_prepare(cur.state))
    return fail(error_code::concurrent_transactions);
  const bool current_epoch = epoch == cur.producer_epoch;
  // An abort of an empty TV2 transaction bumps the epoch too (Kafka 4.0:
  // the client aborts after an error so that no late batch of its can land).
  const bool empty_abort =
      tv2 && !commit && current_epoch &&
      (cur.state == txn_state::empty || (stored_tv2 && (cur.state == txn_state::complete_commit ||
                                                        cur.state == txn_state::complete_abort)));
  // A retry of the end that completed the last transaction.
  const bool retry = stored_tv2 ? retry_on_bump || retry_on_overflow : current_epoch;
  const bool completed =
      cur.state == txn_state::complete_commit || cur.state == txn_state::complete_abort;
  const bool valid_epoch = completed && stored_tv2 ? retry || current_epoch : current_epoch;
  if (!valid_epoch) return fail(error_code::producer_fenced);
  if (empty_abort) return write_end(cur, false, true, std::move(done));
  switch (cur.state) {
    case txn_state::ongoing:
      return write_end(cur, commit, tv2, std::move(done));
    // A retry of an EndTxn that completed answers as it did.
    case txn_state::complete_commit:
      if (!retry || !commit) return fail(error_code::invalid_txn_state);
      return done(error_code::none, cur.producer_id, cur.producer_epoch);
    case txn_state::complete_abort:
      if (!retry || commit) return fail(error_code::invalid_txn_state);
      return done(error_code::none, cur.producer_id, cur.producer_epoch);
    default:
      return fail(error_code::invalid_txn_state);
  }
}

void coordinator::write_end(txn_metadata m, bool commit, bool tv2, end_fn done) {
  const std::string id = m.transactional_id;
  pending_[id] = true;
  m.state = commit ? txn_state::prepare_commit : txn_state::prepare_abort;
  m.client_transaction_version = tv2 ? 2 : 0;
  m.next_producer_id = -1;
  auto prepare = [this, id, done](txn_metadata m) {
    // What the producer goes on with once this end completes.
    const int64_t pid = m.next_producer_id >= 0 ? m.next_producer_id : m.producer_id;
    const int16_t epoch = m.next_producer_id >= 0 ? int16_t{0} : m.producer_epoch;
    write(std::move(m), [this, id, done, pid, epoch](std::error_code ec) {
      if (ec) {
        pending_.erase(id);
        return done(error_code::coordinator_not_available, -1, -1);
      }
      // The decision is durable: whatever happens to the markers now,
      // recovery finishes it. The producer hears once the markers are durable.
      complete(id, [done, pid, epoch](std::error_code) { done(error_code::none, pid, epoch); });
    });
  };
  if (!tv2) return prepare(std::move(m));
  // TV2: the markers carry the bumped epoch, so every batch of this
  // transaction (and any late one) is older than the producer's next.
  m.previous_epoch = m.producer_epoch;
  const bool exhausted = m.producer_epoch >= max_epoch;
  m.producer_epoch = static_cast<int16_t>(m.producer_epoch + 1);
  if (!exhausted) return prepare(std::move(m));
  allocate_producer_id([this, id, m, done, prepare](std::error_code ec, int64_t pid) mutable {
    if (ec) {
      pending_.erase(id);
      return done(error_code::coordinator_not_available, -1, -1);
    }
    m.next_producer_id = pid;
    prepare(std::move(m));
  });
}

error_code coordinator::verify_partition(int64_t producer_id, int16_t epoch,
                                         const topic_partition& tp) const {
  auto id = by_producer_.find(producer_id);
  if (id == by_producer_.end()) return error_code::invalid_txn_state;
  const txn_metadata& m = txns_.at(id->second);
  if (epoch < m.producer_epoch) return error_code::invalid_producer_epoch;
  if (m.state != txn_state::ongoing || !m.partitions.contains(tp))
    return error_code::invalid_txn_state;
  return error_code::none;
}

error_code coordinator::verify_group(const std::string& id, int64_t producer_id, int16_t epoch,
                                     const std::string& group) const {
  auto it = txns_.find(id);
  if (it == txns_.end() || it->second.producer_id != producer_id)
    return error_code::invalid_producer_id_mapping;
  if (epoch != it->second.producer_epoch) return error_code::producer_fenced;
  if (it->second.state != txn_state::ongoing || !it->second.groups.contains(group))
    return error_code::invalid_txn_state;
  return error_code::none;
}

}  // namespace sluice::broker::txn
