#pragma once
// The time index of one segment (<base offset>.timeindex, Kafka's TimeIndex): a
// sparse map from the largest timestamp seen so far to the offset of the record
// that carried it. ListOffsets by timestamp and time-based retention look up
// the greatest entry at or below a timestamp, then the offset index.
//
// File layout: a sequence of 12-byte entries, big-endian, nothing else:
//
//   offset  size  field
//        0     8  timestamp         milliseconds since the epoch, int64 >= 0
//        8     4  relative offset   offset - base offset, int32 >= 0
//
// Entry i lives at byte 12 * i. Timestamps strictly increase from entry to
// entry, relative offsets never decrease. Preallocation, trimming, zero padding
// after a crash and the absence of a checksum are as for the offset index
// (log/offset_index.h); see docs/index-and-checkpoint-format.md.
//
// As in Kafka, the last slot is kept free for the entry the segment appends
// when it rolls (maybe_append with skip_full_check), so is_full() is true one
// entry early.
//
// Ownership: see abstract_index (owns fd and mapping, refers to the backend).
// Thread: the partition's shard thread; no locking.

#include <cstdint>
#include <string>
#include <system_error>

#include "log/errors.h"
#include "log/mmap_region.h"
#include "log/types.h"

namespace sluice::log {

namespace io {
class io_backend;
}

// One time index entry, with the relative offset made absolute (Kafka's TimestampOffset).
struct timestamp_offset {
  timestamp_ms timestamp = no_timestamp;
  log::offset offset;
  bool operator==(const timestamp_offset&) const = default;
};

class time_index : public abstract_index {
 public:
  static constexpr size_t entry_size = 12;

  // As offset_index::open: creates it if missing (growing on append up to
  // max_index_size_bytes rounded down to a multiple of 12); an existing file's entries are
  // its well-formed leading run.
  static result<time_index> open(io::io_backend& io, std::string path, offset base_offset,
                                 size_t max_index_size_bytes);

  // Adds {ts, o} when ts is above the last entry's timestamp (any ts >= 0 for an
  // empty index); returns whether it did. Refused as well: o below the last
  // entry's offset or the base offset, o - base offset not fitting 31 bits, or
  // a full index (with skip_full_check, only when the last slot is taken too:
  // the segment uses it for its final entry at roll).
  bool maybe_append(timestamp_ms ts, offset o, bool skip_full_check = false);

  // The entry with the greatest timestamp <= target, or {no_timestamp, base
  // offset} if none.
  timestamp_offset lookup(timestamp_ms target) const;
  // Entry n < entries().
  timestamp_offset entry(size_t n) const;
  // The last entry, or {no_timestamp, base offset} when empty.
  timestamp_offset last_entry() const;
  // Full one slot early (see above).
  bool is_full() const { return entries() + 1 >= max_entries(); }

  // Drops every entry with offset >= o. The file keeps its length.
  void truncate_to(offset o);

  // errc::corrupt_file unless: the file length is a multiple of 12; timestamps
  // are >= 0 and strictly increase; relative offsets fit 31 bits and never
  // decrease; the slots after the entries are all zero. The segment checks
  // last_entry().offset against its next offset itself once it knows it.
  // Cost: reads the whole mapping.
  std::error_code sanity_check() const;

 private:
  time_index(io::io_backend& io, std::string path, offset base_offset, size_t max_bytes)
      : abstract_index(io, std::move(path), base_offset, entry_size, max_bytes) {}
};

}  // namespace sluice::log
