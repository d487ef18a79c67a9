// partition_log: opening and recovery, reads, lookups, roll, retention and
// truncation. The write path is in partition_log_write.cc.
#include "log/partition_log.h"

#include <dirent.h>

#include <algorithm>
#include <cstring>
#include <string_view>

#include "log/file_names.h"
#include "log/io/io_backend.h"

namespace sluice::log {

namespace {

// Lists a directory's file names (not "." and "..").
result<std::vector<std::string>> list_dir(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return errc::io_error;
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d)) {
    std::string_view n = e->d_name;
    if (n != "." && n != "..") names.emplace_back(n);
  }
  ::closedir(d);
  return names;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

result<std::unique_ptr<partition_log>> partition_log::open(io::io_backend& io, std::string dir,
                                                           log_config cfg,
                                                           const open_options& opts) {
  if (auto ec = io.create_dir(dir)) return ec;
  std::unique_ptr<partition_log> log(new partition_log(io, std::move(dir), std::move(cfg)));
  if (auto ec = log->recover(opts)) return ec;
  return log;
}

// Recovery, in passes:
//   1. Remove leftovers of interrupted operations (*.tmp, *.deleted) and index
//      files whose .log is gone.
//   2. Open every segment in base-offset order.
//   3. Clean shutdown: trust the .log files; check each index against its log
//      and rebuild the ones that disagree. Unclean: the same for segments below
//      the recovery point; from the segment holding the recovery point on,
//      validate every batch, truncate at the first bad byte, drop all later
//      segments (also when a segment ends short of the next one's base
//      offset), rebuild the indexes, and fdatasync what was kept so that the
//      high watermark is durable again. A trusted segment whose tail does not
//      parse, or whose end overlaps the next segment, is validated and cut the
//      same way, but the later segments stay.
//   4. Set log start, log end, written and durable offsets.
std::error_code partition_log::recover(const open_options& opts) {
  // An interrupted compaction swap is finished or dropped first (log/cleaner.h).
  if (auto ec = recover_clean_state()) return ec;
  auto names = list_dir(dir_);
  if (!names) return names.error();
  std::vector<offset> bases;
  std::vector<std::string> orphans;
  for (const auto& n : *names) {
    if (ends_with(n, file_names::tmp_suffix) || ends_with(n, file_names::deleted_suffix)) {
      orphans.push_back(n);
      continue;
    }
    auto parsed = file_names::parse_segment_file(n);
    if (parsed && parsed->kind == file_names::segment_file_kind::log)
      bases.push_back(parsed->base_offset);
  }
  for (const auto& n : *names) {
    auto parsed = file_names::parse_segment_file(n);
    if (parsed && parsed->kind != file_names::segment_file_kind::log &&
        std::find(bases.begin(), bases.end(), parsed->base_offset) == bases.end()) {
      orphans.push_back(n);
    }
  }
  for (const auto& n : orphans) {
    if (auto ec = io_.remove(dir_ + "/" + n); ec && ec != errc::not_found) return ec;
  }
  std::sort(bases.begin(), bases.end());

  segment_config scfg{cfg_.index_interval_bytes, cfg_.max_index_bytes};
  offset expected_next{-1};
  bool drop_rest = false;
  bool synced_any = false;
  for (offset base : bases) {
    if (drop_rest || (expected_next.value >= 0 && base < expected_next)) {
      // After a truncation everything later is suspect; an overlapping segment
      // is corrupt. Either way its records cannot be trusted.
      drop_rest = true;
      auto seg = segment::open(io_, dir_, base, scfg);
      if (seg) {
        if (auto ec = (*seg)->remove()) return ec;
      }
      continue;
    }
    auto seg = segment::open(io_, dir_, base, scfg);
    if (!seg) return seg.error();
    (*seg)->allow_gaps_before(clean_gap_end_);
    auto next_it = std::upper_bound(bases.begin(), bases.end(), base);
    bool past_recovery_point = !opts.clean_shutdown;
    if (past_recovery_point) {
      // Segments that end at or before the recovery point were fully synced.
      bool below = next_it != bases.end() && *next_it <= opts.recovery_point;
      past_recovery_point = !below;
    }
    if (past_recovery_point) {
      auto r = (*seg)->recover(base);
      if (!r) return r.error();
      // Cut, or ending short of the next segment (its unsynced tail was lost
      // whole, on a batch boundary): what follows would leave a hole.
      bool short_of_next = next_it != bases.end() && (*seg)->next_offset() != *next_it;
      // A cleaned segment may end before the next one begins (its last records
      // were compacted away); it was synced whole before it was swapped in.
      if (short_of_next && (*seg)->next_offset() < *next_it && *next_it <= clean_gap_end_) {
        short_of_next = false;
      }
      if (r->truncated_bytes > 0 || short_of_next) drop_rest = true;
      if (auto ec = io_.sync((*seg)->fd())) return ec;
      synced_any = true;
    } else {
      // A trusted segment: load() reads only its tail. If even that does not
      // hold together (a header that does not parse, offsets that do not
      // continue) or its end overlaps the next segment, the bytes were damaged
      // after they were synced. Validate this segment as Kafka does when a
      // segment fails its sanity check: cut it at the first bad batch, but keep
      // the later segments, whose data was synced too; dropping them would
      // move the log end offset back and reuse offsets readers have seen.
      std::error_code ec = (*seg)->load();
      if (ec && ec != errc::corrupt_file) return ec;
      if (ec || (next_it != bases.end() && (*seg)->next_offset() > *next_it)) {
        auto r = (*seg)->recover(base);
        if (!r) return r.error();
        if (auto sync_ec = io_.sync((*seg)->fd())) return sync_ec;
        synced_any = true;
      }
    }
    expected_next = (*seg)->next_offset();
    segments_.emplace(base, std::move(*seg));
  }
  if (segments_.empty()) {
    offset base = std::max(opts.log_start_offset, offset{0});
    auto seg = segment::create(io_, dir_, base, scfg);
    if (!seg) return seg.error();
    segments_.emplace(base, std::move(*seg));
    synced_any = true;
  }
  if (synced_any || !orphans.empty()) {
    if (auto ec = io_.sync_dir(dir_)) return ec;
  }

  segment& last = *segments_.rbegin()->second;
  if (auto ec = last.make_active()) return ec;
  last.set_created_ms(now_ms(cfg_));
  // Rebuilt indexes of older segments give back their preallocated space.
  for (auto& [base, seg] : segments_) {
    if (seg.get() != &last) {
      if (auto ec = seg->trim_indexes()) return ec;
    }
  }
  log_end_ = last.next_offset();
  written_end_ = durable_end_ = log_end_;
  written_segment_ = last.base_offset();
  written_pos_ = last.size();
  notified_high_watermark_ = log_end_;
  log_start_ = std::max(segments_.begin()->second->base_offset(), opts.log_start_offset);
  if (log_start_ > log_end_) log_start_ = log_end_;
  last_flush_ms_ = now_ms(cfg_);
  return recover_producer_state();
}

std::error_code partition_log::roll(offset next_base) {
  segment& old = active();
  if (auto ec = old.trim_indexes()) return ec;
  if (auto ec = seal_producer_files(old.base_offset(), next_base)) return ec;
  segment_config scfg{cfg_.index_interval_bytes, cfg_.max_index_bytes};
  auto seg = segment::create(io_, dir_, next_base, scfg);
  if (!seg) return seg.error();
  // The new file's directory entry must be durable before any of its records
  // is acknowledged (a crash must not lose a whole segment).
  if (auto ec = io_.sync_dir(dir_)) return ec;
  segments_.emplace(next_base, std::move(*seg));
  return {};
}

const segment* partition_log::segment_for(offset o) const {
  auto it = segments_.upper_bound(o);
  if (it == segments_.begin()) return nullptr;
  return std::prev(it)->second.get();
}

// Bytes of `s` whose writes are known complete.
uint64_t partition_log::readable_end(const segment& s) const {
  if (s.base_offset() < written_segment_) return s.size();
  if (s.base_offset() == written_segment_) return written_pos_;
  return 0;
}

result<read_result> partition_log::read(offset fetch_offset, uint64_t max_bytes, offset upper_bound,
                                        scan_counter* scanned) const {
  read_result r;
  r.high_watermark = high_watermark();
  r.log_start_offset = log_start_;
  r.log_end_offset = log_end_;
  if (fetch_offset < log_start_ || fetch_offset > log_end_) return errc::offset_out_of_range;
  offset limit = std::min(upper_bound, r.high_watermark);
  if (fetch_offset >= limit) return r;

  auto it = segments_.upper_bound(fetch_offset);
  if (it != segments_.begin()) --it;
  for (; it != segments_.end(); ++it) {
    const segment& seg = *it->second;
    uint64_t end = readable_end(seg);
    if (end == 0) {
      // A sealed segment can be empty (a clean start cut it at a damaged
      // first batch): later segments still hold data.
      if (seg.base_offset() < written_segment_) continue;
      break;
    }
    // Only the first batch may overflow max_bytes (Kafka's rule), and only
    // when nothing was taken before it; `limit` is the high watermark or the
    // last stable offset. Headers only (segment::read_run).
    const uint64_t budget = max_bytes > r.bytes ? max_bytes - r.bytes : 0;
    auto run = seg.read_run(fetch_offset, end, limit, budget, r.bytes == 0, scanned);
    if (!run) continue;
    if (run->length > 0) {
      // A run that ends where the writes are known complete ends at the
      // offset there.
      const offset end_offset =
          seg.base_offset() < written_segment_ ? seg.next_offset() : written_end_;
      r.slices.push_back(file_slice{seg.file(), run->position, static_cast<uint32_t>(run->length),
                                    run->base, run->next.value < 0 ? end_offset : run->next});
      r.bytes += run->length;
    }
    if (run->cut || r.bytes >= max_bytes) break;
  }
  return r;
}

std::optional<offset> partition_log::offset_for_timestamp(timestamp_ms ts) const {
  offset hw = high_watermark();
  for (const auto& [base, seg] : segments_) {
    if (base >= hw) break;
    if (seg->max_timestamp() < ts) continue;
    auto b = seg->find_batch_by_timestamp(ts, readable_end(*seg));
    if (b && b->base_offset < hw) return std::max(b->base_offset, log_start_);
  }
  return std::nullopt;
}

timestamp_ms partition_log::max_timestamp() const {
  const offset hw = high_watermark();
  timestamp_ms max = no_timestamp;
  for (const auto& [base, seg] : segments_) {
    if (base >= hw) break;
    max = std::max(max, seg->max_timestamp());
  }
  return max;
}

uint64_t partition_log::size_bytes() const {
  uint64_t total = 0;
  for (const auto& [base, seg] : segments_) total += seg->size();
  return total;
}

std::error_code partition_log::delete_segment(offset base) {
  auto it = segments_.find(base);
  if (it == segments_.end()) return {};
  std::error_code ec = it->second->remove();
  segments_.erase(it);
  return ec;
}

size_t partition_log::enforce_retention(int64_t now) {
  if (offline_error_) return 0;
  size_t deleted = 0;
  offset hw = high_watermark();
  uint64_t total = size_bytes();
  while (segments_.size() > 1) {
    auto& [base, seg] = *segments_.begin();
    if (seg->next_offset() > hw) break;  // never delete what readers cannot see yet
    // cleanup.policy=compact alone keeps everything the cleaner keeps; an
    // empty sealed segment (compacted away) has no timestamp and goes by time.
    bool by_time = cfg_.cleanup_delete && cfg_.retention_ms >= 0 &&
                   (seg->empty() || (seg->max_timestamp() != no_timestamp &&
                                     now - seg->max_timestamp() > cfg_.retention_ms));
    bool by_size = cfg_.cleanup_delete && cfg_.retention_bytes >= 0 &&
                   total - seg->size() >= static_cast<uint64_t>(cfg_.retention_bytes);
    bool below_start = seg->next_offset() <= log_start_;
    if (!by_time && !by_size && !below_start) break;
    total -= seg->size();
    // The next segment's base: a cleaned segment may end short of it.
    offset next = std::max(seg->next_offset(), std::next(segments_.begin())->first);
    if (auto ec = delete_segment(base)) {
      go_offline(ec);
      break;
    }
    log_start_ = std::max(log_start_, next);
    ++deleted;
  }
  if (deleted > 0) on_log_start_moved();
  remove_expired_producers(now);
  return deleted;
}

std::error_code partition_log::delete_records_before(offset new_start) {
  if (offline_error_) return errc::storage_offline;
  if (new_start > high_watermark() || new_start < offset{0}) return errc::offset_out_of_range;
  if (new_start <= log_start_) return {};
  log_start_ = new_start;
  while (segments_.size() > 1 && segments_.begin()->second->next_offset() <= log_start_) {
    if (auto ec = delete_segment(segments_.begin()->first)) {
      go_offline(ec);
      return errc::storage_offline;
    }
  }
  on_log_start_moved();
  return {};
}

std::error_code partition_log::truncate_to(offset target) {
  if (offline_error_) return errc::storage_offline;
  drain_io();
  if (target >= log_end_) return {};
  target = std::max(target, offset{0});
  // What stays must be durable before the durable end can be set to the new
  // log end: sync every file with completed, unsynced writes first.
  for (const auto& f : dirty_files_) {
    if (auto ec = io_.sync(f->fd())) {
      go_offline(ec);
      return errc::storage_offline;
    }
  }
  dirty_files_.clear();
  while (segments_.size() > 1 && segments_.rbegin()->first >= target) {
    if (auto ec = delete_segment(segments_.rbegin()->first)) return ec;
  }
  segment& seg = active();
  if (seg.base_offset() >= target) {
    if (auto ec = seg.truncate_to(seg.base_offset())) return ec;
  } else if (auto ec = seg.truncate_to(target)) {
    return ec;
  }
  if (auto ec = io_.sync(seg.fd())) return ec;
  log_end_ = seg.next_offset();
  written_end_ = log_end_;
  durable_end_ = log_end_;
  notified_high_watermark_ = std::min(notified_high_watermark_, log_end_);
  written_segment_ = seg.base_offset();
  written_pos_ = seg.size();
  log_start_ = std::min(log_start_, log_end_);
  return rebuild_producer_state(target);
}

std::error_code partition_log::close() {
  drain_io();
  if (offline_error_) return offline_error_;
  bool ok = false;
  std::error_code result;
  flush([&](std::error_code ec) {
    ok = true;
    result = ec;
  });
  while (!ok) {
    if (io_.wait() == 0 && io_.in_flight() == 0 && !ok) return errc::io_error;
  }
  if (result) return result;
  segment& seg = active();
  if (auto ec = seg.trim_indexes()) return ec;
  if (auto ec = seg.flush_indexes()) return ec;
  return persist_producer_files();
}

std::error_code partition_log::remove_all() {
  drain_io();
  segments_.clear();
  return io_.remove_all(dir_);
}

}  // namespace sluice::log
