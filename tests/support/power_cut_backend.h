#pragma once
// An io_backend for power-loss tests that forwards everything to another
// backend (a sim_disk) until cut(). From then on the simulated process is dead:
// nothing more reaches the disk, no completion is delivered (so no callback
// runs and nothing is acknowledged), and in_flight() reports 0 so that the
// engine's destructors stop waiting for I/O (partition_log::drain_io gives up
// when nothing is in flight). The wrapped sim_disk keeps the undelivered
// completions and sim_disk::crash() drops them without running them, so the
// engine — and its io_ops — may be destroyed between cut() and crash(). A sync
// that was submitted but not delivered by cut() has made nothing durable.
//
// It can also report file creations and directory syncs to an observer, so a
// test can check their order against acknowledgements (RELIABILITY B14).
//
// Ownership: borrows the wrapped backend. Thread: the engine's thread.

#include <functional>
#include <string_view>

#include "log/io/io_backend.h"

namespace sluice::test {

class power_cut_backend final : public log::io::io_backend {
 public:
  explicit power_cut_backend(log::io::io_backend& real) : real_(real) {}

  void cut() { cut_ = true; }
  bool is_cut() const { return cut_; }
  // Called with ("create", path) after a file was created and ("sync_dir",
  // path) after a directory sync succeeded.
  using fs_observer = std::function<void(std::string_view call, const std::string& path)>;
  void set_observer(fs_observer f) { observer_ = std::move(f); }

  log::io::backend_kind kind() const override { return real_.kind(); }
  std::string_view name() const override { return real_.name(); }

  log::result<log::io::file_handle> open(const std::string& path, log::io::open_mode mode) override;
  std::error_code create_dir(const std::string& path) override;
  std::error_code rename(const std::string& from, const std::string& to) override;
  std::error_code remove(const std::string& path) override;
  std::error_code remove_all(const std::string& path) override;
  std::error_code sync_dir(const std::string& path) override;
  std::error_code truncate(int fd, uint64_t size) override;
  std::error_code allocate(int fd, uint64_t size) override;
  std::error_code write_at(int fd, uint64_t pos, std::span<const std::byte> data) override;
  std::error_code sync(int fd) override;

  void submit_write(int fd, uint64_t pos, std::span<const iovec> iov, log::io::io_op* op) override;
  void submit_datasync(int fd, log::io::io_op* op) override;
  void flush() override;
  size_t poll() override;
  size_t wait() override;
  size_t in_flight() const override;
  int event_fd() const override { return real_.event_fd(); }

 private:
  log::io::io_backend& real_;
  bool cut_ = false;
  fs_observer observer_;
};

}  // namespace sluice::test
