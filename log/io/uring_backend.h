#pragma once
// uring_backend: the io_backend on io_uring (liburing). submit_* only fill
// submission queue entries; flush() hands all of them to the kernel with one
// io_uring_submit, so appends to many partitions share one system call, and
// completions are reaped in batches by poll()/wait(). The kernel signals an
// eventfd registered with the ring whenever it posts a completion, so an event
// loop can watch event_fd() instead of polling.
//
// Created only through create() (or make_uring_backend), which probes the
// kernel's opcodes the way Seastar does and declines, with a reason, when
// io_uring or an opcode the engine needs is missing.
//
// Ownership: owns the ring and the eventfd (RAII; neither copyable nor
// movable, since the kernel holds pointers into the ring's memory) and a
// posix_backend to which the synchronous file-system calls are delegated. It
// does not own the io_ops, the fds or the buffers.
// Threading: as io_backend — the data path on the thread that owns the ring.

#include <memory>
#include <string>
#include <vector>

#include "log/io/io_backend.h"
#include "log/io/posix_backend.h"

struct io_uring;
struct io_uring_sqe;

namespace sluice::log::io {

class uring_backend final : public io_backend {
 public:
  // nullptr, with the reason in *why, if the ring cannot be set up or the
  // kernel lacks IORING_OP_WRITEV or IORING_OP_FSYNC.
  static std::unique_ptr<uring_backend> create(const backend_options& opts, std::string* why);
  ~uring_backend() override;
  uring_backend(const uring_backend&) = delete;
  uring_backend& operator=(const uring_backend&) = delete;

  backend_kind kind() const override { return backend_kind::io_uring; }
  std::string_view name() const override { return "io_uring"; }
  // The probed opcodes the backend relies on, e.g. "writev, fsync", for logs.
  const std::string& probed() const { return probed_; }

  result<file_handle> open(const std::string& path, open_mode mode) override {
    return fs_.open(path, mode);
  }
  std::error_code create_dir(const std::string& path) override { return fs_.create_dir(path); }
  std::error_code rename(const std::string& from, const std::string& to) override {
    return fs_.rename(from, to);
  }
  std::error_code remove(const std::string& path) override { return fs_.remove(path); }
  std::error_code remove_all(const std::string& path) override { return fs_.remove_all(path); }
  std::error_code sync_dir(const std::string& path) override { return fs_.sync_dir(path); }
  std::error_code truncate(int fd, uint64_t size) override { return fs_.truncate(fd, size); }
  std::error_code allocate(int fd, uint64_t size) override { return fs_.allocate(fd, size); }
  std::error_code write_at(int fd, uint64_t pos, std::span<const std::byte> data) override {
    return fs_.write_at(fd, pos, data);
  }
  std::error_code sync(int fd) override { return fs_.sync(fd); }

  void submit_write(int fd, uint64_t pos, std::span<const iovec> iov, io_op* op) override;
  void submit_datasync(int fd, io_op* op) override;
  void flush() override;
  size_t poll() override;
  size_t wait() override;
  size_t in_flight() const override { return in_flight_; }
  int event_fd() const override { return event_fd_.get(); }

 private:
  uring_backend();
  // Returns an empty SQE, submitting what is queued first if the SQ is full;
  // nullptr if even that frees nothing (the kernel refused the submission).
  ::io_uring_sqe* next_sqe();
  // An op that could not be queued completes with `res` on the next poll().
  void defer(io_op* op, int32_t res);

  std::unique_ptr<::io_uring> ring_;
  bool ring_ready_ = false;  // io_uring_queue_init succeeded: exit it on destruction
  file_handle event_fd_;
  posix_backend fs_;
  std::string probed_;
  size_t in_flight_ = 0;  // queued in the SQ, in the kernel, or deferred
  std::vector<std::pair<io_op*, int32_t>> deferred_;
};

}  // namespace sluice::log::io
