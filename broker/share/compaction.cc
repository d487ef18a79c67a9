// Keeping __share_group_state-0 bounded by live state (docs/share-groups.md
// "Durability"). Every acknowledgement appends a snapshot of the partitions
// it touched, so the log grows with traffic while the state it describes
// does not; replay would otherwise read every snapshot ever written.
//
// Why moving the log start is safe: the compaction snapshot is taken from
// memory, which is at least as new as every record already appended (a
// change is applied in memory before its record is written), and is
// appended after all of them. A deleted partition is absent from memory, so
// dropping its tombstone together with its older values loses nothing.
// Replaying any suffix of the log that starts at the snapshot therefore
// yields the current state; a crash between the snapshot and the move of
// the log start only means a longer, still correct, replay.
#include <spdlog/spdlog.h>

#include "broker/share/coordinator.h"
#include "broker/topic_table.h"

namespace sluice::broker::share {

void coordinator::maybe_compact() {
  if (compacting_ || closed_) return;
  log::partition_log* p = shard_.topics().get(state_topic, 0);
  if (p == nullptr) return;
  const int64_t held = p->high_watermark().value - p->log_start_offset().value;
  if (held <= settings_.state_compact_min_records) return;
  int64_t live = 0;
  for (const auto& [id, g] : groups_) live += static_cast<int64_t>(g->partitions().size());
  if (held <= 2 * live) return;

  std::vector<state_record> records;
  for (const auto& [id, g] : groups_) {
    for (const auto& [tp, part] : g->partitions()) {
      records.push_back({id, tp.first, tp.second, part.snapshot()});
    }
  }

  // Appends are assigned offsets synchronously: the snapshot starts here.
  const log::offset start = p->log_end_offset();
  spdlog::info("event=share_state_snapshot_started records={} replaces={} at={}", live, held,
               start.value);
  if (records.empty()) {
    if (auto ec = p->delete_records_before(p->high_watermark())) {
      spdlog::warn("event=share_state_snapshot_failed error=\"{}\"", ec.message());
    }
    return;
  }
  compacting_ = true;
  append_state(std::move(records), [this, start](std::error_code ec) {
    compacting_ = false;
    log::partition_log* p = shard_.topics().get(state_topic, 0);
    if (!ec && p != nullptr) ec = p->delete_records_before(start);
    if (ec) {
      spdlog::warn("event=share_state_snapshot_failed error=\"{}\"", ec.message());
      return;
    }
    spdlog::info("event=share_state_snapshot_done log_start_offset={}", start.value);
  });
}

}  // namespace sluice::broker::share
