#pragma once
// The delivery state of one partition for one share group (KIP-932's "share
// partition"): a pure state machine, no I/O, time passed in.
//
// Offsets below start_offset are done (acknowledged or archived); offsets at
// or after end_offset have never been handed out. In between is the in-flight
// window, one entry per offset, each in one of Kafka's record states:
//
//   Available --acquire--> Acquired --ACCEPT--> Acknowledged
//       ^                     |  |----REJECT, GAP--> Archived
//       |                     |  '--RELEASE, lock expiry, member gone-->
//       '---------------------'      Available (after release_delay_ms on RELEASE),
//                                    or Archived once delivery_count reached the limit
//
// acquire() raises the delivery count and takes a lock that expires after
// lock_duration_ms; acknowledge() accepts only ranges wholly acquired by the
// calling member and still locked (anything else is INVALID_RECORD_STATE and
// changes nothing). When the window's prefix is Acknowledged or Archived,
// start_offset advances past it. The window never holds more than
// max_in_flight offsets, so a stalled record bounds how far the group reads.
//
// snapshot()/restore() carry the whole window (acquired entries written as
// Available: locks do not survive a restart), which is what the coordinator
// persists (state_log.h).
//
// Write before apply: a change the coordinator must make durable (an
// acknowledgement, or an archive at the delivery limit when a lock expires
// or a member leaves) is first only *pending*. The record keeps its current
// state (still Acquired: nobody else gets it, its lock does not expire, a
// second acknowledgement is INVALID_RECORD_STATE, start_offset does not move)
// while snapshot() already shows the new state. The coordinator claims the
// pending changes for one write (claim_pending) and, once that write is on
// disk, applies them (complete_write with durable = true) or, when it
// failed, drops them (the record stays Acquired until its lock expires).
// So no request sees an acknowledgement before it is durable.
//
// Ownership: a value owned by its share_group. Thread: the shard's.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "protocol/error_code.h"

namespace sluice::broker::share {

// Kafka's RecordState values.
enum class record_state : int8_t { available = 0, acquired = 1, acknowledged = 2, archived = 4 };

struct partition_settings {
  int64_t lock_duration_ms = 30000;  // group.share.record.lock.duration.ms
  int16_t delivery_count_limit = 5;  // group.share.delivery.count.limit
  int32_t max_in_flight = 2000;      // group.share.partition.max.record.locks
  int64_t release_delay_ms = 0;      // sluice.share.release.delay.ms (extension, 0: off)
  // share.isolation.level (the group's config, else the broker's
  // sluice.share.isolation.level): read_committed acquires only below the
  // last stable offset and archives the records of aborted transactions.
  bool read_committed = false;
};

// Offsets [first, last] that must never be delivered (the data batches of
// aborted transactions under read_committed); sorted, not overlapping.
using offset_range = std::pair<int64_t, int64_t>;

struct acquired_range {
  int64_t first_offset = 0;
  int64_t last_offset = 0;  // inclusive
  int16_t delivery_count = 0;
  friend bool operator==(const acquired_range&, const acquired_range&) = default;
};

// Why a record was archived without being accepted (the dead-letter header).
enum class archive_reason { rejected, delivery_limit };

struct dead_letter {
  int64_t offset = 0;
  int16_t delivery_count = 0;
  archive_reason reason = archive_reason::rejected;
};

// A run of offsets in the same state, as persisted.
struct state_run {
  int64_t first_offset = 0;
  int64_t last_offset = 0;
  record_state state = record_state::available;
  int16_t delivery_count = 0;
  int64_t available_at_ms = 0;  // a delayed RELEASE: not handed out before this
  friend bool operator==(const state_run&, const state_run&) = default;
};

struct partition_snapshot {
  int64_t start_offset = 0;
  int64_t end_offset = 0;
  std::vector<state_run> runs;  // covering [start_offset, end_offset) in order
  friend bool operator==(const partition_snapshot&, const partition_snapshot&) = default;
};

class share_partition {
 public:
  share_partition(partition_settings settings, int64_t start_offset);
  // From a persisted snapshot; runs outside [start, end) are ignored and
  // offsets the runs miss are Available with delivery count 0.
  share_partition(partition_settings settings, const partition_snapshot& s);

  int64_t start_offset() const { return start_; }
  int64_t end_offset() const { return end_; }

  // The first offset acquire() would hand out now, given the log's high
  // watermark; -1 when nothing is available.
  int64_t next_acquirable(int64_t now_ms, int64_t high_watermark);

