#pragma once
// The log of one partition: an ordered set of segments in <log.dirs>/<topic>-<p>/.
//
// Offsets: log start offset <= high watermark <= log end offset.
//   - log end offset (LEO): the offset the next appended record gets; offsets
//     are assigned synchronously by append().
//   - high watermark (HW): what readers may see. Under durability::fsync it is
//     the end of data made durable by fdatasync; under durability::page_cache it
//     is the end of completed writes. A reader never sees a record that a crash
//     could take back under the active policy.
//
// Write path: append() validates nothing (the caller did), assigns offsets,
// patches baseOffset in place, queues an io_uring write of the caller's bytes
// (no copy) and returns. Completion callbacks run from io_backend::poll() on the
// owner's thread: ack_level::written once the write completed, ack_level::flushed
// once an fdatasync that covers it completed. Group commit: at most one
// fdatasync per segment is in flight; appends that complete meanwhile are all
// covered by the next one.
//
// Errors: a failed fdatasync, or a write that fails for any reason but a full
// disk, takes the partition (and, via the callback, its log directory)
// offline; it is never retried and acknowledged. A write that fails with
// ENOSPC/EDQUOT does not: it and every write after it are answered no_space,
// and once none is in flight the tail they occupied (a partial batch
// included) is cut back to the last completed write, the producer state is
// rebuilt to match, and the partition takes appends again. Reads are not
// affected. While the disk stays full, an append is refused with no_space
// before anything is written when the file system reports too little free
// space for it (docs/broker.md, "Disk full").
//
// Ownership: created and owned by log_manager. Holds its segments. Borrows the
// io_backend, which must outlive it. Thread: not thread-safe; every call is
// made on the thread that owns the io_backend (the partition's shard).

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "log/errors.h"
#include "log/log_config.h"
#include "log/segment.h"
#include "log/txn_types.h"
#include "log/types.h"

namespace sluice::log {

namespace io {
class io_backend;
}
class producer_state;
struct cleaner_state;
struct clean_options;
class cleaner;

// A byte range of a segment file, cut at batch boundaries; sent with sendfile.
// Holding it keeps the file open even if retention deletes the segment.
struct file_slice {
  std::shared_ptr<const segment_file> file;
  file_position position;
  uint32_t length = 0;
  // The offsets it spans: its first batch's base offset and the first
  // offset after its last batch (records, control records and compaction
  // gaps alike). Set by partition_log::read.
  offset base_offset{-1};
  offset next_offset{-1};
  int fd() const { return file->fd(); }
};

struct read_result {
  std::vector<file_slice> slices;
  uint64_t bytes = 0;
  offset high_watermark;
  offset log_start_offset;
  offset log_end_offset;
};

enum class ack_level {
  none,     // the caller does not wait (acks=0)
  written,  // the write completed: data is in the page cache (acks=1)
  flushed,  // an fdatasync covering the data completed (acks=all)
};

struct append_info {
  offset base_offset;            // first offset assigned
  offset last_offset;            // last offset assigned
  timestamp_ms log_append_time;  // -1 unless the topic uses LogAppendTime
  uint32_t batch_count = 0;
  // A retry of one of the producer's last 5 batches: nothing was written and
  // the offsets are the original batch's.
  bool duplicate = false;
};

using append_callback = std::function<void(std::error_code)>;

class partition_log {
 public:
  using aborted_txn = log::aborted_txn;
  using producer_info = log::producer_info;
  struct open_options {
    bool clean_shutdown = false;  // the log dir's clean marker was present
    offset recovery_point{0};     // from the recovery-point checkpoint
    offset log_start_offset{0};   // from the log-start-offset checkpoint
  };
  // Opens (running recovery as needed) or creates the partition directory.
  static result<std::unique_ptr<partition_log>> open(io::io_backend& io, std::string dir,
                                                     log_config cfg, const open_options& opts);

  ~partition_log();
  partition_log(const partition_log&) = delete;
  partition_log& operator=(const partition_log&) = delete;

  // Appends back-to-back batches that the caller has validated. The bytes are
  // patched in place and must stay alive and unchanged until `done` runs (for
  // ack_level::none, until poll() reports the write completed: keep them until
  // the callback, which is still called). `done` is called exactly once.
  //
  // Batches with a producer id (>= 0) are checked against and update the
  // partition's producer state first, all of the call's batches or none
  // (log/producer_state.h): out_of_order_sequence, invalid_producer_epoch,
  // invalid_txn_state or coordinator_fenced write nothing. A duplicate of one
  // of the producer's last 5 batches writes nothing either and answers the
  // original offsets with duplicate = true; `done` then runs (never inside
  // append) once the original is as durable as `level` asks. Control batches
  // (commit/abort markers, written by the transaction coordinator) end the
  // producer's ongoing transaction.
  result<append_info> append(std::span<std::byte> batches, ack_level level, append_callback done);

