// partition_log's write path: offset assignment, io_uring submission, ordered
// completion, group-committed fdatasync and the offline transition.
#include <sys/statvfs.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

#include "log/io/io_backend.h"
#include "log/partition_log.h"
#include "log/producer_state.h"
#include "log/record_batch.h"

namespace sluice::log {
namespace {

// Keeps flush_waiters_ ordered by end, which on_sync_complete relies on to
// answer a prefix. Appends complete in file order, but flush() waits for
// log_end_, past writes still in flight whose acks=all waiters come later;
// appended at the back, one of those would hold a covered append's ack back
// for another whole fdatasync.
template <class Waiters, class Waiter>
void insert_by_end(Waiters& waiters, Waiter w) {
  auto at = std::upper_bound(waiters.begin(), waiters.end(), w.end,
                             [](offset end, const Waiter& x) { return end < x.end; });
  waiters.insert(at, std::move(w));
}

}  // namespace

struct partition_log::pending_write final : io::io_op {
  partition_log* log = nullptr;
  std::shared_ptr<segment_file> file;
  offset segment_base;
  uint64_t position = 0;  // where the remaining bytes go
  iovec iov{};            // the remaining bytes
  uint64_t end_position = 0;
  offset end_offset;  // next offset after this write
  uint64_t messages = 0;
  ack_level level = ack_level::none;
  append_callback done;
  bool completed = false;
  // Carries no data: answers a duplicate once the writes before it completed
  // (end_offset is then the original batch's end, not a new write end).
  bool no_data = false;
  bool producer = false;  // carries batches that changed the producer state
  std::error_code error;

  void complete(int32_t res) override { log->on_write_complete(this, res); }
};

struct partition_log::pending_sync final : io::io_op {
  partition_log* log = nullptr;
  std::vector<std::shared_ptr<segment_file>> files;
  offset target;
  size_t outstanding = 0;
  std::error_code error;
  std::chrono::steady_clock::time_point started;  // for the sync histogram

