#include "log/mmap_region.h"

#include <sys/mman.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "log/io/errno_map.h"
#include "log/io/io_backend.h"

namespace sluice::log {
namespace {

std::error_code last_errno() { return io::error_from_errno(errno); }

size_t round_down(size_t n, size_t multiple) { return n / multiple * multiple; }

}  // namespace

// ---- mmap_region ----

mmap_region::mmap_region(mmap_region&& o) noexcept
    : addr_(std::exchange(o.addr_, nullptr)), size_(std::exchange(o.size_, 0)), mode_(o.mode_) {}

mmap_region& mmap_region::operator=(mmap_region&& o) noexcept {
  if (this != &o) {
    reset();
    addr_ = std::exchange(o.addr_, nullptr);
    size_ = std::exchange(o.size_, 0);
    mode_ = o.mode_;
  }
  return *this;
}

result<mmap_region> mmap_region::map(int fd, size_t length, access mode) {
  if (length == 0) return mmap_region(nullptr, 0, mode);
  int prot = mode == access::read_write ? PROT_READ | PROT_WRITE : PROT_READ;
  void* p = ::mmap(nullptr, length, prot, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) return last_errno();
  return mmap_region(p, length, mode);
}

std::error_code mmap_region::remap(int fd, size_t new_length) {
  if (new_length == size_) return {};
  if (new_length == 0) {
    reset();
    return {};
  }
  if (addr_ == nullptr) {
    auto r = map(fd, new_length, mode_);
    if (!r) return r.error();
    *this = std::move(*r);
    return {};
  }
  void* p = ::mremap(addr_, size_, new_length, MREMAP_MAYMOVE);
  if (p == MAP_FAILED) return last_errno();
  addr_ = p;
  size_ = new_length;
  return {};
}

std::error_code mmap_region::sync() const {
  if (addr_ == nullptr) return {};
  if (::msync(addr_, size_, MS_SYNC) != 0) return last_errno();
  return {};
}

void mmap_region::reset() {
  if (addr_ != nullptr) ::munmap(addr_, size_);
  addr_ = nullptr;
  size_ = 0;
}

// ---- abstract_index ----

abstract_index::abstract_index(io::io_backend& io, std::string path, offset base_offset,
                               size_t entry_size, size_t max_index_size_bytes)
    : io_(&io),
      path_(std::move(path)),
      base_offset_(base_offset),
      entry_size_(entry_size),
      max_index_size_(round_down(max_index_size_bytes, entry_size)) {}

std::error_code abstract_index::open_and_map() {
  if (base_offset_.value < 0 || max_index_size_ == 0) return errc::invalid_argument;
  // create_exclusive tells a new file (allocate its first step) from an
  // existing one (keep its length: a rolled segment's trimmed index must not
  // grow back).
  bool created = true;
  auto f = io_->open(path_, io::open_mode::create_exclusive);
  if (!f && f.error() == errc::already_exists) {
    created = false;
    f = io_->open(path_, io::open_mode::read_write);
  }
  if (!f) return f.error();
  file_ = std::move(*f);
  if (created) {
    const size_t first = std::min(max_index_size_, round_down(initial_bytes, entry_size_));
    if (auto ec = io_->allocate(file_.get(), first)) {
      file_.reset();
      io_->remove(path_);  // best effort: an empty leftover would only open as full
      return ec;
    }
    file_size_ = first;
    limit_bytes_ = max_index_size_;
  } else {
    struct stat st {};
    if (::fstat(file_.get(), &st) != 0) return last_errno();
    file_size_ = static_cast<uint64_t>(st.st_size);
    limit_bytes_ = std::min(max_index_size_, round_down(file_size_, entry_size_));
  }
  // A length that is not a whole number of entries is mapped rounded down;
  // check_entries reports it.
  auto r = mmap_region::map(file_.get(), round_down(file_size_, entry_size_),
                            mmap_region::access::read_write);
  if (!r) return r.error();
  region_ = std::move(*r);
  return {};
}

std::error_code abstract_index::grow_to(size_t bytes) {
  // The file first, so the larger mapping never reaches past its end.
  if (auto ec = io_->allocate(file_.get(), bytes)) return ec;
  file_size_ = bytes;
  return region_.remap(file_.get(), bytes);
}

bool abstract_index::reserve_slot() {
  if (entries_ < mapped_entries()) return true;
  if (entries_ >= max_entries()) return false;
  // Doubling keeps the number of growths logarithmic in the index size.
  size_t want = std::max(file_size_ * 2, static_cast<uint64_t>(initial_bytes));
  want = round_down(std::min<uint64_t>(want, limit_bytes_), entry_size_);
  if (want <= file_size_ || grow_to(want)) return false;
  return entries_ < mapped_entries();
}

std::error_code abstract_index::resize(size_t new_size_bytes) {
  size_t rounded = round_down(new_size_bytes, entry_size_);
  if (rounded < size_in_bytes()) return errc::invalid_argument;
  limit_bytes_ = rounded;
  if (rounded < file_size_) {
    // Cut the file first, then the mapping (nothing touches the pages in between).
    if (auto ec = io_->truncate(file_.get(), rounded)) return ec;
    file_size_ = rounded;
    return region_.remap(file_.get(), rounded);
  }
  if (round_down(file_size_, entry_size_) != region_.size()) {
    // A length that is not whole entries (found at open): cut it to whole ones.
    size_t whole = round_down(file_size_, entry_size_);
    if (auto ec = io_->truncate(file_.get(), whole)) return ec;
    file_size_ = whole;
    if (auto ec = region_.remap(file_.get(), whole)) return ec;
  }
  if (entries_ < mapped_entries() || entries_ >= max_entries()) return {};
  // No free slot: take one step now, as a new index has (its first append
  // would otherwise pay for it). A full disk is left to that append.
  size_t want = round_down(
      std::min<uint64_t>(limit_bytes_, file_size_ + round_down(initial_bytes, entry_size_)),
      entry_size_);
  if (auto ec = grow_to(want); ec && ec != errc::no_space) return ec;
  return {};
}

std::error_code abstract_index::reset() {
  // Empty the file, not only the slots counted as entries: a damaged file can
  // hold more after them (garbage, or entries after a bad one) that a rebuild
  // would not all overwrite, and the next open would find it again.
  truncate_to_entries(0);
  if (auto ec = resize(0)) return ec;
  return resize(max_index_size_);
}

std::error_code abstract_index::flush() {
  if (auto ec = region_.sync()) return ec;
  return io_->sync(file_.get());
}

std::error_code abstract_index::rename_to(std::string new_path) {
  if (auto ec = io_->rename(path_, new_path)) return ec;
  path_ = std::move(new_path);
  return {};
}

void abstract_index::truncate_to_entries(size_t n) {
  if (n >= entries_) return;
  // Zeroing keeps "entries, then zeros" true in the file, so a crash before
  // the next trim cannot resurrect dropped entries at the next open.
  std::memset(slot(n), 0, (entries_ - n) * entry_size_);
  entries_ = n;
}

bool abstract_index::is_zero(const std::byte* p, size_t n) {
  static constexpr std::byte zeros[4096] = {};
  while (n > 0) {
    size_t chunk = std::min(n, sizeof zeros);
    if (std::memcmp(p, zeros, chunk) != 0) return false;
    p += chunk;
    n -= chunk;
  }
  return true;
}

}  // namespace sluice::log
