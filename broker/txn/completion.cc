// Ending transactions (markers, staged offsets, Complete*), recovery at start
// and the periodic timeout and expiry check of the transaction coordinator.
//
// Why a crash cannot tear a transaction: markers are written only after the
// PrepareCommit/PrepareAbort record is durable, and Complete* only after every
// marker is durable. load() finds any transaction still prepared and writes
// its markers again; a partition that already has the marker gets a second
// one, which ends nothing (the producer has no ongoing transaction there) and
// is skipped by readers like any control batch.
#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>

#include "broker/group/coordinator.h"
#include "broker/leader_epoch.h"
#include "broker/txn/coordinator.h"
#include "broker/txn/markers.h"
#include "log/errors.h"

namespace sluice::broker::txn {
namespace {

constexpr std::chrono::milliseconds marker_retry_delay{1000};

}  // namespace

void coordinator::complete(const std::string& id, std::function<void(std::error_code)> done) {
  auto it = txns_.find(id);
  if (it == txns_.end() || closed_) {
    pending_.erase(id);
    return done(log::errc::not_found);
  }
  const txn_metadata m = it->second;
  const bool commit = m.state == txn_state::prepare_commit;
  const marker mk{m.producer_id, m.producer_epoch, commit, current_leader_epoch};
  struct join_state {
    size_t left = 1;  // one for this function, so no callback finishes early
    std::error_code first_error;
  };
  auto join = std::make_shared<join_state>();
  auto finish = [this, id, commit, join, done] {
    if (--join->left > 0) return;
    if (join->first_error) {
      spdlog::warn("event=txn_markers_failed transactional_id={} error=\"{}\" retry_ms={}", id,
                   join->first_error.message(), marker_retry_delay.count());
      retry_markers_later(id);
      return done(join->first_error);
    }
    auto cur = txns_.find(id);
    if (cur == txns_.end()) {
      pending_.erase(id);
      return done({});
    }
    txn_metadata next = cur->second;
    next.state = commit ? txn_state::complete_commit : txn_state::complete_abort;
    if (next.next_producer_id >= 0) {
      // A TV2 end whose bump reached the last epoch: the markers went out
      // with the old id; the producer goes on with the new one at epoch 0.
      next.previous_producer_id = next.producer_id;
      next.producer_id = next.next_producer_id;
      next.producer_epoch = 0;
      next.next_producer_id = -1;
    }
    next.partitions.clear();
    next.groups.clear();
    next.start_ms = -1;
    write(std::move(next), [this, id, commit, done](std::error_code ec) {
      if (ec) {
        // The markers are durable; only the Complete record is missing, and
        // load() writes it after resending them.
        retry_markers_later(id);
        return done(ec);
      }
      pending_.erase(id);
      spdlog::debug("event=txn_completed transactional_id={} result={}", id,
                    commit ? "commit" : "abort");
      done({});
    });
  };
  auto one_done = [join, finish](std::error_code ec) {
    // A deleted topic has nothing left to end.
    if (ec && ec != log::errc::not_found && !join->first_error) join->first_error = ec;
    finish();
  };
  for (const auto& [topic, partition] : m.partitions) {
    ++join->left;
    write_marker(shard_, topic, partition, mk, one_done);
  }
  group::coordinator* groups = group::coordinator_of(shard_);
  for (const auto& g : m.groups) {
    if (groups == nullptr) continue;
    ++join->left;
    groups->complete_txn_offsets(g, m.producer_id, commit, one_done);
  }
  finish();
}

void coordinator::retry_markers_later(const std::string& id) {
  if (closed_) return;
  retry_timers_[id] = shard_.start_timer(marker_retry_delay, [this, id] {
    retry_timers_.erase(id);  // the handler, not the timer, owns this callback
    complete(id, [](std::error_code) {});
  });
}

std::error_code coordinator::load() {
  size_t records = 0;
  const std::error_code ec = log_.replay([&](const batch_record& rec) {
    auto r = decode_txn_record(rec);
    if (!r) return false;
    apply(*r);
    ++records;
    return true;
  });
  if (ec)
    spdlog::error("event=txn_state_replay_stopped records={} error=\"{}\"", records, ec.message());
  // Ids below the last reservation may have been given out before a crash.
  next_producer_id_ = reserved_end_;
  size_t resumed = 0;
  for (auto& [id, m] : txns_) {
    if (m.state == txn_state::prepare_epoch_fence) m.state = txn_state::prepare_abort;
    if (m.state != txn_state::prepare_commit && m.state != txn_state::prepare_abort) continue;
    pending_[id] = true;
    ++resumed;
  }
  spdlog::info(
      "event=txn_state_loaded records={} transactional_ids={} resumed={} next_producer_id={}",
      records, txns_.size(), resumed, next_producer_id_);
  for (const auto& [id, pending] : std::map(pending_)) complete(id, [](std::error_code) {});
  schedule_check();
  return ec;
}

void coordinator::check_timeouts(int64_t now) {
  std::vector<std::string> expired;
  for (const auto& [id, m] : txns_) {
    if (pending_.contains(id)) continue;
    if (m.state == txn_state::ongoing && m.start_ms >= 0 && m.start_ms + m.timeout_ms < now) {
      txn_metadata next = m;
      // Kafka aborts a timed-out transaction at a bumped epoch, so the
      // producer, if it still lives, is fenced instead of writing into it.
      next.previous_epoch = next.producer_epoch;
      if (next.producer_epoch < INT16_MAX - 1) ++next.producer_epoch;
      next.state = txn_state::prepare_abort;
      spdlog::info("event=txn_timed_out transactional_id={} producer_id={} age_ms={}", id,
                   m.producer_id, now - m.start_ms);
      pending_[id] = true;
      write(std::move(next), [this, id](std::error_code ec) {
        if (ec) {
          pending_.erase(id);
          return;
        }
        complete(id, [](std::error_code) {});
      });
      continue;
    }
    const bool idle = m.state == txn_state::empty || m.state == txn_state::complete_commit ||
                      m.state == txn_state::complete_abort;
    if (idle && m.last_update_ms >= 0 && m.last_update_ms + settings_.id_expiration_ms < now)
      expired.push_back(id);
  }
  for (const auto& id : expired) {
    txn_record r;
    r.transactional_id = id;  // no metadata: a tombstone
    pending_[id] = true;
    log_.append({encode_txn_record(r, now)}, [this, r](std::error_code ec) {
      pending_.erase(r.transactional_id);
      if (!ec) apply(r);
    });
    spdlog::info("event=txn_id_expired transactional_id={}", id);
  }
}

void coordinator::schedule_check() {
  if (closed_) return;
  check_timer_ =
      shard_.start_timer(std::chrono::milliseconds(settings_.abort_check_interval_ms), [this] {
        check_timeouts(shard_.clock().wall_clock_ms());
        schedule_check();
      });
}

}  // namespace sluice::broker::txn