  void complete(int32_t res) override { log->on_sync_complete(this, res); }
};

// Constructor and destructor live here, where pending_write and pending_sync
// are complete types.
partition_log::partition_log(io::io_backend& io, std::string dir, log_config cfg)
    : io_(io),
      dir_(std::move(dir)),
      cfg_(std::move(cfg)),
      producers_(std::make_unique<producer_state>()) {}

partition_log::~partition_log() { drain_io(); }

// Waits for this partition's writes and sync: their io_op objects live here.
void partition_log::drain_io() {
  io_.flush();
  while (!writes_.empty() || sync_in_flight_) {
    if (io_.wait() == 0 && io_.in_flight() == 0) break;  // nothing left that could complete
  }
}

result<append_info> partition_log::append(std::span<std::byte> batches, ack_level level,
                                          append_callback done) {
  if (offline_error_) return errc::storage_offline;
  if (batches.empty()) return errc::invalid_argument;
  if (no_space_) {
    // The tail of a failed write is still to be cut (writes are in flight).
    if (!writes_.empty()) return errc::no_space;
    if (auto ec = roll_back_unwritten()) {
      go_offline(ec);
      return errc::storage_offline;
    }
  }
  // While the disk is full, refuse before writing: a write that fails costs a
  // roll-back (and a producer-state rebuild) each time a producer retries.
  if (space_low_ && !space_for(batches.size())) return errc::no_space;

  // Count and bound the batches first so nothing is written for a bad request.
  uint32_t count = 0;
  int64_t total_delta = 0;
  uint64_t messages = 0;
  {
    batch_iterator it(batches);
    record_batch_view v(batches);
    while (it.next(v)) {
      ++count;
      total_delta += static_cast<int64_t>(v.last_offset_delta()) + 1;
      messages += static_cast<uint64_t>(v.record_count());
    }
    if (it.consumed() != batches.size()) return errc::corrupt_batch;
  }

  int64_t now = now_ms(cfg_);
  // Producer state: every batch is checked before anything is written, and
  // the changes are applied only once all passed.
  producer_state::staged staged;
  bool has_producer = false;
  {
    batch_iterator pit(batches);
    record_batch_view pv(batches);
    offset next = log_end_;
    bool first = true;
    while (pit.next(pv)) {
      if (pv.producer_id() >= 0) {
        // A batch without a max timestamp (Sarama 1.22 sends -1) dates its
        // producer by the append, or producer expiry would forget it at once.
        const bool append_dated = cfg_.log_append_time || pv.max_timestamp() < 0;
        producer_batch_meta m = producer_meta(pv, next, append_dated ? now : no_timestamp);
        if (m.control() && !m.marker) return errc::corrupt_batch;
        // As Kafka, only the first batch is looked up: a producer sends one
        // batch per partition.
        if (first) {
          if (auto dup = producers_->find_duplicate(m)) {
            append_info orig;
            orig.base_offset = dup->first_offset;
            orig.last_offset = dup->last_offset;
            orig.log_append_time = no_timestamp;
            orig.batch_count = count;
            orig.duplicate = true;
            return answer_duplicate(orig, level, std::move(done));
          }
        }
        if (auto ec = producers_->stage(m, staged, /*validate=*/true)) return ec;
        has_producer = true;
      }
      first = false;
      next = next + static_cast<int64_t>(pv.last_offset_delta()) + 1;
    }
  }

  segment* seg = &active();
  bool too_big = !seg->empty() && seg->size() + batches.size() > cfg_.segment_bytes;
  bool too_old = !seg->empty() && now - seg->created_ms() >= cfg_.roll_ms;
  bool offsets_overflow = (log_end_ + total_delta) - seg->base_offset() > INT32_MAX;
  if (too_big || too_old || seg->index().is_full() || seg->timeindex().is_full() ||
      (offsets_overflow && !seg->empty())) {
    if (auto ec = roll(log_end_)) {
      // A full disk refuses the append and leaves the log as it was: roll()
      // created nothing it could not complete, and the old segment, now
      // trimmed, makes the next append try to roll again.
      if (ec == errc::no_space) {
        space_low_ = true;
        return errc::no_space;
      }
      go_offline(ec);
      return errc::storage_offline;
    }
    seg = &active();
  }

  append_info info;
  info.base_offset = log_end_;
  info.log_append_time = cfg_.log_append_time ? now : no_timestamp;
  info.batch_count = count;
  uint64_t position = seg->size();
  const uint64_t start_position = position;
  batch_iterator it(batches);
  record_batch_view v(batches);
  size_t consumed = 0;
  while (it.next(v)) {
    auto bytes = batches.subspan(consumed, v.size_in_bytes());
    consumed += bytes.size();
    set_base_offset(bytes, log_end_);
    if (cfg_.log_append_time) set_log_append_time(bytes, now);
    batch_info b;
    b.position = file_position{position};
    b.size = static_cast<uint32_t>(bytes.size());
    b.base_offset = log_end_;
    b.last_offset = log_end_ + record_batch_view(bytes).last_offset_delta();
    b.max_timestamp = record_batch_view(bytes).max_timestamp();
    seg->record_append(b, now);
    position += bytes.size();
    log_end_ = b.next_offset();
  }
  info.last_offset = log_end_ - 1;
  if (has_producer) producers_->apply(std::move(staged), seg->base_offset());

  auto w = std::make_unique<pending_write>();
  w->log = this;
  w->file = seg->file();
  w->segment_base = seg->base_offset();
  w->position = start_position;
  w->iov = iovec{batches.data(), batches.size()};
  w->end_position = position;
  w->end_offset = log_end_;
  w->messages = messages;
  w->level = level;
  w->done = std::move(done);
  w->producer = has_producer;
  pending_write* raw = w.get();
  writes_.push_back(std::move(w));
  submit(raw);
  return info;
}

// A duplicate: no bytes, but a place in the write order, so that `done` runs
// from poll() once everything before it completed (and, for acks=all, once
// the original is durable), never inside append().
result<append_info> partition_log::answer_duplicate(const append_info& original, ack_level level,
                                                    append_callback done) {
  segment& seg = active();
  auto w = std::make_unique<pending_write>();
  w->log = this;
  w->file = seg.file();
  w->segment_base = seg.base_offset();
  w->position = seg.size();
  w->iov = iovec{nullptr, 0};
  w->end_position = seg.size();
  w->end_offset = original.last_offset + 1;
  w->level = level;
  w->done = std::move(done);
  w->no_data = true;
  pending_write* raw = w.get();
  writes_.push_back(std::move(w));
  submit(raw);
  return original;
}

void partition_log::submit(pending_write* w) {
  io_.submit_write(w->file->fd(), w->position, std::span<const iovec>(&w->iov, 1), w);
}

void partition_log::on_write_complete(pending_write* w, int32_t res) {
  if (w->error) {
    // Already failed (it follows a write that found the disk full): whatever
    // landed is cut by the roll-back; only its completion was awaited.
    w->completed = true;
    advance_written();
    return;
  }
  if (res == -EINTR || res == -EAGAIN) {
    submit(w);  // nothing was written: resubmit as is
    return;
  }
  if (res >= 0 && static_cast<size_t>(res) < w->iov.iov_len && !offline_error_ && !w->error) {
    // Short write: resubmit the remainder at the advanced position.
    w->iov.iov_base = static_cast<std::byte*>(w->iov.iov_base) + res;
    w->iov.iov_len -= static_cast<size_t>(res);
    w->position += static_cast<uint64_t>(res);
    if (res > 0) {
      submit(w);
      return;
    }
    res = -EIO;  // a zero-byte write makes no progress: treat as an I/O error
  }
  w->completed = true;
  if (res == -ENOSPC || res == -EDQUOT) {
    fail_no_space(w);
  } else if (res < 0 && !w->error) {
    w->error = make_error_code(errc::io_error);
    go_offline(w->error);
  }
  advance_written();
}

// Pops completed writes in file order so written_end_ only covers a prefix.
void partition_log::advance_written() {
  std::vector<std::pair<append_callback, std::error_code>> calls;
  while (!writes_.empty() && writes_.front()->completed) {
    std::unique_ptr<pending_write> w = std::move(writes_.front());
    writes_.pop_front();
    if (offline_error_) {
      calls.emplace_back(std::move(w->done), errc::storage_offline);
      continue;
    }
    if (w->error) {
      // Failed for lack of space (fail_no_space): written_* stay at the last
      // good write, which is where roll_back_unwritten cuts.
      calls.emplace_back(std::move(w->done), w->error);
      continue;
    }
    space_low_ = false;  // a write went through: space is back
    if (!w->no_data) {
      written_end_ = w->end_offset;
      written_segment_ = w->segment_base;
      written_pos_ = w->end_position;
      unflushed_messages_ += w->messages;
      bool seen = false;
      for (auto& f : dirty_files_) seen = seen || f == w->file;
      if (!seen) dirty_files_.push_back(w->file);
    }
    // A duplicate whose original is already durable is answered at once.
    if (w->level == ack_level::flushed && durable_end_ < w->end_offset) {
      insert_by_end(flush_waiters_, waiter{w->end_offset, std::move(w->done)});
    } else {
      calls.emplace_back(std::move(w->done), std::error_code{});
    }
  }
  if (no_space_ && writes_.empty() && !offline_error_) {
    // Cut before anyone hears of the failure, so that an answer's retry finds
    // the log as it was before the failed writes.
    if (auto ec = roll_back_unwritten()) go_offline(ec);
  }
  if (!offline_error_) maybe_start_sync();
  for (auto& [cb, ec] : calls) {
    if (cb) cb(ec);
  }
  if (cfg_.policy == durability::page_cache) notify_high_watermark();
}

// Tells the owner (the broker's fetch long-poll) that readers can see more.
void partition_log::notify_high_watermark() {
  offset hw = high_watermark();
  if (hw <= notified_high_watermark_) return;
  notified_high_watermark_ = hw;
  // Completed transactions whose marker the HW now covers stop holding the LSO.
  producers_->on_high_watermark(hw);
  if (on_high_watermark_) on_high_watermark_(hw);
}

void partition_log::maybe_start_sync() {
  if (sync_in_flight_ || offline_error_ || dirty_files_.empty()) return;
  bool want = sync_requested_ || !flush_waiters_.empty();
  if (cfg_.policy == durability::fsync) want = true;
  if (unflushed_messages_ >= static_cast<uint64_t>(cfg_.flush_interval_messages)) want = true;
  if (cfg_.flush_interval_ms != INT64_MAX &&
      now_ms(cfg_) - last_flush_ms_ >= cfg_.flush_interval_ms) {
    want = true;
  }
  if (!want) return;
  // Let the writes already in flight finish first, so one fdatasync covers
  // them all instead of the first of them alone. Writes submitted after this
  // point do not extend the wait, so a steady stream cannot starve the sync.
  if (sync_barrier_.value < 0)
    sync_barrier_ = writes_.empty() ? written_end_ : writes_.back()->end_offset;
  if (written_end_ < sync_barrier_) return;
  sync_barrier_ = offset{-1};
  sync_requested_ = false;
  auto s = std::make_unique<pending_sync>();
  s->log = this;
  s->files.swap(dirty_files_);
  s->target = written_end_;
  s->outstanding = s->files.size();
  unflushed_messages_ = 0;
  last_flush_ms_ = now_ms(cfg_);
  s->started = std::chrono::steady_clock::now();
  sync_in_flight_ = std::move(s);
  for (auto& f : sync_in_flight_->files) io_.submit_datasync(f->fd(), sync_in_flight_.get());
}

void partition_log::on_sync_complete(pending_sync* s, int32_t res) {
  if (res < 0 && !s->error) {
    s->error = res == -ENOSPC ? make_error_code(errc::no_space) : make_error_code(errc::io_error);
  }
  if (--s->outstanding > 0) return;
  std::unique_ptr<pending_sync> done = std::move(sync_in_flight_);
  if (cfg_.sync_latency != nullptr) {
    cfg_.sync_latency->observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - done->started).count());
  }
  if (done->error) {
    // Never retried: after a failed fdatasync the kernel may have dropped the
    // dirty pages, so a retry could "succeed" without the data (fsyncgate).
    go_offline(done->error);
    return;
  }
  if (done->target > durable_end_) durable_end_ = done->target;
  std::vector<append_callback> calls;
  while (!flush_waiters_.empty() && flush_waiters_.front().end <= durable_end_) {
    calls.push_back(std::move(flush_waiters_.front().done));
    flush_waiters_.pop_front();
  }
  maybe_start_sync();
  for (auto& cb : calls) {
    if (cb) cb({});
  }
  notify_high_watermark();
}

