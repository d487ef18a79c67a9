#pragma once
// One segment of a partition: <base>.log (RecordBatch v2 bytes, appended at the
// tail), <base>.index (sparse offset -> position) and <base>.timeindex (max
// timestamp -> offset). File names come from log/file_names.h.
//
// The segment keeps the bookkeeping of appends (size, next offset, largest
// timestamp, index entries every index.interval.bytes); the bytes themselves are
// written by partition_log through the I/O backend. Lookups scan batch headers
// from the nearest index entry and only look below `readable_end`, the position
// the caller knows to be written.
//
// Ownership: owned by its partition_log (unique_ptr). The .log fd is held by a
// shared segment_file so that a reader's file slice keeps it open after the
// segment is deleted by retention. Thread: the partition's shard thread.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "log/batch_scanner.h"
#include "log/errors.h"
#include "log/io/file_handle.h"
#include "log/offset_index.h"
#include "log/time_index.h"
#include "log/types.h"

namespace sluice::log {

namespace io {
class io_backend;
}

// The open .log file of a segment, shared with readers (sendfile needs the fd).
struct segment_file {
  io::file_handle handle;
  std::string path;
  int fd() const { return handle.get(); }
};

struct segment_config {
  uint64_t index_interval_bytes = 4096;       // log.index.interval.bytes
  size_t max_index_bytes = 10 * 1024 * 1024;  // log.index.size.max.bytes
};

class segment {
 public:
  // Creates new, empty files. The caller syncs the directory before the first ack.
  static result<std::unique_ptr<segment>> create(io::io_backend& io, const std::string& dir,
                                                 offset base, const segment_config& cfg);
  // Opens existing files without trusting them: size is the file size; call
  // load() or recover() next.
  static result<std::unique_ptr<segment>> open(io::io_backend& io, const std::string& dir,
                                               offset base, const segment_config& cfg);

  // Clean open: trusts the .log, checks the indexes against it, rebuilds them if
  // the check fails. Reads only the batches after the last offset-index entry
  // and the one the last time-index entry names. corrupt_file if the .log
  // itself does not parse or its offsets do not continue (validate it then).
  std::error_code load();

  struct recovery_result {
    uint64_t valid_bytes = 0;
    uint64_t truncated_bytes = 0;  // bytes cut from a torn or corrupt tail
    bool index_rebuilt = false;
  };
  // Unclean open: validates every batch (bounds, magic, CRC32C, offsets
  // contiguous from first_offset, the segment's base offset), truncates the
  // file at the first bad byte and rebuilds both indexes from the valid batches.
  result<recovery_result> recover(offset first_offset);

  // Records a batch that the caller is writing at append_position(); now_ms
  // (the log's clock) starts the log.roll.ms timer on the first batch.
  void record_append(const batch_info& batch, int64_t now_ms);

  // The first batch whose last offset >= target, among batches that end at or
  // before readable_end; nullopt if none. Reads batch headers only, from the
  // offset-index entry at or below target.
  std::optional<batch_info> find_batch(offset target, uint64_t readable_end,
                                       scan_counter* counter = nullptr) const;

  // What a read takes from this segment: the run of whole batches from the
  // one holding `target` on, each with base offset < limit, while the run
  // fits in `budget` bytes (its first batch always when `first_always`).
  // Found from the offset index and batch headers only: the headers from the
  // index entry at or below target up to target's batch, then from the last
  // index entry the run can include whole up to the run's end, one pread
  // each; the record bytes are never read. nullopt: no batch holds target.
  // With `headers`, every batch of the run is read (no stretch is taken
  // unread) and its header appended there, for a caller that needs them all
  // (a share group's acquisition) and would otherwise scan the run again.
  struct batch_run {
    file_position position;
    uint64_t length = 0;
    bool cut = false;  // a batch was left out for `limit` or `budget`
    // The first batch's base offset, and the first offset after the run;
    // next is -1 when the run ends at readable_end over an index stretch
    // taken unread (the caller knows the offset there).
    offset base{-1};
    offset next{-1};
  };
  std::optional<batch_run> read_run(offset target, uint64_t readable_end, offset limit,
                                    uint64_t budget, bool first_always, scan_counter* counter,
                                    std::vector<batch_info>* headers = nullptr) const;
  // The first batch whose max timestamp >= ts (below readable_end).
  std::optional<batch_info> find_batch_by_timestamp(timestamp_ms ts, uint64_t readable_end) const;

  // Drops every batch with base offset >= target (target must be a batch
  // boundary or past the end): truncates the file and both indexes.
  std::error_code truncate_to(offset target);
  // Cuts the segment at a batch boundary the caller knows (`target` starts at
  // byte `position`; the bytes from there on may be a torn batch that no scan
  // could parse). Keeps the index entries below target and rescans only the
  // stretch after the last one, so the cost does not grow with the segment.
  // The partition's roll-back after a failed write (disk full).
  std::error_code truncate_at(offset target, uint64_t position);
  // On roll and on clean close: shrink the indexes to their entries and msync.
  std::error_code trim_indexes();
  // msync + fdatasync of both indexes (clean close).
  std::error_code flush_indexes();
  // Re-expands trimmed indexes to log.index.size.max.bytes so the segment can
  // take appends again (Kafka's resizeIndexes on the active segment).
  std::error_code make_active();
  // Renames the files to *.deleted and unlinks them. Open readers keep the fd.
  std::error_code remove();
  // Batches below `o` may leave offset gaps (the log cleaner removed records
  // there; docs/storage-format.md, "Log compaction"): the offset-continuity
  // checks of load, recover and index rebuilds accept a forward jump below it.
  void allow_gaps_before(offset o) { gaps_before_ = o; }

  offset base_offset() const { return base_; }
  offset next_offset() const { return next_offset_; }
  uint64_t size() const { return size_; }
  file_position append_position() const { return file_position{size_}; }
  bool empty() const { return size_ == 0; }
  timestamp_ms max_timestamp() const { return max_timestamp_; }
  // For log.roll.ms, on the log's clock: the time of the first append, or of
  // the recovery that made this the active segment; 0 while it is empty
  // (an empty segment never rolls by age).
  int64_t created_ms() const { return created_ms_; }
  void set_created_ms(int64_t ms) { created_ms_ = ms; }
  int fd() const { return file_->fd(); }
  const std::shared_ptr<segment_file>& file() const { return file_; }
  const offset_index& index() const { return index_; }
  const time_index& timeindex() const { return time_index_; }

  segment(const segment&) = delete;
  segment& operator=(const segment&) = delete;

 private:
  segment(io::io_backend& io, std::string dir, offset base, segment_config cfg,
          std::shared_ptr<segment_file> file, offset_index index, time_index tindex, uint64_t size);
  static result<std::unique_ptr<segment>> open_files(io::io_backend& io, const std::string& dir,
                                                     offset base, const segment_config& cfg,
                                                     bool create);
  std::error_code rebuild_indexes(uint64_t end);
  void index_batch(const batch_info& batch);

  io::io_backend& io_;
  std::string dir_;
  offset base_;
  segment_config cfg_;
  std::shared_ptr<segment_file> file_;
  offset_index index_;
  time_index time_index_;
  uint64_t size_ = 0;
  offset next_offset_;
  timestamp_ms max_timestamp_ = no_timestamp;
  offset offset_of_max_timestamp_;
  uint64_t bytes_since_index_entry_ = 0;
  int64_t created_ms_ = 0;
  offset gaps_before_{0};
  bool continues(offset expected, offset base) const {
    return base == expected || (base > expected && base < gaps_before_);
  }
};

}  // namespace sluice::log
