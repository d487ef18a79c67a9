#pragma once
// sim_file_model: sim_disk's shadow of file contents, i.e. what each file would
// hold after a power loss. Per file (keyed by inode, so renames and extra links
// follow it) it keeps:
//   - durable_size: the size as of the last successful fdatasync; only bytes
//     below it are durable content.
//   - floor_size: the size the file keeps after a crash whatever happens to its
//     unsynced data; truncate() and allocate() set it at once (size changes
//     are treated as durable immediately: see docs/io-backends.md).
//   - saved pages: the durable bytes of each 4 KiB page below durable_size
//     that has been written since the last sync, copied the first time it is
//     written (copy-on-write).
//   - dirty pages: every page written through the backend since the last sync,
//     with the sequence number of its latest write, and the last write's range.
// An fdatasync is a ticket: submitted (snapshot of size and sequence; pages
// written while it is pending have their submit-time bytes saved for it) and
// later delivered (the snapshot becomes the new durable state). A sync thus
// covers exactly the writes made before it was submitted.
//
// Writes through mmap are invisible here: they are kept as they are.
// Ownership: plain data, owned by sim_disk. Threading: none; sim_disk locks.

#include <compare>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <system_error>
#include <vector>

namespace sluice::test {

// Identity of a file or directory across renames.
struct inode_key {
  uint64_t dev = 0;
  uint64_t ino = 0;
  auto operator<=>(const inode_key&) const = default;
};

// splitmix64: small, fast and the same on every platform and standard library,
// so a seed reproduces a run exactly.
class sim_rng {
 public:
  explicit sim_rng(uint64_t seed) : state_(seed) {}
  uint64_t next();
  uint64_t below(uint64_t n) { return n == 0 ? 0 : next() % n; }           // [0, n)
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)

 private:
  uint64_t state_;
};

class sim_file_model {
 public:
  static constexpr uint64_t page_size = 4096;

  // A file created by the caller: nothing of it is durable yet.
  void created(inode_key k);
  // A file met for the first time (open of an existing file, or its first
  // write): what it holds now is taken as durable.
  void observe(int fd, inode_key k);

  // Before writing [pos, pos + len) to fd: saves the bytes that must survive.
  void before_write(int fd, inode_key k, uint64_t pos, uint64_t len);
  // After the write put `written` bytes at pos.
  void after_write(inode_key k, uint64_t pos, uint64_t written);
  // After a successful truncate()/allocate() set the size to new_size.
  void resized(int fd, inode_key k, uint64_t new_size);

  // fdatasync of fd: submitted (before the real call) → ticket; then either
  // delivered (the completion reaches the caller) or failed.
  uint64_t sync_submitted(int fd, inode_key k);
  void sync_delivered(inode_key k, uint64_t ticket);
  void sync_failed(inode_key k, uint64_t ticket);

  // The last link of a file is gone: drop its state (its inode may be reused).
  void forget(inode_key k) { files_.erase(k); }
  void clear() { files_.clear(); }

  // Rewrites the file at `path` (inode k) to one content a power loss could
  // leave: the durable content, each page written since the last sync kept
  // with probability keep_p, the last write torn at a random byte. Files with
  // no unsynced writes are left alone.
  std::error_code crash_file(const std::string& path, inode_key k, sim_rng& rng, double keep_p);

 private:
  using page_bytes = std::vector<std::byte>;
  struct pending_sync {
    uint64_t seq = 0;                      // covers writes with a sequence number <= seq
    uint64_t size = 0;                     // file size at submission
    std::map<uint64_t, page_bytes> pages;  // submit-time bytes of pages written since
  };
  struct file_state {
    uint64_t durable_size = 0;
    uint64_t floor_size = 0;
    std::map<uint64_t, page_bytes> saved;  // page index → durable bytes
    std::map<uint64_t, uint64_t> dirty;    // page index → seq of its latest write
    uint64_t last_pos = 0, last_len = 0, last_seq = 0;
    uint64_t synced_seq = 0;
    std::map<uint64_t, pending_sync> pending;  // ticket → snapshot
  };

  file_state& state(int fd, inode_key k);

  std::map<inode_key, file_state> files_;
  uint64_t seq_ = 0;
  uint64_t next_ticket_ = 1;
};

}  // namespace sluice::test
