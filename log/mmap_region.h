#pragma once
// Memory mappings of whole files, and the part of the offset and time indexes
// that is only about being a preallocated, memory-mapped file of fixed-size
// entries (Kafka's AbstractIndex). The byte layouts themselves are described in
// log/offset_index.h, log/time_index.h and docs/index-and-checkpoint-format.md.
//
// abstract_index lives here rather than in a header of its own only because the
// file list of this change was fixed; it is what offset_index and time_index share.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <system_error>

#include "log/errors.h"
#include "log/io/file_handle.h"
#include "log/types.h"

namespace sluice::log {

namespace io {
class io_backend;
}

// RAII owner of one mmap(2) of [0, size) of a file, MAP_SHARED. Move-only; the
// destructor unmaps. Holds no file descriptor: the mapping stays valid after
// the fd is closed, and the caller passes the fd again where one is needed.
// An empty region (size 0) holds no mapping, since mmap refuses length 0.
// Thread: no locking; whoever owns the region decides who may touch it.
class mmap_region {
 public:
  enum class access { read_only, read_write };

  mmap_region() = default;
  ~mmap_region() { reset(); }
  mmap_region(const mmap_region&) = delete;
  mmap_region& operator=(const mmap_region&) = delete;
  mmap_region(mmap_region&& o) noexcept;
  mmap_region& operator=(mmap_region&& o) noexcept;

  // Maps the first `length` bytes of `fd`. Touching bytes past the file's end
  // raises SIGBUS, so `length` must not exceed the file size.
  static result<mmap_region> map(int fd, size_t length, access mode);

  // Changes the mapped length (mremap, which may move the mapping: pointers
  // into the region are invalid afterwards). `fd` is used only when the region
  // was empty. On failure the region is unchanged.
  std::error_code remap(int fd, size_t new_length);
  // msync(MS_SYNC) of the whole region.
  std::error_code sync() const;
  void reset();

  std::byte* data() { return static_cast<std::byte*>(addr_); }
  const std::byte* data() const { return static_cast<const std::byte*>(addr_); }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::span<std::byte> bytes() { return {data(), size_}; }
  std::span<const std::byte> bytes() const { return {data(), size_}; }

 private:
  mmap_region(void* addr, size_t size, access mode) : addr_(addr), size_(size), mode_(mode) {}

  void* addr_ = nullptr;
  size_t size_ = 0;
  access mode_ = access::read_only;
};

// The common part of offset_index and time_index (Kafka's AbstractIndex): a
// file of `entry_size`-byte entries, mapped read/write in full, of which the
// first entries() are in use and the rest are zero.
//
// Sizing. Kafka sizes a new index to its maximum at once (a sparse file on most
// file systems). Here the maximum is a limit, not an allocation: a new file is
// allocated (fallocate, so the pages written through the mapping never need a
// block the disk may not have: a write fault on a full disk would be SIGBUS)
// to initial_bytes, and grows by doubling, up to the limit, when an append
// finds no free slot. An idle partition's two indexes then cost two pages of
// disk instead of 2 x log.index.size.max.bytes. The limit is
// max_index_size_bytes (rounded down to whole entries) for an index that takes
// appends (new, reset, or resize(max) by the active segment: Kafka's
// LogSegment.resizeIndexes), and the file length for an existing file opened
// as it is (a rolled segment's trimmed index must not grow back). trim()
// shrinks the file to its entries and sets the limit there: the index is then
// full. A growth that fails (the disk is full) only refuses the append; the
// segment then scans further on lookups, which stays correct.
//
// Invariants: the mapping never reaches past the end of the file; the slots
// past entries() are zero (appends fill the next slot, truncation zeroes what
// it drops, growing the file adds zeros), so an index left untrimmed by a crash
// reads back as its entries plus zero padding, and anything else found there
// is corruption (see check_entries).
//
// Ownership: owns the fd and the mapping; refers to the io_backend, which must
// outlive it. Thread: the partition's shard thread; no locking.
class abstract_index {
 public:
  // A moved-from index may only be destroyed or assigned to.
  abstract_index(abstract_index&&) noexcept = default;
  abstract_index& operator=(abstract_index&&) noexcept = default;

  const std::string& path() const { return path_; }
  offset base_offset() const { return base_offset_; }
  size_t entries() const { return entries_; }
  // Entries the index may hold before it is full (limit / entry size); the
  // file itself may still be smaller, and grows on append.
  size_t max_entries() const { return limit_bytes_ / entry_size_; }
  // Bytes a new index file is allocated with, and the least step it grows by.
  static constexpr size_t initial_bytes = 4096;
  // The configured maximum (log.index.size.max.bytes), rounded down to whole entries.
  size_t max_index_size_bytes() const { return max_index_size_; }
  // Bytes in use: entries() * entry size (Kafka's sizeInBytes).
  size_t size_in_bytes() const { return entries_ * entry_size_; }
  uint64_t file_size_bytes() const { return file_size_; }

