#pragma once
// sim_disk: the io_backend for tests (RELIABILITY B9–B11, B14, C1, C4). It
// works on real files under a root directory — so the engine's mmap, pread and
// sendfile keep working — through a posix_backend, and adds:
//
//   Fault injection. fail_nth_write / fail_nth_sync make the Nth next write or
//   sync (async or synchronous) fail with an errno and change nothing; short
//   writes (a random proper prefix lands and is reported) and EINTR/EAGAIN
//   (nothing lands) occur at a configured rate on async writes; async
//   fdatasync completions can be held back for a random delay, and the time
//   each one was delivered is recorded so a test can prove no ack came first.
//
//   Power loss. crash() puts the disk into one state a power cut could leave:
//   each directory back to its listing at its last sync_dir, each file back to
//   its content at its last fdatasync plus a seeded random subset of the pages
//   written since, with the last write torn at a random byte (sim_file_model
//   and sim_dir_model hold the bookkeeping; docs/io-backends.md says exactly
//   what is and is not modelled). With no syncs at all, a crash loses data.
//
// Ownership: owns the posix_backend, the shadow models, the queue of pending
// completions, a timerfd (event_fd()) and the stash under the root. It does not
// own the io_ops, the fds or the buffers.
// Threading: every member takes one mutex, so the synchronous calls are safe
// from any thread; completions run in poll()/wait() on the caller's thread,
// outside the lock.

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "log/io/io_backend.h"
#include "log/io/posix_backend.h"

namespace sluice::test {

class sim_dir_model;
class sim_file_model;
class sim_rng;

class sim_disk final : public log::io::io_backend {
 public:
  using clock = std::chrono::steady_clock;

  // A fdatasync completion handed to its io_op (async) or returned (sync()).
  struct sync_event {
    const log::io::io_op* op = nullptr;  // nullptr for the synchronous sync()
    int fd = -1;
    int32_t res = 0;
    clock::time_point submitted;
    clock::time_point delivered;  // taken before the io_op runs
  };
  struct counters {
    uint64_t writes = 0;           // async and synchronous write attempts
    uint64_t syncs = 0;            // async and synchronous fdatasync attempts
    uint64_t injected_faults = 0;  // the sum of the four below
    uint64_t failed_writes = 0;
    uint64_t failed_syncs = 0;
    uint64_t short_writes = 0;
    uint64_t retry_errors = 0;  // -EINTR / -EAGAIN
    uint64_t crashes = 0;
  };

  // root: an existing directory; what it holds now counts as durable. Only
  // paths under it are modelled. Throws if the root cannot be used.
  sim_disk(const std::string& root, uint64_t seed);
  ~sim_disk() override;
  sim_disk(const sim_disk&) = delete;
  sim_disk& operator=(const sim_disk&) = delete;

  // ---- faults ----
  // The nth write (1 = the next one) from now fails with -err / err; 0 disarms.
  void fail_nth_write(uint64_t n, int err);
  void fail_nth_sync(uint64_t n, int err);
  void set_short_write_probability(double p);
  void set_retry_error_probability(double p);
  // A disk that fills up: from now on, writes and allocations may grow files
  // by `bytes` in all (a truncate that shrinks a file gives its bytes back).
  // A write that does not fit lands the prefix that does and reports a short
  // write, as the kernel does; one that cannot land a byte fails with ENOSPC,
  // as does an allocate. nullopt: no limit (the default). Freeing space is
  // calling it again with more.
  void set_space_left(std::optional<uint64_t> bytes);
  std::optional<uint64_t> space_left() const;
  // Each async fdatasync completes only after a random delay in [min, max].
  void set_sync_delay(clock::duration min, clock::duration max);
  // Chance that a page written since the last sync survives a crash (0.5).
  void set_crash_keep_probability(double p);
  // Whether fdatasync and sync_dir also reach the real disk (off by default).
  // The model alone decides what a crash keeps, so the real call only costs
  // time (milliseconds on ext4, times thousands of seeds); with it off the fd
  // or directory is still checked, so a bad one fails as it would.
  void set_real_syncs(bool on);

  counters stats() const;
  uint64_t writes() const { return stats().writes; }
  uint64_t syncs() const { return stats().syncs; }
  uint64_t injected_faults() const { return stats().injected_faults; }
  std::vector<sync_event> sync_events() const;
  const std::string& root() const;

  // ---- power loss ----
  // Precondition: no file under the root is open or mapped in this process
  // (the process that used them is dead); otherwise returns
  // errc::invalid_argument and changes nothing. Undelivered
  // completions are dropped without running their io_ops. Afterwards the disk
  // as it is counts as durable and the backend can serve a restarted engine.
  std::error_code crash();

  // ---- io_backend ----
  log::io::backend_kind kind() const override { return log::io::backend_kind::simulated; }
  std::string_view name() const override { return "simulated"; }
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
  void flush() override {}  // work is done at submit; only delivery is deferred
  size_t poll() override;
  size_t wait() override;
  size_t in_flight() const override;
  // A timerfd, armed for the earliest due completion: readable exactly when
  // poll() has something to deliver, delayed syncs included.
  int event_fd() const override { return timer_fd_.get(); }

 private:
  struct completion;

  std::string normalize(const std::string& path) const;
  std::string parent_of(const std::string& path) const;
  bool take_fault(uint64_t& countdown);
  // With a space limit: how many of `len` bytes at `pos` fit (all without one),
  // and takes their growth of the file from the budget.
  uint64_t fit_in_space(int fd, uint64_t pos, uint64_t len);
  int32_t datasync(int fd);  // 0 or -errno
  void enqueue(completion c);
  void arm_timer();
  bool files_open_under_root() const;

  mutable std::mutex mu_;
  log::io::posix_backend fs_;
  std::unique_ptr<sim_file_model> files_;
  std::unique_ptr<sim_dir_model> dirs_;
  std::unique_ptr<sim_rng> rng_;
  log::io::file_handle timer_fd_;
  clock::time_point armed_for_{};  // zero: disarmed

  uint64_t write_countdown_ = 0, sync_countdown_ = 0;
  int write_errno_ = 0, sync_errno_ = 0;
  double short_write_p_ = 0, retry_error_p_ = 0, keep_p_ = 0.5;
  bool real_syncs_ = false;
  std::optional<uint64_t> space_left_;
  clock::duration sync_delay_min_{}, sync_delay_max_{};

  counters counters_;
  std::vector<sync_event> sync_events_;
  std::vector<completion> queue_;  // in submission order
};

}  // namespace sluice::test
