#pragma once
// The internal partition `<topic>-0` of one coordinator (__consumer_offsets,
// __share_group_state, __transaction_state): the one copy of the machinery
// every coordinator needs around its records.
//
//   - created on the first append, not at start, so a broker that never sees
//     a group (or share group, or transaction) has no extra topic;
//   - append: one RecordBatch v2 (broker/internal_batch.h) with
//     ack_level::flushed; `done` runs once the batch is durable, and only then
//     may the caller change memory and answer (write, durable, apply, answer:
//     a crash can lose an answer never sent, never an answer given);
//   - replay: every record from the log start offset, in order, through the
//     log/ reader (log/log_reader.h), at start;
//   - snapshot compaction: once the partition holds far more records than
//     the caller has live keys, the caller's snapshot of its live state is
//     appended and the log start offset moves to it, so replay stays O(live).
//
// Why snapshot compaction is safe: the snapshot is taken only when no append
// is in flight, so (with apply-after-durable) memory equals the log; it is
// appended after every record it summarizes, and a key only ever disappears
// through a later record (a tombstone). Replaying any suffix of the log that
// holds the whole snapshot gives the state replaying everything gives, so the
// log start may move to the snapshot's first offset. A crash in between (a
// half-written snapshot, a log-start checkpoint older than the move) only
// means a longer, still correct, replay.
//
// Ownership: borrows the shard services (the topic table that owns the
// partition). Thread: the shard's; callbacks run on it from the log's
// completions.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "broker/internal_batch.h"
#include "broker/request.h"

namespace sluice::broker {

class internal_log {
 public:
  internal_log(shard_services& shard, std::string topic);
  internal_log(const internal_log&) = delete;
  internal_log& operator=(const internal_log&) = delete;

  const std::string& topic() const { return topic_; }

  // Calls `apply` for every record of the partition from its log start
  // offset, in order (nothing when the partition does not exist yet).
  // `apply` returns false for a record it cannot read. A batch that fails
  // its CRC or framing, or a record refused by `apply`, stops the replay
  // there with an error; what was applied before it stays applied.
  std::error_code replay(const std::function<bool(const batch_record&)>& apply);

 private:
  // Stores and applies internal_topic_overrides() when the topic's stored
  // overrides differ (replay calls it at start).
  void keep_shape();

 public:
  // Writes `records` as one batch and makes it durable, then calls
  // `done({})`; the caller applies the records to memory inside `done`, and
  // only when there is no error. On an error nothing is applied and the
  // records may or may not be in the log (a failed write takes the log dir
  // offline; it is never acknowledged). Creates the partition on the first
  // call. After close(): done(errc::not_found) at once. A completion that
  // comes after this object is destroyed calls nothing: `done` belongs to an
  // owner that is gone.
  void append(std::vector<batch_record> records, std::function<void(std::error_code)> done);

  // Snapshot compaction, called by the coordinator after applying a durable
  // append: when no append is in flight, no snapshot is being written, and
  // the partition holds more than max(min_records, 2 * live) records,
  // appends `snapshot()` (the live state as records) and, once durable,
  // moves the log start offset to its first offset. An empty snapshot moves
  // the log start to the end at once (nothing is live).
  void maybe_compact(size_t live, int64_t min_records,
                     const std::function<std::vector<batch_record>()>& snapshot);

  // Records held: high watermark - log start offset (0 with no partition).
  int64_t held_records() const;
  size_t appends_in_flight() const { return appends_in_flight_; }

  // No append or compaction starts after this (shutdown, before the logs close).
  void close() { closed_ = true; }

 private:
  log::partition_log* partition() const;

  shard_services& shard_;
  std::string topic_;
  size_t appends_in_flight_ = 0;
  bool compacting_ = false;
  bool closed_ = false;
  // Expires with this object, so that late completions do not call into it.
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace sluice::broker