  // Transactions. The last stable offset: the first offset of the earliest
  // transaction that is ongoing, or completed with its marker not yet under
  // the high watermark; the high watermark when there is none.
  offset last_stable_offset() const;
  // Aborted transactions whose range [first, last] intersects [from, upper).
  std::vector<aborted_txn> aborted_transactions(offset from, offset upper) const;
  // The producers whose state this partition keeps (DescribeProducers).
  std::vector<producer_info> active_producers() const;
  // Forgets producers idle for producer.id.expiration.ms (never one with an
  // ongoing transaction); also run by enforce_retention. Returns how many.
  size_t remove_expired_producers(int64_t now_ms);

  // Reads from `fetch_offset` up to max_bytes (at least one whole batch if any
  // is readable), never past the high watermark (or `upper_bound` if lower).
  // Reads batch headers only, index-guided, into `scanned` if given
  // (segment::read_run): the records leave as file slices. With `headers`,
  // the header of every batch in the slices is appended there, in order,
  // from the same reads.
  result<read_result> read(offset fetch_offset, uint64_t max_bytes,
                           offset upper_bound = offset{INT64_MAX}, scan_counter* scanned = nullptr,
                           std::vector<batch_info>* headers = nullptr) const;

  // The first offset whose batch has max timestamp >= ts; nullopt if none (the
  // caller answers with the log end offset, as Kafka does).
  std::optional<offset> offset_for_timestamp(timestamp_ms ts) const;
  // The largest batch max timestamp of the segments that hold readable data
  // (no_timestamp if none): with offset_for_timestamp it finds the batch that
  // holds the newest record (ListOffsets MAX_TIMESTAMP).
  timestamp_ms max_timestamp() const;

  // Requests an fdatasync of everything written; `done` runs when durable.
  void flush(append_callback done);

  // Applies log.roll.ms and retention (bytes, ms) using now_ms. Returns the
  // number of segments deleted.
  size_t enforce_retention(int64_t now_ms);
  // DeleteRecords: moves the log start offset to `new_start` (<= HW) and
  // deletes segments wholly below it.
  std::error_code delete_records_before(offset new_start);
  // Drops every record at or after `target` (a batch boundary).
  std::error_code truncate_to(offset target);

  // Clean close: waits for in-flight I/O, flushes, trims indexes. The caller
  // then writes checkpoints and the clean-shutdown marker.
  std::error_code close();
  // Deletes every file and the directory (after close or on an offline log).
  std::error_code remove_all();

  // New settings (AlterConfigs); the partition keeps its clock and its
  // sync histogram, which are not settings but its owner's.
  void update_config(const log_config& cfg) {
    auto clock = std::move(cfg_.clock);
    sync_histogram* sync_latency = cfg_.sync_latency;
    cfg_ = cfg;
    cfg_.clock = std::move(clock);
    cfg_.sync_latency = sync_latency;
  }
  const log_config& config() const { return cfg_; }
  offset log_start_offset() const { return log_start_; }
  offset log_end_offset() const { return log_end_; }
  offset high_watermark() const;
  // Highest offset known durable (what the recovery-point checkpoint stores).
  offset recovery_point() const { return durable_end_; }
  uint64_t size_bytes() const;
  size_t segment_count() const { return segments_.size(); }
  bool offline() const { return static_cast<bool>(offline_error_); }
  const std::string& dir() const { return dir_; }
  size_t pending_writes() const { return writes_.size(); }

  // Log compaction (cleanup.policy=compact; log/cleaner.h, partition_log_clean.cc):
  // one bounded slice of the log cleaner's work, at most about `budget` bytes
  // read. True while a cleaning round is under way (call again soon).
  bool clean_step(const clean_options& opts, int64_t now_ms, uint64_t budget);

  // Called when an I/O error takes this partition offline (log_manager marks
  // the whole log dir offline).
  // Takes the partition offline because its log directory failed elsewhere.
  void take_offline(std::error_code ec) { go_offline(ec); }
  void set_offline_handler(std::function<void(std::error_code)> h) { on_offline_ = std::move(h); }
  // Called (on the owner's thread, from io_backend::poll) each time the high
  // watermark moves up; a fetch long-poll waits on it instead of a timer.
  void set_high_watermark_listener(std::function<void(offset)> f) {
    on_high_watermark_ = std::move(f);
  }

