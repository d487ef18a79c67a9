// partition_log's producer state: the queries of transactions and
// DescribeProducers, and keeping the state across rolls, closes, restarts,
// retention and truncation (snapshots and .txnindex files). The rules
// themselves are in producer_state.cc; the append path's use in
// partition_log_write.cc.
#include <unistd.h>

#include <algorithm>
#include <vector>

#include "log/file_names.h"
#include "log/io/io_backend.h"
#include "log/partition_log.h"
#include "log/producer_snapshot.h"
#include "log/producer_state.h"
#include "log/record_batch.h"
#include "log/txn_index.h"

namespace sluice::log {
namespace {

constexpr size_t snapshots_kept = 2;

// Reads the whole (small) control batch at `b` for its marker.
std::optional<end_txn_marker> read_marker(int fd, const batch_info& b) {
  std::vector<std::byte> buf(b.size);
  size_t got = 0;
  while (got < buf.size()) {
    ssize_t n =
        ::pread(fd, buf.data() + got, buf.size() - got, static_cast<off_t>(b.position.value + got));
    if (n <= 0) return std::nullopt;
    got += static_cast<size_t>(n);
  }
  return parse_end_txn_marker(buf);
}

// Replays the producer batches of [from, to) from their headers into `st`;
// `now` dates the batches that carry no max timestamp.
std::error_code scan_producers(const std::map<offset, std::unique_ptr<segment>>& segments,
                               producer_state& st, offset from, offset to, timestamp_ms now) {
  for (const auto& [base, seg] : segments) {
    if (seg->next_offset() <= from || base >= to) continue;
    file_position start{0};
    if (from > base) {
      auto b = seg->find_batch(from, seg->size());
      if (!b) continue;
      start = b->position;
    }
    batch_scanner scan(seg->fd(), start, seg->size(), /*verify=*/false);
    batch_info b;
    while (scan.next(b)) {
      if (b.base_offset >= to) break;
      if (b.producer_id < 0 || b.base_offset < from) continue;
      producer_batch_meta m;
      m.producer_id = b.producer_id;
      m.epoch = b.producer_epoch;
      m.base_sequence = b.base_sequence;
      m.last_offset_delta = static_cast<int32_t>(b.last_offset - b.base_offset);
      m.attributes = b.attributes;
      m.base_offset = b.base_offset;
      // Undated batches (max timestamp -1) count as seen now, as at append.
      m.max_timestamp = b.max_timestamp >= 0 ? b.max_timestamp : now;
      if (m.control()) {
        m.marker = read_marker(seg->fd(), b);
        if (!m.marker) continue;  // not a transaction marker: nothing to apply
      }
      st.replay(m, base);
    }
    if (scan.stop() == scan_stop::io_error) return errc::io_error;
  }
  return {};
}

// Loads into `st` the newest valid snapshot in [first_base, log_end] and
// returns its offset (first_base, with an empty state, when there is none).
// Snapshots past the log end (their data is gone) and corrupt ones are
// deleted; older valid ones stay as fallbacks.
result<offset> load_newest_snapshot(io::io_backend& io, const std::string& dir, producer_state& st,
                                    offset first_base, offset log_end) {
  auto snaps = list_producer_snapshots(dir);
  if (!snaps) return snaps.error();
  std::optional<offset> found;
  std::vector<producer_entry> loaded;
  for (auto it = snaps->rbegin(); it != snaps->rend(); ++it) {
    const std::string path = file_names::join(dir, file_names::snapshot_file(*it));
    if (*it > log_end) {
      if (auto ec = io.remove(path); ec && ec != errc::not_found) return ec;
      continue;
    }
    if (found || *it < first_base) continue;
    auto r = read_producer_snapshot(dir, *it);
    if (r) {
      loaded = std::move(*r);
      found = *it;
    } else if (r.error() == errc::corrupt_file) {
      if (auto ec = io.remove(path); ec && ec != errc::not_found) return ec;
    } else if (r.error() != errc::not_found) {
      return r.error();
    }
  }
  st.load(std::move(loaded));
  return found.value_or(first_base);
}

}  // namespace

offset partition_log::last_stable_offset() const {
  return producers_->last_stable_offset(high_watermark());
}

std::vector<aborted_txn> partition_log::aborted_transactions(offset from, offset upper) const {
  return producers_->aborted(from, upper);
}

std::vector<producer_info> partition_log::active_producers() const {
  return producers_->active_producers();
}

size_t partition_log::remove_expired_producers(int64_t now) {
  return producers_->remove_expired(now, cfg_.producer_id_expiration_ms);
}

// At open, after the segments are recovered and the log end is known: the
// newest valid snapshot at or below the log end, then the batch headers after
// it. Each segment's aborted list comes from its .txnindex when that is valid
// and covers the whole segment; the others are rebuilt by scanning, from the
// log start if they lie below the snapshot (a transaction may begin segments
// before its marker).
std::error_code partition_log::recover_producer_state() {
  const offset first_base = segments_.begin()->first;
  auto loaded = load_newest_snapshot(io_, dir_, *producers_, first_base, log_end_);
  if (!loaded) return loaded.error();
  const offset start = *loaded;

  std::vector<offset> rebuild;
  for (const auto& [base, seg] : segments_) {
    auto t = read_txn_index(dir_, base);
    if (t && t->covered_end == seg->next_offset()) {
      producers_->set_segment_aborted(base, std::move(t->entries));
    } else {
      producers_->set_segment_aborted(base, {});
      rebuild.push_back(base);
    }
  }
  if (!rebuild.empty() && rebuild.front() < start) {
    producer_state context;
    context.set_rebuilding(rebuild);
    if (auto ec = scan_producers(segments_, context, first_base, start, now_ms(cfg_))) return ec;
    for (offset base : rebuild) {
      if (base < start) producers_->set_segment_aborted(base, context.segment_aborted(base));
    }
  }
  producers_->set_rebuilding(rebuild);
  std::error_code ec = scan_producers(segments_, *producers_, start, log_end_, now_ms(cfg_));
  producers_->set_rebuilding(std::nullopt);
  if (ec) return ec;
  // Rebuilt sealed segments get their file back, so the next start reads it.
  bool wrote = false;
  for (offset base : rebuild) {
    const segment& seg = *segments_.at(base);
    if (&seg == &*segments_.rbegin()->second) {
      // Stale (cut by the recovery, or from before the crash): gone until
      // the segment is sealed or the log closed.
      if (auto rec = io_.remove(file_names::join(dir_, file_names::txn_index_file(base)));
          rec && rec != errc::not_found) {
        return rec;
      }
      continue;
    }
    txn_index_file f{seg.next_offset(), producers_->segment_aborted(base)};
    if (auto wec = write_txn_index(io_, dir_, base, f, /*sync=*/true, /*sync_dir=*/false)) {
      return wec;
    }
    wrote = true;
  }
  if (wrote) {
    if (auto sec = io_.sync_dir(dir_)) return sec;
  }
  on_log_start_moved();
  producers_->remove_expired(now_ms(cfg_), cfg_.producer_id_expiration_ms);
  return {};
}

// At roll: the sealed segment's aborted list and a snapshot at the new base
// (every batch below it). The caller's directory sync makes the names durable.
// Not fdatasynced: the append that rolls must not wait for two more syncs
// (Kafka writes this snapshot in the background), and a file torn by a power
// loss fails its CRC, which only means an older snapshot or a longer scan.
std::error_code partition_log::seal_producer_files(offset sealed_base, offset next_base) {
  txn_index_file f{next_base, producers_->segment_aborted(sealed_base)};
  if (auto ec = write_txn_index(io_, dir_, sealed_base, f, false, false)) return ec;
  if (auto ec =
          write_producer_snapshot(io_, dir_, next_base, producers_->entries(), false, false)) {
    return ec;
  }
  auto snaps = list_producer_snapshots(dir_);
  if (!snaps) return snaps.error();
  for (size_t i = 0; i + snapshots_kept < snaps->size(); ++i) {
    if (auto ec = io_.remove(file_names::join(dir_, file_names::snapshot_file((*snaps)[i])));
        ec && ec != errc::not_found) {
      return ec;
    }
  }
  return {};
}

// At clean close: the active segment's list and a snapshot at the log end,
// so that the next start reads both and scans nothing.
std::error_code partition_log::persist_producer_files() {
  const segment& seg = active();
  txn_index_file f{seg.next_offset(), producers_->segment_aborted(seg.base_offset())};
  if (auto ec = write_txn_index(io_, dir_, seg.base_offset(), f, true, false)) return ec;
  if (auto ec = write_producer_snapshot(io_, dir_, log_end_, producers_->entries(), true, true)) {
    return ec;
  }
  auto snaps = list_producer_snapshots(dir_);
  if (!snaps) return snaps.error();
  for (size_t i = 0; i + snapshots_kept < snaps->size(); ++i) {
    io_.remove(file_names::join(dir_, file_names::snapshot_file((*snaps)[i])));
  }
  return {};
}

// Producers whose last batch lies below the log start are forgotten (a retry
// from them is accepted as from an unknown producer); snapshots below it go.
void partition_log::on_log_start_moved() {
  producers_->on_log_start(log_start_, [this](offset base) { return segments_.count(base) > 0; });
  auto snaps = list_producer_snapshots(dir_);
  if (!snaps) return;
  for (offset at : *snaps) {
    if (at < log_start_) io_.remove(file_names::join(dir_, file_names::snapshot_file(at)));
  }
}

// After truncate_to: snapshots past the new end and the active segment's
// .txnindex are stale; the state is rebuilt from the newest snapshot left.
std::error_code partition_log::rebuild_producer_state(offset target) {
  (void)target;  // the log end already is the target
  const segment& seg = active();
  if (auto ec = io_.remove(file_names::join(dir_, file_names::txn_index_file(seg.base_offset())));
      ec && ec != errc::not_found) {
    return ec;
  }
  producers_->truncate_aborted(log_end_);
  producers_->on_log_start(offset{-1}, [this](offset base) { return segments_.count(base) > 0; });
  auto start = load_newest_snapshot(io_, dir_, *producers_, segments_.begin()->first, log_end_);
  if (!start) return start.error();
  // The aborted lists below the new end are kept: the scan adds none.
  producers_->set_rebuilding(std::vector<offset>{});
  std::error_code ec = scan_producers(segments_, *producers_, *start, log_end_, now_ms(cfg_));
  producers_->set_rebuilding(std::nullopt);
  if (ec) return ec;
  producers_->on_log_start(log_start_, [this](offset base) { return segments_.count(base) > 0; });
  return {};
}

}  // namespace sluice::log
