#include "log/segment.h"

#include <sys/stat.h>

#include "log/file_names.h"
#include "log/io/io_backend.h"

namespace sluice::log {

segment::segment(io::io_backend& io, std::string dir, offset base, segment_config cfg,
                 std::shared_ptr<segment_file> file, offset_index index, time_index tindex,
                 uint64_t size)
    : io_(io),
      dir_(std::move(dir)),
      base_(base),
      cfg_(cfg),
      file_(std::move(file)),
      index_(std::move(index)),
      time_index_(std::move(tindex)),
      size_(size),
      next_offset_(base),
      offset_of_max_timestamp_(base) {}

result<std::unique_ptr<segment>> segment::open_files(io::io_backend& io, const std::string& dir,
                                                     offset base, const segment_config& cfg,
                                                     bool create) {
  std::string path = file_names::join(dir, file_names::log_file(base));
  auto fh = io.open(path, create ? io::open_mode::create_exclusive : io::open_mode::read_write);
  if (!fh) return fh.error();
  struct stat st {};
  if (::fstat(fh->get(), &st) != 0) return errc::io_error;
  // A new segment that cannot be completed (the disk is full) leaves nothing
  // behind, so that the next roll can create it again.
  auto abandon = [&](std::error_code ec) {
    if (create) {
      for (const auto& n : {file_names::log_file(base), file_names::index_file(base),
                            file_names::time_index_file(base)}) {
        (void)io.remove(file_names::join(dir, n));
      }
    }
    return ec;
  };
  auto idx = offset_index::open(io, file_names::join(dir, file_names::index_file(base)), base,
                                cfg.max_index_bytes);
  if (!idx) return abandon(idx.error());
  auto tidx = time_index::open(io, file_names::join(dir, file_names::time_index_file(base)), base,
                               cfg.max_index_bytes);
  if (!tidx) return abandon(tidx.error());
  auto file = std::make_shared<segment_file>(segment_file{std::move(*fh), std::move(path)});
  return std::unique_ptr<segment>(new segment(io, dir, base, cfg, std::move(file), std::move(*idx),
                                              std::move(*tidx), static_cast<uint64_t>(st.st_size)));
}

result<std::unique_ptr<segment>> segment::create(io::io_backend& io, const std::string& dir,
                                                 offset base, const segment_config& cfg) {
  return open_files(io, dir, base, cfg, /*create=*/true);
}

result<std::unique_ptr<segment>> segment::open(io::io_backend& io, const std::string& dir,
                                               offset base, const segment_config& cfg) {
  return open_files(io, dir, base, cfg, /*create=*/false);
}

void segment::index_batch(const batch_info& batch) {
  if (batch.max_timestamp > max_timestamp_) {
    max_timestamp_ = batch.max_timestamp;
    offset_of_max_timestamp_ = batch.last_offset;
  }
  if (bytes_since_index_entry_ > cfg_.index_interval_bytes) {
    // A full index stops indexing; lookups then scan further, which stays
    // correct. partition_log rolls before that (index full triggers a roll).
    index_.append(batch.last_offset, batch.position);
    time_index_.maybe_append(max_timestamp_, offset_of_max_timestamp_);
    bytes_since_index_entry_ = 0;
  }
  bytes_since_index_entry_ += batch.size;
}

void segment::record_append(const batch_info& batch, int64_t now_ms) {
  if (size_ == 0) created_ms_ = now_ms;
  index_batch(batch);
  size_ = batch.position.value + batch.size;
  next_offset_ = batch.next_offset();
}

std::error_code segment::rebuild_indexes(uint64_t end) {
  if (auto ec = index_.reset()) return ec;
  if (auto ec = time_index_.reset()) return ec;
  max_timestamp_ = no_timestamp;
  offset_of_max_timestamp_ = base_;
  bytes_since_index_entry_ = 0;
  next_offset_ = base_;
  batch_scanner scan(fd(), file_position{0}, end, /*verify=*/false);
  batch_info b;
  while (scan.next(b)) {
    // Offsets that do not continue mean a damaged header (baseOffset is not
    // covered by the CRC): the caller validates the segment instead.
    if (!continues(next_offset_, b.base_offset)) return errc::corrupt_file;
    index_batch(b);
    next_offset_ = b.next_offset();
  }
  if (scan.stop() != scan_stop::end) return errc::corrupt_file;
  return {};
}

// The indexes are kept if they pass their own sanity checks and also describe
// this .log. The second part reads only what an open reads anyway (the batches
// after the last offset-index entry) plus the batch the last time-index entry
// names. Indexes built by appends or by a rebuild pass every test, so a failure
// means a deleted, zeroed, cut or stale index (rebuilt here), or a tail that
// does not parse (corrupt_file: partition_log then validates the segment).
std::error_code segment::load() {
  auto indexes_describe_log = [this] {
    index_entry last = index_.last_entry();
    timestamp_offset tlast = time_index_.last_entry();
    bool indexed = index_.entries() > 0;
    // A full index takes no more entries: the stretch after its last entry may
    // be longer, and the time index may lag behind the offset index.
    bool index_full = index_.entries() >= index_.max_index_size_bytes() / offset_index::entry_size;
    bool time_full =
        time_index_.entries() + 1 >= time_index_.max_index_size_bytes() / time_index::entry_size;
    max_timestamp_ = tlast.timestamp;
    offset_of_max_timestamp_ = tlast.offset;
    next_offset_ = base_;
    bytes_since_index_entry_ = 0;
    // The last time-index entry names the batch that first reached its
    // timestamp; usually that batch is in the tail read below.
    bool named_ok = time_index_.entries() == 0;
    batch_scanner scan(fd(), last.position, size_, /*verify=*/false);
    batch_info b;
    bool first = true;
    while (scan.next(b)) {
      if (first) {
        // An entry names its batch by the batch's last offset; with no entry
        // the scan starts at the first batch, whose base is the segment's.
        if (indexed ? b.last_offset != last.offset : !continues(base_, b.base_offset)) return false;
        // A time-index entry is added with each offset-index entry and holds
        // the largest timestamp so far, which includes this batch's.
        if (indexed && !time_full && tlast.timestamp < b.max_timestamp) return false;
      } else {
        if (!continues(next_offset_, b.base_offset)) return false;
        // An entry is added once more than index.interval.bytes precede a batch.
        if (!index_full && bytes_since_index_entry_ > cfg_.index_interval_bytes) return false;
      }
      first = false;
      if (!named_ok && b.last_offset == tlast.offset) {
        if (b.max_timestamp != tlast.timestamp) return false;
        named_ok = true;
      }
      if (b.max_timestamp > max_timestamp_) {
        max_timestamp_ = b.max_timestamp;
        offset_of_max_timestamp_ = b.last_offset;
      }
      next_offset_ = b.next_offset();
      bytes_since_index_entry_ += b.size;
    }
    if (scan.stop() != scan_stop::end) return false;
    if (time_index_.entries() == 0) return true;
    if (!indexed) return false;
    if (named_ok) return true;
    auto named = find_batch(tlast.offset, size_);
    return named && named->last_offset == tlast.offset && named->max_timestamp == tlast.timestamp;
  };
  if (!index_.sanity_check(size_) && !time_index_.sanity_check() && indexes_describe_log()) {
    return {};
  }
  return rebuild_indexes(size_);
}

result<segment::recovery_result> segment::recover(offset first_offset) {
  recovery_result r;
  batch_scanner scan(fd(), file_position{0}, size_, /*verify=*/true, first_offset);
  scan.allow_gaps_before(gaps_before_);
  batch_info b;
  while (scan.next(b)) {
  }
  if (scan.stop() == scan_stop::io_error) return errc::io_error;
  uint64_t valid = scan.valid_end().value;
  if (valid < size_) {
    r.truncated_bytes = size_ - valid;
    if (auto ec = io_.truncate(fd(), valid)) return ec;
    size_ = valid;
  }
  r.valid_bytes = valid;
  r.index_rebuilt = true;
  if (auto ec = rebuild_indexes(size_)) return ec;
  return r;
}

std::optional<batch_info> segment::find_batch(offset target, uint64_t readable_end,
                                              scan_counter* counter) const {
  // The entry names its batch by the batch's last offset: when that is below
  // target, its header is read only to step over the batch.
  index_entry start = index_.lookup(target);
  if (start.position.value >= readable_end) start = index_entry{base_, file_position{0}};
  auto scan = batch_scanner::headers(fd(), start.position, std::min(readable_end, size_), counter);
  batch_info b;
  while (scan.next(b)) {
    if (b.last_offset >= target) return b;
  }
  return std::nullopt;
}

std::optional<segment::batch_run> segment::read_run(offset target, uint64_t readable_end,
                                                    offset limit, uint64_t budget,
                                                    bool first_always, scan_counter* counter,
                                                    std::vector<batch_info>* headers) const {
  const uint64_t end = std::min(readable_end, size_);
  auto first = find_batch(target, end, counter);
  if (!first) return std::nullopt;
  batch_run run{first->position, 0, false, first->base_offset, first->base_offset};
  auto take = [&](const batch_info& b) {
    if (b.base_offset >= limit ||
        (run.length + b.size > budget && !(first_always && run.length == 0))) {
      run.next = b.base_offset;
      return false;
    }
    run.length += b.size;
    run.next = b.next_offset();
    if (headers != nullptr) headers->push_back(b);
    return true;
  };
  if (!take(*first)) {
    run.cut = true;
    return run;
  }
  // Every batch before an index entry's position P ends at or before P, and
  // has a base offset below the entry's batch's, which is at most the entry's
  // offset: with P within the budget and the readable end and the offset at
  // most limit, the whole stretch up to P is taken without reading it. The
  // entries' positions and offsets both grow, so the usable ones are a prefix.
  const uint64_t reach = budget >= end - run.position.value ? end : run.position.value + budget;
  size_t lo = 0, hi = index_.entries();
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    const index_entry e = index_.entry(mid);
    if (e.position.value <= reach && e.offset <= limit) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  auto scan = batch_scanner::headers(fd(), first->position + first->size, end, counter);
  if (lo > 0 && headers == nullptr) {
    const index_entry e = index_.entry(lo - 1);
    if (e.position.value > run.position.value + run.length) {
      run.length = e.position.value - run.position.value;
      run.next = offset{-1};  // known again from the next batch read, if any
      scan.seek(e.position);
    }
  }
  batch_info b;
  while (scan.next(b)) {
    if (!take(b)) {
      run.cut = true;
      break;
    }
  }
  return run;
}

std::optional<batch_info> segment::find_batch_by_timestamp(timestamp_ms ts,
                                                           uint64_t readable_end) const {
  auto t = time_index_.lookup(ts);
  index_entry start = index_.lookup(t.offset);
  if (start.position.value >= readable_end) start = index_entry{base_, file_position{0}};
  auto scan = batch_scanner::headers(fd(), start.position, std::min(readable_end, size_));
  batch_info b;
  while (scan.next(b)) {
    if (b.max_timestamp >= ts) return b;
  }
  return std::nullopt;
}

std::error_code segment::truncate_to(offset target) {
  if (target >= next_offset_) return {};
  uint64_t cut = 0;
  if (target > base_) {
    auto b = find_batch(target, size_);
    if (!b) return {};
    cut = b->base_offset >= target ? b->position.value : b->position.value + b->size;
  }
  if (auto ec = io_.truncate(fd(), cut)) return ec;
  size_ = cut;
  return rebuild_indexes(size_);
}

std::error_code segment::truncate_at(offset target, uint64_t position) {
  if (position > size_ || target < base_) return errc::invalid_argument;
  if (auto ec = io_.truncate(fd(), position)) return ec;
  size_ = position;
  index_.truncate_to(target);
  time_index_.truncate_to(target);
  // What index_batch would hold after appending the batches that remain.
  const timestamp_offset tlast = time_index_.last_entry();
  max_timestamp_ = tlast.timestamp;
  offset_of_max_timestamp_ = time_index_.entries() > 0 ? tlast.offset : base_;
  next_offset_ = base_;
  bytes_since_index_entry_ = 0;
  const index_entry last = index_.last_entry();
  batch_scanner scan(fd(), last.position, size_, /*verify=*/false);
  batch_info b;
  while (scan.next(b)) {
    if (b.max_timestamp > max_timestamp_) {
      max_timestamp_ = b.max_timestamp;
      offset_of_max_timestamp_ = b.last_offset;
    }
    bytes_since_index_entry_ += b.size;
    next_offset_ = b.next_offset();
  }
  if (scan.stop() != scan_stop::end || next_offset_ != (size_ > 0 ? target : base_)) {
    return errc::corrupt_file;
  }
  next_offset_ = target;
  return {};
}

std::error_code segment::trim_indexes() {
  if (auto ec = index_.trim()) return ec;
  return time_index_.trim();
}

std::error_code segment::flush_indexes() {
  if (auto ec = index_.flush()) return ec;
  return time_index_.flush();
}

std::error_code segment::make_active() {
  if (auto ec = index_.resize(cfg_.max_index_bytes)) return ec;
  return time_index_.resize(cfg_.max_index_bytes);
}

std::error_code segment::remove() {
  const std::string names[] = {file_names::log_file(base_), file_names::index_file(base_),
                               file_names::time_index_file(base_),
                               file_names::txn_index_file(base_)};
  for (const auto& n : names) {
    std::string from = file_names::join(dir_, n);
    std::string to = from + std::string(file_names::deleted_suffix);
    if (auto ec = io_.rename(from, to); ec && ec != errc::not_found) return ec;
  }
  // Unlinked only after all are renamed: a crash in between leaves
  // *.deleted files, which the next start removes.
  for (const auto& n : names) {
    std::string to = file_names::join(dir_, n) + std::string(file_names::deleted_suffix);
    if (auto ec = io_.remove(to); ec && ec != errc::not_found) return ec;
  }
  return {};
}

}  // namespace sluice::log