 private:
  struct pending_write;
  struct pending_sync;
  struct waiter {
    offset end;  // covered once durable_end_ >= end
    append_callback done;
  };

  partition_log(io::io_backend& io, std::string dir, log_config cfg);

  // Recovery (partition_log_recover.cc): recover() runs these passes in order.
  struct load_state;
  std::error_code recover(const open_options& opts);
  std::error_code remove_temp_files_and_list_segments(load_state& st);
  std::error_code load_segment(load_state& st, offset base);
  std::error_code drop_segment(offset base);
  std::error_code recover_unflushed_segment(load_state& st, segment& seg,
                                            std::optional<offset> next);
  std::error_code check_flushed_segment(load_state& st, segment& seg, std::optional<offset> next);
  std::error_code create_segment_if_empty(load_state& st);
  std::error_code activate_last_segment();
  void set_offsets_from_segments(const open_options& opts);

  segment_config segment_cfg() const { return {cfg_.index_interval_bytes, cfg_.max_index_bytes}; }
  std::error_code roll(offset next_base);
  segment& active() { return *segments_.rbegin()->second; }
  const segment* segment_for(offset o) const;
  uint64_t readable_end(const segment& s) const;
  void drain_io();
  std::error_code delete_segment(offset base);

  // Producer state hooks (partition_log_txn.cc).
  std::error_code recover_producer_state();
  std::error_code seal_producer_files(offset sealed_base, offset next_base);
  std::error_code persist_producer_files();
  void on_log_start_moved();
  std::error_code rebuild_producer_state(offset target);
  result<append_info> answer_duplicate(const append_info& original, ack_level level,
                                       append_callback done);

  void submit(pending_write* w);
  void on_write_complete(pending_write* w, int32_t res);
  void on_sync_complete(pending_sync* s, int32_t res);
  void advance_written();
  void maybe_start_sync();
  void go_offline(std::error_code ec);
  // Disk full (partition_log_write.cc).
  void fail_no_space(pending_write* w);
  std::error_code roll_back_unwritten();
  bool space_for(size_t bytes) const;
  void notify_high_watermark();
  void fail_waiters(std::error_code ec);

  io::io_backend& io_;
  std::string dir_;
  log_config cfg_;
  std::map<offset, std::unique_ptr<segment>> segments_;
  offset log_start_{0};
  offset log_end_{0};         // LEO: next offset to assign
  offset written_end_{0};     // all writes below it completed
  uint64_t written_pos_ = 0;  // position in the active segment of written_end_
  offset durable_end_{0};     // all data below it fdatasynced
  std::deque<std::unique_ptr<pending_write>> writes_;  // in file order
  std::deque<waiter> flush_waiters_;                   // ordered by end
  std::unique_ptr<pending_sync> sync_in_flight_;
  bool sync_requested_ = false;
  offset sync_barrier_{-1};  // a wanted sync starts once written_end_ reaches it
  uint64_t unflushed_messages_ = 0;
  int64_t last_flush_ms_ = 0;
  offset written_segment_{0};  // base offset of the segment holding written_pos_
  // Files with completed writes not yet covered by an fdatasync (the active
  // segment, and a just-rolled one whose tail is not yet synced).
  std::vector<std::shared_ptr<segment_file>> dirty_files_;
  std::error_code offline_error_;
  // A write failed for lack of space: the writes after it fail too, and the
  // tail is rolled back once none is in flight (before any new append).
  bool no_space_ = false;
  bool no_space_producers_ = false;  // a failed write carried producer batches
  bool space_low_ = false;           // since the last no-space failure: check first
  std::function<void(std::error_code)> on_offline_;
  std::function<void(offset)> on_high_watermark_;
  offset notified_high_watermark_{0};
  std::unique_ptr<producer_state> producers_;

  // Log compaction (partition_log_clean.cc). The cleaner reads the segments
  // and swaps cleaned ones in on this thread.
  friend class cleaner;
  // Start-up: finishes or drops an interrupted swap (*.swap, *.cleaned) and
  // reads cleaner-offset-checkpoint. Before the segments are opened.
  std::error_code recover_clean_state();
  std::shared_ptr<cleaner_state> clean_;
  // Below it a segment may have offset gaps (segment::allow_gaps_before).
  offset clean_gap_end_{0};
};

}  // namespace sluice::log