  // Hands at most max_records Available offsets below `limit` (exclusive) to
  // `member`, lowest first, extending the window from end_offset while it has
  // room. Ranges are contiguous offsets with one delivery count. An offset in
  // `never_deliver` that the walk meets Available is Archived instead, with
  // no delivery and no dead letter, and does not count against max_records.
  std::vector<acquired_range> acquire(const std::string& member, int32_t max_records,
                                      int64_t now_ms, int64_t limit,
                                      const std::vector<offset_range>& never_deliver = {});

  // One acknowledgement batch: `types` holds one type for the whole range or
  // one per offset (Kafka's AcknowledgeTypes). INVALID_REQUEST for a
  // malformed batch, INVALID_RECORD_STATE when an offset is not held by
  // `member` under a live lock (or already has a pending change); nothing
  // changes then. Otherwise the changes are pending (RENEW applies at once:
  // a lock is never written).
  protocol::error_code acknowledge(const std::string& member, int64_t first, int64_t last,
                                   const std::vector<int8_t>& types, int64_t now_ms);

  // Locks past their deadline give their records back (or, at the delivery
  // limit, a pending archive); whether any did.
  bool expire_locks(int64_t now_ms);
  // Everything `member` holds goes back, as if its locks expired now.
  void release_member(const std::string& member, int64_t now_ms);
  // Records the log no longer has (retention, DeleteRecords) leave the window.
  void advance_log_start(int64_t log_start_offset);

  int32_t acquired_by(const std::string& member) const;
  // Records under a live lock at `now_ms` (a gauge; expiry itself is lazy).
  int32_t acquired_count(int64_t now_ms) const;
  int32_t in_flight() const { return static_cast<int32_t>(end_ - start_); }
  // Kafka's share-partition lag (KIP-1226): records from start_offset up to
  // the high watermark that still need a delivery, i.e. not yet Acknowledged
  // or Archived.
  int64_t lag(int64_t high_watermark) const;
  // Pending changes no write has claimed yet.
  bool has_unwritten() const { return unwritten_ > 0; }
  // Every unclaimed pending change now belongs to write `write_id` (unique
  // per coordinator, never 0).
  void claim_pending(uint64_t write_id);
  // Write `write_id` finished: its changes apply when it is durable, and are
  // dropped otherwise.
  void complete_write(uint64_t write_id, bool durable);

  // Records archived by REJECT or the delivery limit since the last call.
  std::vector<dead_letter> take_dead_letters();
  bool has_dead_letters() const { return !dead_letters_.empty(); }

  partition_snapshot snapshot() const;
  const partition_settings& settings() const { return settings_; }
  // The group's configs changed (IncrementalAlterConfigs on its GROUP
  // resource): later acquisitions use the new lock duration, delivery limit
  // and isolation; records already acquired keep their deadlines.
  void set_settings(const partition_settings& s) { settings_ = s; }

 private:
  struct entry {
    record_state state = record_state::available;
    int16_t delivery_count = 0;
    int64_t lock_deadline_ms = 0;  // when acquired
    int64_t available_at_ms = 0;   // when available
    std::string member;            // when acquired
    // A change waiting for its write: the state it takes once durable
    // (available_at_ms with it for a RELEASE), and the write that carries it
    // (0: none yet).
    bool pending = false;
    record_state target = record_state::available;
    int64_t target_available_at_ms = 0;
    uint64_t write_id = 0;
  };

  // Back to Available, or a pending archive at the delivery limit. Back to
  // Available is itself pending for a RELEASE (`wait_for_write`), and at
  // once for an expired lock or a departed member: the durable state
  // already says Available, since locks are never written.
  void give_back(int64_t offset, entry& e, int64_t available_at_ms, bool wait_for_write);
  // A pending change to `target`; the dead letter (if any) is queued now so
  // the coordinator writes it before the state that archives the record.
  void make_pending(int64_t offset, entry& e, record_state target, int64_t available_at_ms,
                    std::optional<archive_reason> dead_letter = std::nullopt);
  void advance_start();

  partition_settings settings_;
  int64_t start_;
  int64_t end_;
  std::map<int64_t, entry> window_;  // keys are exactly [start_, end_)
  std::vector<dead_letter> dead_letters_;
  int32_t unwritten_ = 0;  // pending entries with write_id 0
};

}  // namespace sluice::broker::share
