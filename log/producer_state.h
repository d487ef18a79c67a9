#pragma once
// The producer state of one partition: for every producer id it has seen, the
// epoch, the sequence ranges and offsets of its last 5 batches, the
// coordinator epoch of its last marker and its ongoing transaction; the
// partition's ongoing and completed-but-not-yet-stable transactions (the last
// stable offset); and the aborted transactions of each segment.
//
// The rules are those of Kafka's current broker (ProducerAppendInfo):
//   - epoch older than the producer's: invalid_producer_epoch.
//   - a newer epoch (a bump) must start at sequence 0, unless the producer had
//     no epoch yet (unknown producers accept any sequence).
//   - the same epoch: the first sequence follows the last one (INT32_MAX wraps
//     to 0); a producer that is known by an epoch only accepts 0.
//   - a batch equal (epoch, first and last sequence) to one of the last 5 is a
//     duplicate: the caller answers the original offsets and writes nothing.
//   - a non-transactional batch during an ongoing transaction: invalid_txn_state.
//   - a marker (control batch) ends the ongoing transaction; an older
//     coordinator epoch is coordinator_fenced.
//
// Durability: snapshots (log/producer_snapshot.h) at roll and clean close,
// rebuilt at open from the newest valid one plus the batch headers after it;
// aborted transactions in each segment's .txnindex (log/txn_index.h).
//
// Ownership: one per partition_log. Thread: the partition's shard.

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <system_error>
#include <vector>

#include "base/batch_layout.h"
#include "log/txn_types.h"
#include "log/types.h"

namespace sluice::log {

inline constexpr size_t producer_batches_kept = 5;  // Kafka's NUM_BATCHES_TO_RETAIN

struct producer_batch {
  int32_t first_seq = -1;
  int32_t last_seq = -1;
  offset first_offset;
  offset last_offset;
  timestamp_ms max_timestamp = no_timestamp;
  bool operator==(const producer_batch&) const = default;
};

struct producer_entry {
  int64_t producer_id = -1;
  int16_t epoch = -1;  // -1: none yet (e.g. unknown producer)
  int32_t coordinator_epoch = -1;
  timestamp_ms last_timestamp = no_timestamp;
  offset current_txn_first_offset{-1};  // -1: no ongoing transaction
  offset last_offset{-1};               // of its last batch or marker
  std::deque<producer_batch> batches;   // oldest first, at most 5, this epoch only
  int32_t last_seq() const { return batches.empty() ? -1 : batches.back().last_seq; }
  bool operator==(const producer_entry&) const = default;
};

// The one record of a control batch: an end-transaction marker.
struct end_txn_marker {
  bool commit = false;
  int32_t coordinator_epoch = 0;
};
// Parses the control record of a whole control batch; nullopt when it is not
// a well-formed commit or abort marker.
std::optional<end_txn_marker> parse_end_txn_marker(std::span<const std::byte> batch);

// What the producer state reads of one batch.
struct producer_batch_meta {
  int64_t producer_id = -1;
  int16_t epoch = -1;
  int32_t base_sequence = -1;
  int32_t last_offset_delta = 0;
  int16_t attributes = 0;
  offset base_offset;
  timestamp_ms max_timestamp = no_timestamp;
  std::optional<end_txn_marker> marker;  // control batches
  bool transactional() const { return (attributes & base::batch_transactional_bit) != 0; }
  bool control() const { return (attributes & base::batch_control_bit) != 0; }
  int32_t last_sequence() const;
  offset last_offset() const { return base_offset + last_offset_delta; }
};

class record_batch_view;
// The producer fields of a batch about to get base offset `base`; its max
// timestamp is `append_time` when the topic uses LogAppendTime (not -1).
producer_batch_meta producer_meta(const record_batch_view& v, offset base,
                                  timestamp_ms append_time);

// The last sequence of a batch starting at `base` spanning `delta` more
// records, wrapping after INT32_MAX as producers do.
int32_t increment_sequence(int32_t base, int32_t delta);

class producer_state {
 public:
  // The changes of one append, checked against the state and the earlier
  // batches of the same append; applied only if every batch passed.
  struct staged {
    std::map<int64_t, producer_entry> entries;  // updated copies
    struct completed {
      int64_t producer_id;
      offset first_offset;
      offset last_offset;  // the marker
      bool abort;
    };
    std::vector<completed> completed_txns;
    std::vector<std::pair<offset, int64_t>> started_txns;  // first offset, producer
    // Each producer's epoch before the append: Kafka accepts any sequence
    // from a producer that had none, for every batch of the append.
    std::map<int64_t, int16_t> epochs_before;
  };

  // The cached batch `b` repeats (same producer, epoch and sequence range).
  std::optional<producer_batch> find_duplicate(const producer_batch_meta& b) const;
  // Checks `b` (when `validate`) and records its effect in `s`.
  std::error_code stage(const producer_batch_meta& b, staged& s, bool validate) const;
  // Applies a staged append whose markers lie in segment `active_base`.
  void apply(staged&& s, offset active_base);
  // Stages and applies one batch without checks (rebuilding from the log).
  void replay(const producer_batch_meta& b, offset segment_base);

  offset last_stable_offset(offset high_watermark) const;
  // Completed transactions whose marker is below the high watermark no longer
  // hold the last stable offset back.
  void on_high_watermark(offset high_watermark);
  std::vector<aborted_txn> aborted(offset from, offset upper) const;
  std::vector<producer_info> active_producers() const;
  size_t remove_expired(int64_t now_ms, int64_t expiration_ms);
  // The log start moved: forget producers whose last batch lies below it
  // (unless a transaction is ongoing), and aborted lists of deleted segments.
  void on_log_start(offset log_start, const std::function<bool(offset)>& segment_exists);

  // Snapshots and recovery.
  std::vector<producer_entry> entries() const;
  void load(std::vector<producer_entry> entries);
  void clear();
  // Aborted transactions of one segment (markers in it).
  const std::vector<aborted_txn>& segment_aborted(offset base) const;
  void set_segment_aborted(offset base, std::vector<aborted_txn> list);
  void drop_segment(offset base) { aborted_.erase(base); }
  // Drops aborted entries whose marker is at or after `target`.
  void truncate_aborted(offset target);
  // Segments whose aborted list is rebuilt by a scan rather than loaded from
  // their .txnindex: while set, replay() adds aborted transactions only to
  // those (nullopt: to every segment, as appends do).
  void set_rebuilding(std::optional<std::vector<offset>> bases) { rebuilding_ = std::move(bases); }
  bool empty() const { return producers_.empty(); }
  const producer_entry* find(int64_t producer_id) const;

 private:
  offset stable_after(int64_t producer_id, offset marker) const;

  std::map<int64_t, producer_entry> producers_;
  std::map<offset, int64_t> ongoing_;                   // first offset -> producer id
  std::map<offset, offset> unreplicated_;               // completed: first offset -> marker offset
  std::map<offset, std::vector<aborted_txn>> aborted_;  // by segment base
  std::optional<std::vector<offset>> rebuilding_;
};

}  // namespace sluice::log
