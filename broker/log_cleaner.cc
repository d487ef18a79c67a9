#include "broker/log_cleaner.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "broker/batch_codecs.h"
#include "broker/config.h"
#include "log/partition_log.h"

namespace sluice::broker {
namespace {

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

log_cleaner::log_cleaner(log::log_manager& logs, const broker_config& cfg)
    : logs_(logs), backoff_ms_(cfg.log_cleaner_backoff_ms) {
  opts_.codec = batch_codecs();
}

void log_cleaner::tick(int64_t now_ms) {
  if (now_ms < sleep_until_ms_) return;
  const int64_t start = steady_ms();
  while (steady_ms() - start < slice_budget_ms) {
    if (next_ >= pass_.size()) {
      if (!pass_.empty() && !pass_did_work_) {
        // A whole pass found nothing to clean: back off.
        pass_.clear();
        next_ = 0;
        sleep_until_ms_ = now_ms + backoff_ms_;
        return;
      }
      pass_ = logs_.partitions();
      next_ = 0;
      pass_did_work_ = false;
      if (pass_.empty()) {
        sleep_until_ms_ = now_ms + backoff_ms_;
        return;
      }
    }
    log::partition_log* p = logs_.get(pass_[next_]);
    if (p == nullptr || !p->config().cleanup_compact) {
      ++next_;
      continue;
    }
    const log::clean_stats before = log::cleaner::stats(*p);
    const bool more = p->clean_step(opts_, now_ms, step_bytes);
    const log::clean_stats after = log::cleaner::stats(*p);
    totals_.rounds += after.rounds - before.rounds;
    totals_.segments_swapped += after.segments_swapped - before.segments_swapped;
    totals_.records_removed += after.records_removed - before.records_removed;
    totals_.bytes_read += after.bytes_read - before.bytes_read;
    if (more) {
      pass_did_work_ = true;  // stay on this partition until its round ends
      continue;
    }
    ++next_;
  }
}

}  // namespace sluice::broker
