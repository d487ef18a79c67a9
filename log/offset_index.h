#pragma once
// The offset index of one segment (<base offset>.index, Kafka's OffsetIndex): a
// sparse map from offsets to byte positions in the segment's .log file. The
// segment adds an entry about every log.index.interval.bytes; to find an offset,
// look up the greatest entry at or below it and scan batch headers forward from
// its position.
//
// File layout: a sequence of 8-byte entries, big-endian, nothing else:
//
//   offset  size  field
//        0     4  relative offset   offset - base offset, int32 >= 0
//        4     4  position          byte position in the .log, int32 >= 0
//
// Entry i lives at byte 8 * i. Relative offsets strictly increase from entry to
// entry, positions never decrease. The file is allocated with zeros in steps
// as entries are added (abstract_index, "Sizing"), and trimmed to 8 * entries on roll and on clean
// close; after a crash it may be followed by zero padding. Nothing is checksummed: the segment
// checks the index with sanity_check() and rebuilds it from the .log when it fails, and after an
// unclean shutdown rebuilds it for every segment it recovers. See
// docs/index-and-checkpoint-format.md.
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

// One offset index entry, with the relative offset made absolute (Kafka's OffsetPosition).
struct index_entry {
  log::offset offset;
  file_position position;
  bool operator==(const index_entry&) const = default;
};

class offset_index : public abstract_index {
 public:
  static constexpr size_t entry_size = 8;

  // Opens `path`, creating it if missing with its first step allocated (see
  // abstract_index: it grows on append up to max_index_size_bytes rounded down
  // to a multiple of 8). An existing file is mapped at its
  // length; its entries are the leading run that is well formed (see the layout
  // above), so zero padding left by a crash is not read as entries. A trimmed
  // file is full until resize(max_index_size_bytes()), which the segment calls
  // when the index is its active segment's.
  // invalid_argument for a negative base offset or a maximum below 8 bytes.
  static result<offset_index> open(io::io_backend& io, std::string path, offset base_offset,
                                   size_t max_index_size_bytes);

  // Adds {o, p}. False, and nothing changes, when the index is full (or its
  // file cannot grow: the disk is full), o is not
  // above the last entry's offset (or below the base offset), o - base offset
  // does not fit 31 bits, or p is below the last position or above INT32_MAX.
  bool append(offset o, file_position p);

  // The entry with the greatest offset <= target, or {base offset, 0} if none.
  index_entry lookup(offset target) const;
  // Entry n < entries().
  index_entry entry(size_t n) const;
  // The last entry, or {base offset, 0} when empty.
  index_entry last_entry() const;
  bool is_full() const { return entries() >= max_entries(); }

  // Drops every entry with offset >= o. The file keeps its length.
  void truncate_to(offset o);

  // errc::corrupt_file unless: the file length is a multiple of 8; relative
  // offsets strictly increase and fit 31 bits; positions never decrease and
  // stay below log_size_bytes; the slots after the entries are all zero.
  // Cost: reads the whole mapping.
  std::error_code sanity_check(uint64_t log_size_bytes) const;

 private:
  offset_index(io::io_backend& io, std::string path, offset base_offset, size_t max_bytes)
      : abstract_index(io, std::move(path), base_offset, entry_size, max_bytes) {}
};

}  // namespace sluice::log
