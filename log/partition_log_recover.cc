// partition_log: opening a partition directory and bringing it back to a
// consistent state, in named passes that recover() runs in order (the role of
// Kafka's LogLoader). What each pass trusts, and why, is in
// docs/storage-format.md ("Recovery").
#include <dirent.h>

#include <algorithm>
#include <optional>
#include <string_view>

#include "log/file_names.h"
#include "log/io/io_backend.h"
#include "log/partition_log.h"

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

}  // namespace

// What the passes hand on to each other, and one segment to the next.
struct partition_log::load_state {
  explicit load_state(const open_options& o) : opts(o) {}

  const open_options& opts;
  std::vector<offset> bases;  // every segment's base offset, ascending
  offset expected_next{-1};   // the next offset of the last segment kept
  bool drop_rest = false;     // a segment was cut: nothing after it can be trusted
  bool dir_changed = false;   // files were removed, cut or created: sync the directory

  // The base offset of the segment after `base`, if any.
  std::optional<offset> next_base(offset base) const {
    auto it = std::upper_bound(bases.begin(), bases.end(), base);
    if (it == bases.end()) return std::nullopt;
    return *it;
  }
};

result<std::unique_ptr<partition_log>> partition_log::open(io::io_backend& io, std::string dir,
                                                           log_config cfg,
                                                           const open_options& opts) {
  if (auto ec = io.create_dir(dir)) return ec;
  std::unique_ptr<partition_log> log(new partition_log(io, std::move(dir), std::move(cfg)));
  if (auto ec = log->recover(opts)) return ec;
  return log;
}

std::error_code partition_log::recover(const open_options& opts) {
  load_state st{opts};
  // 1. An interrupted compaction swap is finished or dropped first
  //    (partition_log_clean.cc), so the segments listed next are the final ones.
  if (auto ec = recover_clean_state()) return ec;
  // 2. Leftovers of interrupted writes and deletions go; the segments are listed.
  if (auto ec = remove_temp_files_and_list_segments(st)) return ec;
  // 3. Each segment is opened, and checked or recovered (validated and cut).
  for (offset base : st.bases) {
    if (auto ec = load_segment(st, base)) return ec;
  }
  // 4. An empty directory gets its first segment.
  if (auto ec = create_segment_if_empty(st)) return ec;
  // 5. The removals, cuts and creations above become durable.
  if (st.dir_changed) {
    if (auto ec = io_.sync_dir(dir_)) return ec;
  }
  // 6. The last segment takes appends; the others' indexes are trimmed.
  if (auto ec = activate_last_segment()) return ec;
  // 7. Log start, log end, written and durable offsets follow from the segments.
  set_offsets_from_segments(opts);
  // 8. Producer state: the latest snapshot, then the batches after it
  //    (partition_log_txn.cc).
  return recover_producer_state();
}

// A .tmp was being written and a .deleted was being removed when the process
// stopped: neither is trusted. An index whose .log is gone belongs to a segment
// whose removal was interrupted after the .log went (segment::remove order).
std::error_code partition_log::remove_temp_files_and_list_segments(load_state& st) {
  auto names = list_dir(dir_);
  if (!names) return names.error();
  std::vector<std::string> orphans;
  for (const auto& n : *names) {
    if (n.ends_with(file_names::tmp_suffix) || n.ends_with(file_names::deleted_suffix)) {
      orphans.push_back(n);
      continue;
    }
    auto parsed = file_names::parse_segment_file(n);
    if (parsed && parsed->kind == file_names::segment_file_kind::log)
      st.bases.push_back(parsed->base_offset);
  }
  for (const auto& n : *names) {
    auto parsed = file_names::parse_segment_file(n);
    if (parsed && parsed->kind != file_names::segment_file_kind::log &&
        std::find(st.bases.begin(), st.bases.end(), parsed->base_offset) == st.bases.end()) {
      orphans.push_back(n);
    }
  }
  for (const auto& n : orphans) {
    if (auto ec = io_.remove(file_names::join(dir_, n)); ec && ec != errc::not_found) return ec;
  }
  std::sort(st.bases.begin(), st.bases.end());
  st.dir_changed = !orphans.empty();
  return {};
}

