#pragma once
// The log cleaner: compaction of a partition whose cleanup.policy includes
// compact, as Kafka's LogCleaner does it. docs/storage-format.md ("Log
// compaction") has the file procedure, docs/decisions.md why it runs in
// bounded slices on the shard thread.
//
// A round:
//   1. plan: the cleanable range is the sealed segments below the first that
//      is active, not yet durable and stable (recovery point, high watermark,
//      last stable offset), or younger than min.compaction.lag.ms. Its dirty
//      part starts at the first dirty offset (cleaner-offset-checkpoint). A
//      round starts when dirty bytes / cleanable bytes >=
//      min.cleanable.dirty.ratio, when the first dirty batch is older than
//      max.compaction.lag.ms, or when a tombstone's delete horizon passed.
//   2. map: the dirty part is read and each key's latest offset recorded
//      (keys of aborted transactional batches are not). The map stops at
//      a segment boundary once it exceeds clean_options::max_map_bytes.
//   3. clean: every segment of the range is rewritten to <base>.log.cleaned
//      without the records a later offset of the same key supersedes, and
//      without tombstones whose delete horizon (delete.retention.ms after
//      the round that first kept them) has passed; a segment that would not
//      change is left alone. The cleaned file is synced and swapped in
//      (cleaned -> swap -> old segment removed -> swap renamed to .log).
//   4. the first dirty offset moves to the end of the map.
// Transactions, as Kafka: the range is below the last stable offset, so
// every transactional batch in it belongs to a transaction that ended. Data
// of a committed transaction is compacted like any other; data of an aborted
// one (the partition's aborted index: same producer, offset within the
// transaction's range) is removed whole and never supersedes anything.
// Control batches (the markers) are kept (Kafka removes a marker once its
// transaction has no data left and delete.retention.ms passed; Sluice keeps
// one small batch per transaction).
// Kept whole: control batches, the last data batch of each producer the
// partition knows (its sequence state), compressed batches when no codec is
// given, and batches whose records do not parse. Records without a key are
// kept. Offsets never change (log/cleaner_records.h).
//
// Threading: all of it runs on the partition's shard thread, in slices of at
// most about `budget` bytes read (partition_log::clean_step); readers holding
// a file_slice of a replaced segment keep reading the old file.

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "log/cleaner_records.h"
#include "log/io/file_handle.h"
#include "log/txn_types.h"
#include "log/types.h"

namespace sluice::log {

class partition_log;
class segment;

// The steps of a swap, for crash-point tests.
enum class clean_point {
  checkpoint_written,  // cleaner-offset-checkpoint holds the new gap end
  cleaned_written,     // <base>.log.cleaned complete and synced
  swap_renamed,        // renamed to <base>.log.swap, directory synced: committed
  old_removed,         // the old segment's files are gone
  installed,           // <base>.log is the cleaned file
};

struct clean_options {
  batch_codec codec;
  size_t max_map_bytes = size_t{64} << 20;
  // Tests: called at each clean_point; true stops the cleaner right there as
  // a crash would (the partition_log must then be dropped and reopened).
  std::function<bool(clean_point)> crash_at;
};

struct clean_stats {
  uint64_t rounds = 0;            // rounds finished
  uint64_t segments_swapped = 0;  // cleaned segments swapped in
  uint64_t records_removed = 0;
  uint64_t bytes_read = 0;
};

struct cleaner_state {
  // Persisted in cleaner-offset-checkpoint.
  offset first_dirty{0};
  // The round under way.
  enum class phase { idle, map, clean } ph = phase::idle;
  bool stopped = false;  // a crash point fired
  offset dirty_end{0};
  int64_t round_now = 0;
  std::unordered_map<std::string, int64_t> map;
  size_t map_bytes = 0;
  std::unordered_map<int64_t, std::pair<int16_t, int32_t>> last_seq;  // pid -> epoch, seq
  // The aborted transactions of the round's range (the partition's index).
  std::vector<aborted_txn> aborted;
  // The segment being read: its base, identity and size when the round saw it.
  offset cursor{0};
  const segment* seg = nullptr;
  uint64_t seg_size = 0;
  uint64_t pos = 0;
  // The clean phase's output for that segment.
  io::file_handle out;
  uint64_t out_size = 0;
  std::vector<std::byte> out_buf;
  bool changed = false;
  // Tombstone delete horizons kept: the earliest of this round, and of the
  // last finished round (when it passes, a round is due).
  timestamp_ms round_horizon = INT64_MAX;
  timestamp_ms next_horizon = INT64_MAX;
  clean_stats stats;
  // This round's clean phase so far: keys of values in batches kept whole,
  // and whether a batch could not be read (tombstone expiry then waits).
  std::unordered_set<std::string> pinned;
  bool opaque = false;
  // Scratch.
  std::vector<std::byte> read_buf;
  std::vector<std::byte> records_buf;
};

// Friend of partition_log: the cleaner's steps over its segments.
class cleaner {
 public:
  static bool step(partition_log& log, const clean_options& opts, int64_t now, uint64_t budget);
  // The partition's totals so far (zero before its first step).
  static clean_stats stats(const partition_log& log);

 private:
  static bool plan(partition_log& log, int64_t now);
  static bool map_step(partition_log& log, const clean_options& opts, uint64_t budget);
  static bool clean_step(partition_log& log, const clean_options& opts, uint64_t budget);
  static void start_clean(partition_log& log, const clean_options& opts);
  static void finish_round(partition_log& log);
  static void reset(partition_log& log);
  static bool segment_valid(partition_log& log);
  static void filter_batch(partition_log& log, const clean_options& opts,
                           std::span<const std::byte> bytes);
  static bool finish_segment(partition_log& log, const clean_options& opts);
  static std::error_code write_checkpoint(partition_log& log);
};

}  // namespace sluice::log
