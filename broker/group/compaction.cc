// Keeping __consumer_offsets-0 bounded by live state (docs/groups.md
// "Durability"): snapshots that let the log start offset move forward, and
// offsets retention.
//
// Why a snapshot is safe: it is appended after every record it summarizes
// (only when no append is in flight, so memory equals the log), and a key
// only ever disappears through a later record (a tombstone or a group
// tombstone). Replaying any suffix of the log that contains the whole
// snapshot therefore gives the same state as replaying everything: a key
// live at the snapshot is in it, a dead key's deletion follows its last
// value. So the log start offset may move to the snapshot's first offset,
// and a crash anywhere in between (snapshot half written, log start offset
// checkpoint older than the move) only means a longer, still correct, replay.
#include <spdlog/spdlog.h>

#include <chrono>

#include "broker/config.h"
#include "broker/group/coordinator.h"
#include "broker/topic_table.h"

namespace sluice::broker::group {

void coordinator::maybe_compact() {
  if (compacting_ || closed_) return;
  log::partition_log* p = shard_.topics().get(offsets_topic, 0);
  if (p == nullptr) return;
  const int64_t held = p->high_watermark().value - p->log_start_offset().value;
  int64_t live = static_cast<int64_t>(metadata_.size());
  for (const auto& [g, m] : offsets_) live += static_cast<int64_t>(m.size());
  if (held <= settings_.offsets_compact_min_records || held <= 2 * live) return;

  std::vector<offsets_record> records;
  for (const auto& [group, m] : metadata_) {
    offsets_record r;
    r.type = record_type::group_metadata;
    r.group = group;
    r.metadata = m;
    records.push_back(std::move(r));
  }
  for (const auto& [group, committed] : offsets_) {
    for (const auto& [tp, c] : committed) {
      offsets_record r;
      r.group = group;
      r.topic = tp.first;
      r.partition = tp.second;
      r.value = c;
      records.push_back(std::move(r));
    }
  }
  // Appends are assigned offsets synchronously: the snapshot starts here.
  const log::offset start = p->log_end_offset();
  compacting_ = true;
  spdlog::info("event=offsets_snapshot_started records={} replaces={} at={}", records.size(), held,
               start.value);
  if (records.empty()) {
    // Nothing is live: every record so far is redundant.
    compacting_ = false;
    if (auto ec = p->delete_records_before(p->high_watermark()))
      spdlog::warn("event=offsets_snapshot_failed error=\"{}\"", ec.message());
    return;
  }
  append(std::move(records), [this, start](std::error_code ec) {
    compacting_ = false;
    log::partition_log* p = shard_.topics().get(offsets_topic, 0);
    if (!ec && p != nullptr) ec = p->delete_records_before(start);
    if (ec) {
      spdlog::warn("event=offsets_snapshot_failed error=\"{}\"", ec.message());
      return;
    }
    spdlog::info("event=offsets_snapshot_done log_start_offset={}", start.value);
  });
}

void coordinator::expire_offsets(int64_t now_ms) {
  const int64_t retention_ms = shard_.config().offsets_retention_minutes * 60 * 1000;
  std::vector<offsets_record> records;
  for (const auto& [group, committed] : offsets_) {
    consumer_group* g = find(group);
    if (g != nullptr && g->state() != group_state::empty) continue;  // in use, or being deleted
    // Kafka counts from when the group became Empty; a commit made later
    // (an admin tool, a simple consumer) restarts the count for its offset.
    int64_t empty_since = -1;
    if (g != nullptr)
      empty_since = g->state_timestamp_ms();
    else if (const group_metadata* m = metadata(group); m != nullptr && m->members.empty())
      empty_since = m->state_timestamp_ms;
    std::vector<offsets_record> expired;
    for (const auto& [tp, c] : committed) {
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
    if (expired.size() < committed.size()) {
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
    if (offsets_.contains(group) || !m.members.empty()) continue;
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
    using namespace std::chrono;
    expire_offsets(duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
    schedule_retention_check();
  });
}

}  // namespace sluice::broker::group
