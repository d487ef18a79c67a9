// Keeping __share_group_state-0 bounded by live state (docs/share-groups.md
// "Durability"). Every acknowledgement appends a snapshot of the partitions
// it touched, so the log grows with traffic while the state it describes
// does not; replay would otherwise read every snapshot ever written.
//
// The machinery (when, and why moving the log start is safe) is
// broker/internal_log.h's. What is particular here: the snapshot is taken
// from memory, which is at least as new as every record already appended
// (share_partition::snapshot() shows pending changes as done, and the
// internal log takes the snapshot only when no append is in flight), and a
// deleted partition is absent from memory, so dropping its tombstone
// together with its older values loses nothing.
#include "broker/share/coordinator.h"

namespace sluice::broker::share {

void coordinator::maybe_compact() {
  size_t live = 0;
  for (const auto& [id, g] : groups_) live += g->partitions().size();
  log_.maybe_compact(live, settings_.state_compact_min_records, [this] {
    const int64_t now = shard_.clock().wall_clock_ms();
    std::vector<batch_record> records;
    for (const auto& [id, g] : groups_) {
      for (const auto& [tp, part] : g->partitions()) {
        records.push_back(encode_state_record({id, tp.first, tp.second, part.snapshot()}, now));
      }
    }
    return records;
  });
}

}  // namespace sluice::broker::share
