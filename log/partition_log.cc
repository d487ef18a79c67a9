// partition_log: reads, lookups, roll, retention and truncation. Opening and
// recovery are in partition_log_recover.cc, the write path in
// partition_log_write.cc.
#include "log/partition_log.h"

#include <algorithm>
#include <cstring>
#include <string_view>

#include "log/file_names.h"
#include "log/io/io_backend.h"

namespace sluice::log {

std::error_code partition_log::roll(offset next_base) {
  segment& old = active();
  if (auto ec = old.trim_indexes()) return ec;
  if (auto ec = seal_producer_files(old.base_offset(), next_base)) return ec;
  auto seg = segment::create(io_, dir_, next_base, segment_cfg());
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
                                        scan_counter* scanned,
                                        std::vector<batch_info>* headers) const {
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
    auto run = seg.read_run(fetch_offset, end, limit, budget, r.bytes == 0, scanned, headers);
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
