#pragma once
// A Jepsen-style history of one partition's appends and reads, and the checker
// that compares it with what the log holds after a (simulated) crash and
// recovery. One checker for every storage fault test (RELIABILITY principle 9;
// rows B9, B14, C1, C3, C4). Its vocabulary:
//
//   lost-write             an acknowledged batch missing after recovery; counted
//                          separately for acks=all (ack_level::flushed) and for
//                          acks=1 (ack_level::written, or flushed)
//   fetched-then-vanished  a batch some read returned that is gone after recovery
//   inconsistent-offsets   a batch whose bytes differ from what was appended at
//                          its offset, an offset no append was given, or a gap
//   acked-after-offline    a success callback that ran while the partition was
//                          offline (an fsync error must never be followed by an ack)
//   unanswered             an accepted append whose callback ran other than once
//
// Appends that failed, were never answered (a power cut came first) or were not
// acknowledged at any level are indeterminate: they may or may not be present,
// but when present they must be byte-identical at the offset they were given.
//
// Ownership: holds every appended batch, which is also the buffer handed to
// partition_log::append (it must stay alive until the callback), in a deque so
// that addresses are stable. Thread: the test's thread (the partition's).

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "log/partition_log.h"

namespace sluice::test {

struct history_report {
  uint64_t appended = 0;       // accepted by append()
  uint64_t acked_written = 0;  // success callback at ack_level::written or flushed
  uint64_t acked_flushed = 0;  // success callback at ack_level::flushed
  uint64_t observed = 0;       // distinct batches returned by reads
  uint64_t lost_flushed = 0;
  uint64_t lost_written = 0;  // includes lost_flushed
  uint64_t fetched_then_vanished = 0;
  uint64_t inconsistent = 0;
  uint64_t acked_after_offline = 0;
  uint64_t unanswered = 0;
  std::vector<std::string> problems;  // the first few, for failure messages

  // What must hold under durability::fsync whatever the faults.
  bool durable_ok() const {
    return lost_flushed == 0 && fetched_then_vanished == 0 && inconsistent == 0 &&
           acked_after_offline == 0 && unanswered == 0;
  }
  void add(const history_report& o);
  std::string summary() const;
};

class partition_history {
 public:
  using clock = std::chrono::steady_clock;
  struct entry {
    std::vector<std::byte> bytes;  // patched in place by append()
    log::ack_level level = log::ack_level::none;
    log::offset base{-1}, last{-1};
    int64_t tag = 0;  // the test's own label (e.g. a commit number)
    int callbacks = 0;
    std::error_code result;      // of the first callback
    bool after_offline = false;  // a success callback ran while offline
    bool superseded = false;     // a later append got the same offset
    bool cut = false;            // still unanswered when the power was cut
    clock::time_point appended_at{}, answered_at{};
    bool acked() const { return callbacks > 0 && !result; }
  };

  // Appends `batch` to `log` at `level`, keeping the bytes alive here. Returns
  // what append() returned; a refused append is not part of the history.
  log::result<log::append_info> append(log::partition_log& log, std::vector<std::byte> batch,
                                       log::ack_level level, int64_t tag = 0);

  // Records the batches a read returned (the bytes of its slices) and checks
  // them against what was appended: a mismatch is an inconsistent offset.
  void observe(std::span<const std::byte> read_bytes);

  // Compares the history with the recovered log: `recovered` holds its batches
  // from the one holding `log_start`, `log_end` is its log end offset.
  history_report check(std::span<const std::byte> recovered, log::offset log_start,
                       log::offset log_end) const;

  // While set, callbacks are ignored: the process "died" at a power cut and
  // whatever it would have answered afterwards reached nobody.
  // Appends not answered by then are indeterminate, not unanswered.
  void freeze();
  void thaw() { frozen_ = false; }

  // Runs after each callback that is heard (not frozen), with the entry
  // already updated: lets a test order acknowledgements against other events.
  void set_answer_hook(std::function<void(const entry&)> f) { on_answer_ = std::move(f); }

  const std::deque<entry>& entries() const { return entries_; }
  // The latest entry appended at `base`, or nullptr.
  const entry* at(log::offset base) const;
  size_t unanswered_now() const;

 private:
  std::deque<entry> entries_;
  std::map<int64_t, size_t> by_base_;  // base offset -> latest entry with it
  std::set<int64_t> observed_;         // base offsets of batches some read returned
  std::vector<std::string> read_problems_;
  bool frozen_ = false;
  std::function<void(const entry&)> on_answer_;
};

// Every byte of `log` from its log start offset to its high watermark.
std::vector<std::byte> read_all(const log::partition_log& log);

}  // namespace sluice::test
