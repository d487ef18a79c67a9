// Keeping __consumer_offsets-0 bounded by live state (docs/groups.md
// "Durability"): the snapshot broker/internal_log.h compacts with (why that
// is safe is said there), and offsets retention.
//
// The snapshot is every live key: group metadata, committed offsets, then
// staged transactional offsets with their `superseded` flag (after the
// committed ones, since replaying a plain commit supersedes what was staged
// before it). Ended transactions leave nothing to keep.
#include <spdlog/spdlog.h>

#include <chrono>

#include "broker/config.h"
#include "broker/group/coordinator.h"
#include "broker/topic_table.h"

namespace sluice::broker::group {

size_t coordinator::live_records() const {
  size_t live = metadata_.size() + modern_->live_records();
  for (const auto& [g, m] : offsets_) live += m.size();
  for (const auto& [g, by_producer] : staged_) {
    for (const auto& [pid, m] : by_producer) live += m.size();
  }
  return live;
}

std::vector<batch_record> coordinator::snapshot() const {
  const int64_t now = shard_.clock().wall_clock_ms();
  std::vector<batch_record> records;
  for (const auto& [group, m] : metadata_) {
    offsets_record r;
    r.type = record_type::group_metadata;
    r.group = group;
    r.metadata = m;
    records.push_back(encode_record(r, now));
  }
  for (const auto& [group, committed] : offsets_) {
    for (const auto& [tp, c] : committed) {
      offsets_record r;
      r.group = group;
      r.topic = tp.first;
      r.partition = tp.second;
      r.value = c;
      records.push_back(encode_record(r, now));
    }
  }
  for (const auto& r : modern_->snapshot()) records.push_back(encode_record(r, now));
  for (const auto& [group, by_producer] : staged_) {
    for (const auto& [pid, m] : by_producer) {
      for (const auto& [tp, s] : m) {
        records.push_back(encode_record(
            staged_offset_record(group, tp, pid, s.producer_epoch, s.value, s.superseded), now));
      }
    }
  }
  return records;
}

void coordinator::maybe_compact() {
  log_.maybe_compact(live_records(), settings_.offsets_compact_min_records,
                     [this] { return snapshot(); });
}

void coordinator::expire_offsets(int64_t now_ms) {
  const int64_t retention_ms = shard_.config().offsets_retention_minutes * 60 * 1000;
  std::vector<offsets_record> records;
  for (const auto& [group, committed] : offsets_) {
    consumer_group* g = find(group);
    if (g != nullptr && g->state() != group_state::empty) continue;  // in use, or being deleted
    if (const auto* m = modern_->find(group); m != nullptr && !m->empty()) continue;
    // Kafka counts from when the group became Empty; a commit made later
    // (an admin tool, a simple consumer) restarts the count for its offset.
    int64_t empty_since = -1;
    if (g != nullptr)
      empty_since = g->state_timestamp_ms();
    else if (const group_metadata* m = metadata(group); m != nullptr && m->members.empty())
      empty_since = m->state_timestamp_ms;
    std::vector<offsets_record> expired;
    for (const auto& [tp, c] : committed) {
      // An offset an open transaction staged for the partition keeps it (Kafka).
      if (has_pending_txn_offsets(group, tp.first, tp.second)) continue;
      // An expiry time the commit asked for (OffsetCommit v2-4) rules alone,
      // as in Kafka.
      const int64_t expires_at = c.expire_timestamp_ms >= 0
                                     ? c.expire_timestamp_ms
                                     : std::max(empty_since, c.commit_timestamp_ms) + retention_ms;
      if (expires_at > now_ms) continue;
      offsets_record r;
      r.group = group;
      r.topic = tp.first;
      r.partition = tp.second;
      expired.push_back(std::move(r));  // null value: a tombstone
    }
    if (expired.empty()) continue;
    spdlog::info("event=offsets_expired group={} partitions={}", group, expired.size());
    if (expired.size() < committed.size() || has_pending_txn_offsets(group)) {
      records.insert(records.end(), expired.begin(), expired.end());
      continue;
    }
    // Nothing left: the group goes too (Kafka's Empty -> Dead), so the id is free.
    if (g != nullptr) g->remove();
    offsets_record tomb;
    tomb.type = record_type::group_metadata;
    tomb.group = group;
    records.push_back(std::move(tomb));
  }
  // Groups Empty for the retention with no offset at all go the same way.
  for (const auto& [group, m] : metadata_) {
    if (offsets_.contains(group) || !m.members.empty() || has_pending_txn_offsets(group)) continue;
    consumer_group* g = find(group);
    if (g != nullptr && g->state() != group_state::empty) continue;
    if ((g != nullptr ? g->state_timestamp_ms() : m.state_timestamp_ms) + retention_ms > now_ms)
      continue;
    if (g != nullptr) g->remove();
    offsets_record tomb;
    tomb.type = record_type::group_metadata;
    tomb.group = group;
    records.push_back(std::move(tomb));
  }
  if (records.empty()) return;
  append(std::move(records), [](std::error_code ec) {
    if (ec) spdlog::warn("event=offsets_expiry_failed error=\"{}\"", ec.message());
  });
}

void coordinator::schedule_retention_check() {
  const auto every = std::chrono::milliseconds(shard_.config().offsets_retention_check_interval_ms);
  retention_timer_ = shard_.start_timer(every, [this] {
    expire_offsets(shard_.clock().wall_clock_ms());
    schedule_retention_check();
  });
}

}  // namespace sluice::broker::group
