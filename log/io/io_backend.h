#pragma once
// The one interface through which the storage engine touches the disk for
// anything that matters to durability: creating, renaming and removing files,
// syncing directories, writing and fdatasyncing data. Three implementations:
//
//   uring_backend  io_uring (liburing): writes and fdatasyncs are queued and
//                  pushed to the kernel in one io_uring_submit per flush(), so
//                  appends to many partitions share a system call.
//   posix_backend  pwritev/fdatasync executed at submit time; completions are
//                  delivered on the next poll(), exactly as the async ones are.
//   sim_disk       for tests only, so it lives in tests/support/sim_disk/ and
//                  no production binary links it: wraps posix_backend, injects
//                  faults (fail the Nth write or sync, short writes, EINTR/EAGAIN,
//                  slow syncs) and simulates power loss (keeps each file's synced
//                  prefix plus a random subset of unsynced pages; forgets
//                  unsynced dir entries). Tests construct it and hand it to
//                  log_manager::open / partition_log::open like any backend.
//
// Reads (mmap, pread, sendfile) do not go through this interface: they change
// nothing on disk.
//
// Threading: a backend belongs to one thread (one shard). submit_*, flush, poll
// and wait are called on that thread only, and completions run inside poll/wait
// on that thread. The synchronous file-system calls are safe from any thread.

#include <sys/uio.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

#include "log/errors.h"
#include "log/io/file_handle.h"

namespace sluice::log::io {

// An asynchronous operation's completion. The submitter owns the object (usually
// embedded in a larger pending-write record) and keeps it, and any iovec array
// and buffers it refers to, alive until complete() runs.
class io_op {
 public:
  // res is what io_uring reports: bytes written for a write (possibly fewer than
  // asked: a short write), 0 for a successful sync, or -errno.
  virtual void complete(int32_t res) = 0;

 protected:
  ~io_op() = default;
};

enum class open_mode {
  read_only,
  read_write,         // existing file
  create_read_write,  // created if missing (its directory entry needs sync_dir)
  create_exclusive,   // fails with already_exists if present
};

// simulated: a backend defined by the tests (tests/support/sim_disk).
enum class backend_kind { io_uring, posix, simulated };

class io_backend {
 public:
  virtual ~io_backend() = default;
  virtual backend_kind kind() const = 0;
  virtual std::string_view name() const = 0;

  // ---- synchronous file-system calls ----
  virtual result<file_handle> open(const std::string& path, open_mode mode) = 0;
  virtual std::error_code create_dir(const std::string& path) = 0;  // ok if it exists
  virtual std::error_code rename(const std::string& from, const std::string& to) = 0;
  virtual std::error_code remove(const std::string& path) = 0;      // file or empty dir
  virtual std::error_code remove_all(const std::string& path) = 0;  // directory tree
  virtual std::error_code sync_dir(const std::string& path) = 0;    // fsync a directory
  virtual std::error_code truncate(int fd, uint64_t size) = 0;
  // Grows a file to `size` (for preallocated indexes); does not shrink.
  virtual std::error_code allocate(int fd, uint64_t size) = 0;
  // Writes all of `data` at `pos`, retrying short writes and EINTR.
  virtual std::error_code write_at(int fd, uint64_t pos, std::span<const std::byte> data) = 0;
  virtual std::error_code sync(int fd) = 0;  // fdatasync, blocking

  // ---- asynchronous data path ----
  // Queues a vectored write at `pos`. The iovec array and the buffers must stay
  // valid until op->complete runs. Nothing reaches the kernel before flush().
  virtual void submit_write(int fd, uint64_t pos, std::span<const iovec> iov, io_op* op) = 0;
  // Queues an fdatasync of `fd`.
  virtual void submit_datasync(int fd, io_op* op) = 0;
  // Hands every queued operation to the kernel (one system call for io_uring).
  virtual void flush() = 0;
  // Runs the completions that are ready without blocking; returns how many ran.
  virtual size_t poll() = 0;
  // flush(), then blocks until at least one completion ran (or none is in
  // flight); returns how many ran.
  virtual size_t wait() = 0;
  // Operations submitted and not yet completed.
  virtual size_t in_flight() const = 0;
  // An eventfd that becomes readable when completions are ready, for an event
  // loop to watch; -1 if the backend completes everything inside flush().
  virtual int event_fd() const = 0;
};

struct backend_options {
  unsigned queue_depth = 256;  // io_uring submission queue entries
};

// io_uring if the kernel supports the opcodes the engine needs (probed), else
// posix. Writes the choice and the reason to `chosen` for the caller to log.
std::unique_ptr<io_backend> make_default_backend(const backend_options& opts, std::string* chosen);
std::unique_ptr<io_backend> make_posix_backend();
// nullptr (and a reason in `why`) when io_uring or a needed opcode is missing.
std::unique_ptr<io_backend> make_uring_backend(const backend_options& opts, std::string* why);

}  // namespace sluice::log::io