  // Sets the limit to `new_size_bytes` rounded down to whole entries: shrinks
  // the file (and mapping) to it when longer; when shorter, grows the file now
  // only if no slot is free (to at most initial_bytes more; a full disk is not
  // an error here: the next append tries again). invalid_argument if that
  // would drop entries.
  std::error_code resize(size_t new_size_bytes);
  // resize(size_in_bytes()): on roll and on clean close (Kafka's trimToValidSize).
  std::error_code trim() { return resize(size_in_bytes()); }
  // Drops every entry, empties the file (so nothing of a damaged one stays
  // behind the new entries) and sets the limit back to max_index_size_bytes(),
  // ready for a rebuild (Kafka's reset).
  std::error_code reset();
  // msync of the mapping, then fdatasync of the file (its length may have changed).
  std::error_code flush();
  // Renames the file through the backend (e.g. to *.deleted) and remembers the new path.
  std::error_code rename_to(std::string new_path);

 protected:
  abstract_index(io::io_backend& io, std::string path, offset base_offset, size_t entry_size,
                 size_t max_index_size_bytes);
  ~abstract_index() = default;

  // The derived open(): opens or creates the file, maps it (see the sizing
  // rules above), and takes the leading run of slots that `follows` accepts.
  template <class Index, class Follows>
  static result<Index> open_index(Index idx, Follows follows) {
    if (auto ec = idx.open_and_map()) return ec;
    idx.entries_ = idx.valid_run(follows, idx.mapped_entries());
    // A lone all-zero first slot is the padding of an empty preallocated file,
    // not an entry; reading it as empty loses nothing (a lookup answers {base
    // offset, position 0} either way).
    if (idx.entries_ == 1 && is_zero(idx.slot(0), idx.entry_size_)) idx.entries_ = 0;
    return idx;
  }

  // Counts the leading run of slots for which follows(previous or nullptr, slot)
  // holds, among the first `limit` slots.
  template <class Follows>
  size_t valid_run(Follows follows, size_t limit) const {
    const std::byte* prev = nullptr;
    size_t n = 0;
    for (; n < limit; ++n) {
      const std::byte* cur = slot(n);
      if (!follows(prev, cur)) break;
      prev = cur;
    }
    return n;
  }

  // The checks every index shares: file length a multiple of the entry size, the
  // entries still a valid run, and nothing but zeros after them.
  template <class Follows>
  std::error_code check_entries(Follows follows) const {
    if (file_size_ % entry_size_ != 0) return errc::corrupt_file;
    if (valid_run(follows, entries_) != entries_) return errc::corrupt_file;
    if (!is_zero(slot(entries_), region_.size() - size_in_bytes())) return errc::corrupt_file;
    return {};
  }

  // How many leading entries have key_of(slot) <= target, for keys that never
  // decrease. Searches the last 8 KiB first, as Kafka does: lookups near the end
  // (tailing consumers, appends) then touch only pages that are already hot.
  template <class KeyOf>
  size_t count_at_most(int64_t target, KeyOf key_of) const {
    if (entries_ == 0) return 0;
    size_t lo = 0;
    size_t hi = entries_;
    size_t warm = warm_section_bytes / entry_size_;
    size_t first_hot = entries_ > warm ? entries_ - warm : 0;
    if (key_of(slot(first_hot)) <= target) {
      lo = first_hot + 1;
    } else {
      hi = first_hot;
    }
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if (key_of(slot(mid)) <= target) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  // o - base offset when it can be stored (0 <= it <= INT32_MAX), as Kafka's toRelative.
  std::optional<int32_t> to_relative(offset o) const {
    if (o < base_offset_ || o - base_offset_ > std::numeric_limits<int32_t>::max()) return {};
    return static_cast<int32_t>(o - base_offset_);
  }

  std::byte* slot(size_t n) { return region_.data() + n * entry_size_; }
  const std::byte* slot(size_t n) const { return region_.data() + n * entry_size_; }
  // Makes slot(entries()) writable, growing the file if needed; false when the
  // index is full (entries() == max_entries()) or the file cannot grow.
  bool reserve_slot();
  // The derived append has written slot(entries()); counts it.
  void commit_slot() { ++entries_; }
  // Keeps the first n entries and zeroes the slots it drops.
  void truncate_to_entries(size_t n);

  static bool is_zero(const std::byte* p, size_t n);

 private:
  static constexpr size_t warm_section_bytes = 8192;

  std::error_code open_and_map();
  // Slots the mapping (and the file) holds now.
  size_t mapped_entries() const { return region_.size() / entry_size_; }
  // Grows the file and the mapping to `bytes` (whole entries, above the file length).
  std::error_code grow_to(size_t bytes);

  io::io_backend* io_;
  std::string path_;
  offset base_offset_;
  size_t entry_size_;
  size_t max_index_size_;
  io::file_handle file_;
  mmap_region region_;
  uint64_t file_size_ = 0;
  size_t limit_bytes_ = 0;  // see "Sizing" above
  size_t entries_ = 0;
};

}  // namespace sluice::log