// Segments that end at or before the recovery point were fully synced, and so
// were all of them after a clean shutdown: those are only checked. The rest
// may hold a torn or lost tail and are recovered.
std::error_code partition_log::load_segment(load_state& st, offset base) {
  if (st.drop_rest || (st.expected_next.value >= 0 && base < st.expected_next)) {
    return drop_segment(base);
  }
  auto seg = segment::open(io_, dir_, base, segment_cfg());
  if (!seg) return seg.error();
  (*seg)->allow_gaps_before(clean_gap_end_);
  const std::optional<offset> next = st.next_base(base);
  const bool flushed = st.opts.clean_shutdown || (next && *next <= st.opts.recovery_point);
  std::error_code ec =
      flushed ? check_flushed_segment(st, **seg, next) : recover_unflushed_segment(st, **seg, next);
  if (ec) return ec;
  st.expected_next = (*seg)->next_offset();
  segments_.emplace(base, std::move(*seg));
  return {};
}

// After a cut everything later is suspect, and a segment that overlaps the one
// before it is corrupt: either way its records cannot be trusted.
std::error_code partition_log::drop_segment(offset base) {
  auto seg = segment::open(io_, dir_, base, segment_cfg());
  if (seg) return (*seg)->remove();
  return {};
}

// Past the recovery point: validate every batch, cut at the first bad byte, and
// fdatasync what was kept so that the high watermark is durable again.
std::error_code partition_log::recover_unflushed_segment(load_state& st, segment& seg,
                                                         std::optional<offset> next) {
  auto r = seg.recover(seg.base_offset());
  if (!r) return r.error();
  // Cut, or ending short of the next segment (its unsynced tail was lost whole,
  // on a batch boundary): what follows would leave a hole.
  bool short_of_next = next && seg.next_offset() != *next;
  // A cleaned segment may end before the next one begins (its last records were
  // compacted away); it was synced whole before it was swapped in.
  if (short_of_next && seg.next_offset() < *next && *next <= clean_gap_end_) {
    short_of_next = false;
  }
  if (r->truncated_bytes > 0 || short_of_next) st.drop_rest = true;
  if (auto ec = io_.sync(seg.fd())) return ec;
  st.dir_changed = true;
  return {};
}

// A synced segment: load() reads only its tail. If even that does not hold
// together (a header that does not parse, offsets that do not continue) or its
// end overlaps the next segment, the bytes were damaged after they were synced.
// Validate this segment as Kafka does when a segment fails its sanity check:
// cut it at the first bad batch, but keep the later segments, whose data was
// synced too; dropping them would move the log end offset back and reuse
// offsets readers have seen.
std::error_code partition_log::check_flushed_segment(load_state& st, segment& seg,
                                                     std::optional<offset> next) {
  std::error_code ec = seg.load();
  if (ec && ec != errc::corrupt_file) return ec;
  if (!ec && !(next && seg.next_offset() > *next)) return {};
  auto r = seg.recover(seg.base_offset());
  if (!r) return r.error();
  if (auto sync_ec = io_.sync(seg.fd())) return sync_ec;
  st.dir_changed = true;
  return {};
}

// A new partition, or one whose every segment was dropped: it starts at the
// checkpointed log start offset so that offsets already handed out are not
// reused.
std::error_code partition_log::create_segment_if_empty(load_state& st) {
  if (!segments_.empty()) return {};
  offset base = std::max(st.opts.log_start_offset, offset{0});
  auto seg = segment::create(io_, dir_, base, segment_cfg());
  if (!seg) return seg.error();
  segments_.emplace(base, std::move(*seg));
  st.dir_changed = true;
  return {};
}

// Only the last segment takes appends; the older ones give back the index space
// preallocated for appends (rebuilt indexes included).
std::error_code partition_log::activate_last_segment() {
  segment& last = *segments_.rbegin()->second;
  if (auto ec = last.make_active()) return ec;
  last.set_created_ms(now_ms(cfg_));
  for (auto& [base, seg] : segments_) {
    if (seg.get() != &last) {
      if (auto ec = seg->trim_indexes()) return ec;
    }
  }
  return {};
}

// Everything recovery kept is on disk and synced, so written and durable ends
// start at the log end. The checkpointed log start offset may lie inside the
// first segment (DeleteRecords), never past the log end.
void partition_log::set_offsets_from_segments(const open_options& opts) {
  const segment& last = *segments_.rbegin()->second;
  log_end_ = last.next_offset();
  written_end_ = durable_end_ = log_end_;
  written_segment_ = last.base_offset();
  written_pos_ = last.size();
  notified_high_watermark_ = log_end_;
  log_start_ = std::max(segments_.begin()->second->base_offset(), opts.log_start_offset);
  if (log_start_ > log_end_) log_start_ = log_end_;
  last_flush_ms_ = now_ms(cfg_);
}

}  // namespace sluice::log