void partition_log::flush(append_callback done) {
  if (offline_error_) {
    if (done) done(errc::storage_offline);
    return;
  }
  if (durable_end_ >= log_end_ && writes_.empty()) {
    if (done) done({});
    return;
  }
  insert_by_end(flush_waiters_, waiter{log_end_, std::move(done)});
  sync_requested_ = true;
  maybe_start_sync();
}

// `w` failed for lack of space. It and every write queued after it are
// answered no_space whatever their own result: their offsets follow the hole.
// The writes before it complete as usual. Nothing goes offline: a full disk
// is fixed by freeing space, and what the disk already holds stays readable.
void partition_log::fail_no_space(pending_write* w) {
  no_space_ = true;
  space_low_ = true;
  bool after = false;
  for (auto& q : writes_) {
    after = after || q.get() == w;
    if (!after || q->error) continue;
    q->error = make_error_code(errc::no_space);
    no_space_producers_ = no_space_producers_ || q->producer;
  }
}

// Cuts the log back to the end of the last completed write: the segments
// rolled after it go, the segment holding it is cut at its end (a torn batch
// included), and the producer state forgets the failed batches. Runs with no
// write in flight. Durable data is never touched: durable_end_ <= written_end_.
std::error_code partition_log::roll_back_unwritten() {
  const offset target = written_end_;
  bool deleted = false;
  while (segments_.size() > 1 && segments_.rbegin()->first > target) {
    if (auto ec = delete_segment(segments_.rbegin()->first)) return ec;
    deleted = true;
  }
  segment& seg = active();
  uint64_t position = 0;
  if (seg.base_offset() == written_segment_) {
    position = written_pos_;
  } else if (seg.base_offset() != target) {
    return errc::corrupt_file;  // the written end is in no segment: cannot happen
  }
  if (auto ec = seg.truncate_at(target, position)) return ec;
  if (auto ec = seg.make_active()) return ec;
  // The deleted segments must not come back after a crash beside new data.
  if (deleted) {
    if (auto ec = io_.sync_dir(dir_)) return ec;
  }
  log_end_ = target;
  written_segment_ = seg.base_offset();
  written_pos_ = position;
  durable_end_ = std::min(durable_end_, target);
  notified_high_watermark_ = std::min(notified_high_watermark_, target);
  sync_barrier_ = offset{-1};
  // A flush() asked for the old log end: what exists of it ends here. The
  // next fdatasync (of the cut file, which also makes the cut durable)
  // answers it.
  for (auto& fw : flush_waiters_) fw.end = std::min(fw.end, target);
  if (!flush_waiters_.empty()) sync_requested_ = true;
  if (std::find(dirty_files_.begin(), dirty_files_.end(), seg.file()) == dirty_files_.end()) {
    dirty_files_.push_back(seg.file());
  }
  no_space_ = false;
  if (std::exchange(no_space_producers_, false)) return rebuild_producer_state(target);
  return {};
}

// Whether the file system of the active segment reports room for `bytes`
// (plus a margin for the indexes and metadata). An fstatvfs that fails says yes:
// the write itself will tell.
bool partition_log::space_for(size_t bytes) const {
  struct statvfs st {};
  const auto& segs = segments_;
  if (segs.empty() || ::fstatvfs(segs.rbegin()->second->fd(), &st) != 0) return true;
  constexpr uint64_t margin = 64 * 1024;
  return static_cast<uint64_t>(st.f_bavail) * st.f_frsize >= bytes + margin;
}

void partition_log::go_offline(std::error_code ec) {
  if (offline_error_) return;
  offline_error_ = ec;
  std::vector<append_callback> calls;
  for (auto& w : flush_waiters_) calls.push_back(std::move(w.done));
  flush_waiters_.clear();
  if (on_offline_) on_offline_(ec);
  for (auto& cb : calls) {
    if (cb) cb(errc::storage_offline);
  }
}

offset partition_log::high_watermark() const {
  return cfg_.policy == durability::fsync ? durable_end_ : written_end_;
}

}  // namespace sluice::log
