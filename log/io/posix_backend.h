#pragma once
// posix_backend: the io_backend built from plain system calls. Asynchronous
// writes and fdatasyncs run to completion inside submit_*, and their results
// are queued and handed to the io_ops on the next poll()/wait(), so callers see
// the same shape as io_uring: results arrive later, on the owning thread, and a
// short write is reported as-is for the caller to resubmit the rest.
//
// Also the file-system half of the other two backends: uring_backend and
// sim_disk (tests/support/sim_disk) hold a posix_backend and delegate open/rename/sync_dir/... to
// it.
//
// Ownership: owns one eventfd (RAII) and the queue of finished-but-undelivered
// completions; it does not own the io_ops, the fds it is given or their buffers.
// Threading: as io_backend — the data path on one thread; the synchronous
// file-system calls hold no state and are safe from any thread.

#include <deque>
#include <utility>

#include "log/io/io_backend.h"

namespace sluice::log::io {

class posix_backend final : public io_backend {
 public:
  // Throws std::system_error if no eventfd can be created (start-up only).
  posix_backend();
  posix_backend(const posix_backend&) = delete;
  posix_backend& operator=(const posix_backend&) = delete;

  backend_kind kind() const override { return backend_kind::posix; }
  std::string_view name() const override { return "posix"; }

  result<file_handle> open(const std::string& path, open_mode mode) override;
  std::error_code create_dir(const std::string& path) override;
  std::error_code rename(const std::string& from, const std::string& to) override;
  std::error_code remove(const std::string& path) override;
  std::error_code remove_all(const std::string& path) override;
  std::error_code sync_dir(const std::string& path) override;
  std::error_code truncate(int fd, uint64_t size) override;
  std::error_code allocate(int fd, uint64_t size) override;
  std::error_code write_at(int fd, uint64_t pos, std::span<const std::byte> data) override;
  std::error_code sync(int fd) override;

  void submit_write(int fd, uint64_t pos, std::span<const iovec> iov, io_op* op) override;
  void submit_datasync(int fd, io_op* op) override;
  void flush() override {}  // everything already ran at submit time
  size_t poll() override;
  size_t wait() override;
  size_t in_flight() const override { return ready_.size(); }
  int event_fd() const override { return event_fd_.get(); }

  // One pwritev / fdatasync, no retries: bytes written or -errno, which is
  // exactly what an io_uring CQE would carry. Shared with sim_disk.
  static int32_t pwritev_once(int fd, uint64_t pos, std::span<const iovec> iov);
  static int32_t fdatasync_once(int fd);

 private:
  void enqueue(io_op* op, int32_t res);

  file_handle event_fd_;
  bool signalled_ = false;  // the eventfd counter is non-zero
  std::deque<std::pair<io_op*, int32_t>> ready_;
};

}  // namespace sluice::log::io
