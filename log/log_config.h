#pragma once
// Per-topic storage settings, with Kafka's key names and defaults.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "log/sync_stats.h"

namespace sluice::log {

enum class durability {
  // The high watermark is the end of fdatasynced data; every write is followed
  // by a group-committed fdatasync (Sluice's default: nothing acknowledged to a
  // reader can be lost to a power failure).
  fsync,
  // The high watermark is the end of completed writes (page cache), as Kafka's
  // default. fdatasync happens when log.flush.interval.messages/ms say so, or
  // for an acks=all append.
  page_cache,
};

struct log_config {
  uint64_t segment_bytes = 1ull << 30;            // log.segment.bytes
  int64_t roll_ms = 7 * 24 * 3600 * 1000ll;       // log.roll.ms
  int64_t retention_bytes = -1;                   // log.retention.bytes (-1: unlimited)
  int64_t retention_ms = 7 * 24 * 3600 * 1000ll;  // log.retention.ms (-1: unlimited)
  uint32_t index_interval_bytes = 4096;           // log.index.interval.bytes
  uint32_t max_index_bytes = 10 * 1024 * 1024;    // log.index.size.max.bytes
  uint32_t max_message_bytes = 1048588;           // max.message.bytes
  int64_t flush_interval_messages = INT64_MAX;    // log.flush.interval.messages
  int64_t flush_interval_ms = INT64_MAX;          // log.flush.interval.ms
  durability policy = durability::fsync;
  bool log_append_time = false;  // message.timestamp.type=LogAppendTime
  // producer.id.expiration.ms: an idle producer's state is forgotten after it.
  int64_t producer_id_expiration_ms = 86400000;
  // cleanup.policy: "delete" (time/size retention), "compact" (the log
  // cleaner, log/cleaner.h), or both.
  bool cleanup_delete = true;
  bool cleanup_compact = false;
  double min_cleanable_dirty_ratio = 0.5;     // min.cleanable.dirty.ratio
  int64_t min_compaction_lag_ms = 0;          // min.compaction.lag.ms
  int64_t max_compaction_lag_ms = INT64_MAX;  // max.compaction.lag.ms
  int64_t delete_retention_ms = 86400000;     // delete.retention.ms (tombstones)
  // Wall clock in ms, the log's only time source. The broker passes its
  // shard's clock (broker/shard.cc), tests a fake one; empty: the system clock.
  std::function<int64_t()> clock;
  // Where the partition records how long each of its fdatasyncs took: its
  // log_manager's (null: not recorded). Like the clock, not a setting.
  sync_histogram* sync_latency = nullptr;
};

int64_t now_ms(const log_config& cfg);

// cleanup.policy: a comma-separated list of "delete" and "compact" (either
// order, spaces allowed) sets cleanup_delete and cleanup_compact; false (and
// nothing set) for anything else or an empty list.
bool apply_cleanup_policy(std::string_view value, log_config& cfg);
// "delete", "compact" or "compact,delete".
std::string cleanup_policy_name(const log_config& cfg);

}  // namespace sluice::log
