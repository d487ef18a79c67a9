// The log cleaner's rounds (log/cleaner.h). Start-up recovery of an
// interrupted swap and the checkpoint are in partition_log_clean.cc.
#include "log/cleaner.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "base/big_endian.h"
#include "log/checkpoint_file.h"
#include "log/file_names.h"
#include "log/io/io_backend.h"
#include "log/partition_log.h"
#include "log/producer_state.h"
#include "log/txn_index.h"

namespace sluice::log {
namespace {

constexpr size_t min_read = 64 * 1024;
constexpr size_t write_chunk = 1 << 20;

// Reads [pos, pos + n) of fd with n >= one whole batch when one is there (up
// to about `budget` bytes otherwise). False on a read error.
bool read_span(int fd, uint64_t pos, uint64_t end, uint64_t budget, std::vector<std::byte>& buf) {
  auto pread_all = [&](size_t want) {
    buf.resize(want);
    size_t got = 0;
    while (got < want) {
      ssize_t n = ::pread(fd, buf.data() + got, want - got, static_cast<off_t>(pos + got));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<size_t>(n);
    }
    buf.resize(got);
    return got == want;
  };
  uint64_t want = std::min<uint64_t>(std::max<uint64_t>(budget, min_read), end - pos);
  if (!pread_all(static_cast<size_t>(want))) return false;
  if (buf.size() >= batch_length_field_end) {
    const uint64_t first =
        batch_length_field_end + static_cast<uint32_t>(base::load_be<int32_t>(buf.data() + 8));
    if (first > buf.size() && pos + first <= end) return pread_all(static_cast<size_t>(first));
  }
  return true;
}

// Reads the round's segment from st.pos, whole batches at a time, until its
// end or about `budget` bytes, calling on_batch for each batch and
// after_span after each read. False when a read fails, a batch does not fit
// where its size says, or after_span fails: the caller resets the round.
template <class OnBatch, class AfterSpan>
bool scan_segment(cleaner_state& st, uint64_t budget, OnBatch&& on_batch, AfterSpan&& after_span) {
  uint64_t read = 0;
  while (st.pos < st.seg_size && read < budget) {
    if (!read_span(st.seg->fd(), st.pos, st.seg_size, budget - read, st.read_buf)) return false;
    batch_iterator it(st.read_buf);
    record_batch_view v(st.read_buf);
    size_t used = 0;
    while (it.next(v)) {
      used += v.size_in_bytes();
      on_batch(v);
    }
    if (used == 0) return false;
    st.pos += used;
    read += used;
    if (!after_span()) return false;
  }
  st.stats.bytes_read += read;
  return true;
}

std::string key_of(const record_entry& e) {
  return std::string(reinterpret_cast<const char*>(e.key.data()), e.key.size());
}

// A data batch of a transaction that was aborted (cleaner.h).
bool aborted(const cleaner_state& st, const record_batch_view& v) {
  if (!v.is_transactional() || v.is_control()) return false;
  return std::ranges::any_of(st.aborted, [&](const aborted_txn& a) {
    return a.producer_id == v.producer_id() && a.first_offset <= v.base_offset() &&
           v.base_offset() <= a.last_offset;
  });
}

int32_t last_sequence(record_batch_view v) {
  if (v.base_sequence() < 0) return -1;
  int64_t s = static_cast<int64_t>(v.base_sequence()) + v.last_offset_delta();
  if (s > INT32_MAX) s -= static_cast<int64_t>(INT32_MAX) + 1;
  return static_cast<int32_t>(s);
}

}  // namespace

clean_stats cleaner::stats(const partition_log& log) {
  return log.clean_ ? log.clean_->stats : clean_stats{};
}

bool partition_log::clean_step(const clean_options& opts, int64_t now, uint64_t budget) {
  return cleaner::step(*this, opts, now, budget);
}

std::error_code cleaner::write_checkpoint(partition_log& log) {
  std::vector<checkpoint_entry> e{{"first_dirty", 0, log.clean_->first_dirty.value},
                                  {"gap_end", 0, log.clean_gap_end_.value}};
  return log::write_checkpoint(log.io_, log.dir_, file_names::cleaner_checkpoint, e);
}

void cleaner::reset(partition_log& log) {
  cleaner_state& st = *log.clean_;
  if (st.out.valid()) {
    st.out = io::file_handle();
    (void)log.io_.remove(file_names::join(log.dir_, file_names::cleaned_file(st.cursor)));
  }
  st.ph = cleaner_state::phase::idle;
  st.map.clear();
  st.map_bytes = 0;
  st.last_seq.clear();
  st.seg = nullptr;
  st.out_buf.clear();
}

bool cleaner::step(partition_log& log, const clean_options& opts, int64_t now, uint64_t budget) {
  if (!log.clean_) log.clean_ = std::make_shared<cleaner_state>();
  cleaner_state& st = *log.clean_;
  if (st.stopped) return false;
  if (log.offline() || !log.cfg_.cleanup_compact) {
    if (st.ph != cleaner_state::phase::idle) reset(log);
    return false;
  }
  if (st.ph == cleaner_state::phase::idle && !plan(log, now)) return false;
  if (st.ph == cleaner_state::phase::map) return map_step(log, opts, budget);
  return clean_step(log, opts, budget);
}

bool cleaner::plan(partition_log& log, int64_t now) {
  cleaner_state& st = *log.clean_;
  const auto& segs = log.segments_;
  if (segs.size() < 2) return false;
  const offset stable =
      std::min({log.last_stable_offset(), log.recovery_point(), log.high_watermark()});
  const log_config& cfg = log.cfg_;
  offset end{-1};
  for (auto it = segs.begin(); std::next(it) != segs.end(); ++it) {
    const offset next_base = std::next(it)->first;
    if (next_base > stable) break;
    const timestamp_ms ts = it->second->max_timestamp();
    if (cfg.min_compaction_lag_ms > 0 && ts != no_timestamp && ts > now - cfg.min_compaction_lag_ms)
      break;
    end = next_base;
  }
  if (end.value < 0) return false;
  const offset first_dirty = std::min(std::max(st.first_dirty, log.log_start_), end);
  uint64_t dirty = 0, total = 0;
  const segment* first_dirty_seg = nullptr;
  for (const auto& [base, seg] : segs) {
    if (base >= end) break;
    total += seg->size();
    if (seg->next_offset() > first_dirty || base >= first_dirty) {
      if (seg->next_offset() > first_dirty && first_dirty_seg == nullptr && !seg->empty())
        first_dirty_seg = seg.get();
      if (base >= first_dirty || seg->next_offset() > first_dirty) dirty += seg->size();
    }
  }
  bool due =
      total > 0 && dirty > 0 &&
      static_cast<double>(dirty) / static_cast<double>(total) >= cfg.min_cleanable_dirty_ratio;
  if (!due && first_dirty_seg != nullptr && cfg.max_compaction_lag_ms < INT64_MAX) {
    auto b = first_dirty_seg->find_batch(first_dirty, first_dirty_seg->size());
    due =
        b && b->max_timestamp != no_timestamp && now - b->max_timestamp > cfg.max_compaction_lag_ms;
  }
  if (!due && st.next_horizon <= now) due = true;
  if (!due) return false;

  st.round_now = now;
  st.round_horizon = INT64_MAX;
  st.dirty_end = end;
  st.aborted = log.aborted_transactions(log.log_start_, end);
  st.map.clear();
  st.map_bytes = 0;
  if (dirty == 0) {
    // Only tombstones to expire: nothing new supersedes anything.
    st.dirty_end = first_dirty;
    start_clean(log, clean_options{});  // no crash points: nothing is swapped yet
    return st.ph == cleaner_state::phase::clean;
  }
  auto it = segs.upper_bound(first_dirty);
  if (it != segs.begin()) --it;
  st.ph = cleaner_state::phase::map;
  st.cursor = it->first;
  st.seg = it->second.get();
  st.seg_size = it->second->size();
  st.pos = 0;
  return true;
}

bool cleaner::segment_valid(partition_log& log) {
  cleaner_state& st = *log.clean_;
  auto it = log.segments_.find(st.cursor);
  return it != log.segments_.end() && it->second.get() == st.seg &&
         it->second->size() == st.seg_size && std::next(it) != log.segments_.end();
}

bool cleaner::map_step(partition_log& log, const clean_options& opts, uint64_t budget) {
  cleaner_state& st = *log.clean_;
  if (!segment_valid(log)) {
    reset(log);  // retention or truncation changed the log: plan again later
    return false;
  }
  std::vector<record_entry> records;
  auto map_batch = [&](const record_batch_view& v) {
    if (v.is_control() || aborted(st, v)) return;
    if (!read_records(v, opts.codec, st.records_buf, records)) return;
    for (const auto& r : records) {
      if (!r.has_key) continue;
      auto [slot, added] = st.map.try_emplace(key_of(r), r.off.value);
      if (added) {
        st.map_bytes += r.key.size() + 64;
      } else {
        slot->second = std::max(slot->second, r.off.value);
      }
    }
  };
  if (!scan_segment(st, budget, map_batch, [] { return true; })) {
    reset(log);
    return false;
  }
  if (st.pos < st.seg_size) return true;
  auto next = std::next(log.segments_.find(st.cursor));
  if (next->first >= st.dirty_end || st.map_bytes > opts.max_map_bytes) {
    st.dirty_end = std::min(st.dirty_end, next->first);
    start_clean(log, opts);
    return true;
  }
  st.cursor = next->first;
  st.seg = next->second.get();
  st.seg_size = next->second->size();
  st.pos = 0;
  return true;
}

void cleaner::start_clean(partition_log& log, const clean_options& opts) {
  cleaner_state& st = *log.clean_;
  // The batches a producer's sequence state rests on stay as they are.
  std::unordered_map<int64_t, std::pair<int16_t, int32_t>> last;
  for (const auto& p : log.producers_->active_producers()) {
    last[p.producer_id] = {p.epoch, p.last_sequence};
  }
  st.last_seq = std::move(last);
  // Segments below the clean end may get offset gaps: recovery must know
  // before the first of them is swapped in.
  st.pinned.clear();
  st.opaque = false;
  const offset clean_end = st.dirty_end;
  if (clean_end > log.clean_gap_end_) {
    log.clean_gap_end_ = clean_end;
    if (write_checkpoint(log)) {
      reset(log);
      return;
    }
    if (opts.crash_at && opts.crash_at(clean_point::checkpoint_written)) {
      st.stopped = true;
      return;
    }
  }
  st.ph = cleaner_state::phase::clean;
  st.cursor = log.segments_.begin()->first;
  st.seg = nullptr;
}

void cleaner::finish_round(partition_log& log) {
  cleaner_state& st = *log.clean_;
  reset(log);
  st.next_horizon = st.round_horizon;
  st.first_dirty = std::max(st.first_dirty, st.dirty_end);
  ++st.stats.rounds;
  (void)write_checkpoint(log);  // a lost update only means a longer next round
}

bool cleaner::clean_step(partition_log& log, const clean_options& opts, uint64_t budget) {
  cleaner_state& st = *log.clean_;
  const offset clean_end = st.dirty_end;
  if (st.seg == nullptr) {
    auto it = log.segments_.lower_bound(st.cursor);
    if (it == log.segments_.end() || std::next(it) == log.segments_.end() ||
        std::next(it)->first > clean_end) {
      finish_round(log);
      return false;
    }
    const std::string path = file_names::join(log.dir_, file_names::cleaned_file(it->first));
    (void)log.io_.remove(path);
    auto fh = log.io_.open(path, io::open_mode::create_exclusive);
    if (!fh) {
      reset(log);
      return false;
    }
    st.out = std::move(*fh);
    st.out_size = 0;
    st.out_buf.clear();
    st.changed = false;
    st.cursor = it->first;
    st.seg = it->second.get();
    st.seg_size = it->second->size();
    st.pos = 0;
  }
  if (!segment_valid(log)) {
    // The segment changed under the round (retention removed it): skip it.
    const offset skipped = st.cursor;
    st.out = io::file_handle();
    (void)log.io_.remove(file_names::join(log.dir_, file_names::cleaned_file(skipped)));
    st.seg = nullptr;
    st.cursor = skipped + 1;
    return true;
  }
  auto flush = [&] {
    if (st.out_buf.size() < write_chunk) return true;
    if (log.io_.write_at(st.out.get(), st.out_size, st.out_buf)) return false;
    st.out_size += st.out_buf.size();
    st.out_buf.clear();
    return true;
  };
  if (!scan_segment(
          st, budget, [&](const record_batch_view& v) { filter_batch(log, opts, v.bytes()); },
          flush)) {
    reset(log);
    return false;
  }
  if (st.pos < st.seg_size) return true;
  return finish_segment(log, opts);
}

void cleaner::filter_batch(partition_log& log, const clean_options& opts,
                           std::span<const std::byte> bytes) {
  cleaner_state& st = *log.clean_;
  auto copy = [&] { st.out_buf.insert(st.out_buf.end(), bytes.begin(), bytes.end()); };
  record_batch_view v(bytes);
  std::vector<record_entry> records;
  // A batch kept whole may hold older values of a key: a later tombstone of
  // that key must then stay, or removing it would bring them back.
  auto keep_whole = [&] {
    copy();
    if (v.is_control()) return;
    if (!read_records(v, opts.codec, st.records_buf, records)) {
      st.opaque = true;
      return;
    }
    for (const auto& r : records) {
      if (r.has_key && r.has_value) st.pinned.insert(key_of(r));
    }
  };
  if (v.is_control()) return keep_whole();
  if (v.producer_id() >= 0) {
    auto p = st.last_seq.find(v.producer_id());
    if (p != st.last_seq.end() && p->second.first == v.producer_epoch() &&
        p->second.second == last_sequence(v)) {
      return keep_whole();
    }
  }
  if (aborted(st, v)) {  // removed whole: no reader may see it (cleaner.h)
    st.changed = true;
    st.stats.records_removed += static_cast<uint64_t>(v.record_count());
    return;
  }
  if (!read_records(v, opts.codec, st.records_buf, records)) {
    st.opaque = true;
    return copy();
  }
  const bool has_horizon = (v.attributes() & delete_horizon_flag) != 0;
  const timestamp_ms horizon =
      has_horizon ? v.base_timestamp() : st.round_now + log.cfg_.delete_retention_ms;
  std::vector<record_entry> kept;
  bool stamp = false, tombstones = false;
  for (const auto& r : records) {
    if (r.has_key) {
      auto f = st.map.find(key_of(r));
      if (f != st.map.end() && r.off.value < f->second) continue;  // superseded
      if (!r.has_value) {
        const bool may_go = !st.opaque && !st.pinned.contains(key_of(r));
        if (has_horizon && st.round_now >= horizon && may_go) continue;  // tombstone expired
        // A horizon still ahead makes a round due when it passes.
        if (horizon > st.round_now) tombstones = true;
        if (!has_horizon) stamp = true;
      }
    }
    kept.push_back(r);
  }
  if (tombstones) st.round_horizon = std::min(st.round_horizon, horizon);
  if (kept.size() == records.size() && !stamp) return copy();
  // Survivors, one batch per run of consecutive offsets (cleaner_records.h).
  int16_t attrs = v.attributes();
  if (stamp) attrs = static_cast<int16_t>(attrs | delete_horizon_flag);
  const bool flagged = (attrs & delete_horizon_flag) != 0;
  std::vector<std::byte> rewritten;
  for (size_t i = 0; i < kept.size();) {
    size_t j = i + 1;
    while (j < kept.size() && kept[j].off == kept[j - 1].off + 1) ++j;
    std::span<const record_entry> run(kept.data() + i, j - i);
    const timestamp_ms base_ts = flagged ? horizon : run.front().timestamp;
    if (!write_batch(v, run, attrs, base_ts, opts.codec, rewritten)) return keep_whole();
    i = j;
  }
  st.changed = true;
  st.stats.records_removed += records.size() - kept.size();
  st.out_buf.insert(st.out_buf.end(), rewritten.begin(), rewritten.end());
}

// The segment is read: write and sync the cleaned file, then swap it in.
bool cleaner::finish_segment(partition_log& log, const clean_options& opts) {
  cleaner_state& st = *log.clean_;
  const offset base = st.cursor;
  const std::string log_path = file_names::join(log.dir_, file_names::log_file(base));
  const std::string cleaned = file_names::join(log.dir_, file_names::cleaned_file(base));
  const std::string swap = file_names::join(log.dir_, file_names::swap_file(base));
  auto next_segment = [&] {
    st.seg = nullptr;
    st.cursor = base + 1;
    return true;
  };
  auto crash = [&](clean_point p) {
    if (opts.crash_at && opts.crash_at(p)) {
      st.stopped = true;
      return true;
    }
    return false;
  };
  if (!st.changed) {
    st.out = io::file_handle();
    (void)log.io_.remove(cleaned);
    return next_segment();
  }
  if (!st.out_buf.empty()) {
    if (log.io_.write_at(st.out.get(), st.out_size, st.out_buf)) {
      reset(log);
      return false;
    }
    st.out_size += st.out_buf.size();
    st.out_buf.clear();
  }
  if (log.io_.sync(st.out.get())) {
    reset(log);
    return false;
  }
  st.out = io::file_handle();
  if (crash(clean_point::cleaned_written)) return false;
  // The commit point: once <base>.log.swap is durable, recovery installs it.
  if (auto ec = log.io_.rename(cleaned, swap)) {
    (void)log.io_.remove(cleaned);
    reset(log);
    return false;
  }
  if (auto ec = log.io_.sync_dir(log.dir_)) {
    log.go_offline(ec);
    return false;
  }
  if (crash(clean_point::swap_renamed)) return false;
  auto it = log.segments_.find(base);
  if (auto ec = it->second->remove()) {
    log.go_offline(ec);
    return false;
  }
  if (crash(clean_point::old_removed)) return false;
  if (auto ec = log.io_.rename(swap, log_path)) {
    log.go_offline(ec);
    return false;
  }
  if (auto ec = log.io_.sync_dir(log.dir_)) {
    log.go_offline(ec);
    return false;
  }
  if (crash(clean_point::installed)) return false;
  auto seg = segment::open(log.io_, log.dir_, base, log.segment_cfg());
  if (!seg) {
    log.go_offline(seg.error());
    return false;
  }
  (*seg)->allow_gaps_before(log.clean_gap_end_);
  std::error_code ec = (*seg)->load();
  if (!ec) ec = (*seg)->trim_indexes();
  if (ec) {
    log.go_offline(ec);
    return false;
  }
  // Readers holding the old segment's file keep reading it (file_slice).
  it->second = std::move(*seg);
  // The aborted transactions of the segment are unchanged (transactional
  // batches are kept whole); the file was removed with the old segment.
  txn_index_file t{it->second->next_offset(), log.producers_->segment_aborted(base)};
  (void)write_txn_index(log.io_, log.dir_, base, t, /*sync=*/true, /*sync_dir=*/false);
  ++st.stats.segments_swapped;
  return next_segment();
}

}  // namespace sluice::log
