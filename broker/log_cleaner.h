#pragma once
// Schedules the log cleaner (log/cleaner.h) on the shard: a timer calls
// tick() every tick_ms; each tick gives the partitions whose cleanup.policy
// includes compact a bounded slice of work (at most slice_budget_ms of the
// event loop, in steps of about 1 MiB read), so a compaction never holds up
// requests for longer than that (docs/decisions.md, "Log compaction runs in
// slices on the shard"). A partition in the middle of a round keeps the
// cleaner's attention until its round ends; when a full pass over the
// partitions finds nothing to do, the cleaner sleeps log.cleaner.backoff.ms.
//
// Ownership: borrows the log_manager, which outlives it. Thread: the shard's.

#include <cstdint>
#include <vector>

#include "log/cleaner.h"
#include "log/log_manager.h"

namespace sluice::broker {

struct broker_config;

class log_cleaner {
 public:
  static constexpr int64_t tick_ms = 10;
  static constexpr int64_t slice_budget_ms = 2;
  static constexpr uint64_t step_bytes = 1 << 20;

  log_cleaner(log::log_manager& logs, const broker_config& cfg);
  void tick(int64_t now_ms);
  // Cumulative over all partitions cleaned so far (for /metrics).
  const log::clean_stats& totals() const { return totals_; }

 private:
  log::log_manager& logs_;
  int64_t backoff_ms_;
  log::clean_options opts_;
  std::vector<log::topic_partition> pass_;  // the partitions of the current pass
  size_t next_ = 0;
  bool pass_did_work_ = false;
  int64_t sleep_until_ms_ = 0;
  log::clean_stats totals_;
};

}  // namespace sluice::broker
