#pragma once
// Every partition under log.dirs: opens them at start (recovering after an
// unclean stop), creates and deletes them, runs retention, and keeps the
// per-directory checkpoints (recovery point, log start offset) and the
// clean-shutdown marker.
//
// Start-up, per log dir:
//   1. If .sluice_clean_shutdown is present, remember it and remove it at once
//      (and sync the dir), so that a crash from here on counts as unclean.
//   2. Read recovery-point-offset-checkpoint and log-start-offset-checkpoint; a
//      missing or damaged file (xxHash3 mismatch) means recovery from offset 0
//      for every partition of that dir, with a warning naming the file.
//   3. Open every <topic>-<partition> directory through partition_log::open.
// Clean close: close every partition, write both checkpoints, then the marker.
//
// Ownership: owns the partition_logs; borrows the io_backend. Thread: the
// owning shard's thread, like the partitions.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/topic_partition.h"
#include "log/errors.h"
#include "log/log_config.h"
#include "log/partition_log.h"

namespace sluice::log {

namespace io {
class io_backend;
}

using topic_partition = base::topic_partition;

struct log_manager_config {
  std::vector<std::string> log_dirs{"./sluice-data"};
  // Storage settings for a topic (defaults plus its overrides).
  std::function<log_config(std::string_view topic)> config_for;
  // Where warnings go (log/ has no logging dependency): damaged checkpoints,
  // truncated tails, rebuilt indexes.
  std::function<void(std::string_view)> warn;
  // The wall clock (ms) every partition it opens or creates reads, in place
  // of its config's (log_config::clock): the broker passes its shard's
  // clock, so a fake one in a test reaches the log too. Empty: each
  // config's own.
  std::function<int64_t()> clock;
};

class log_manager {
 public:
  static result<std::unique_ptr<log_manager>> open(io::io_backend& io, log_manager_config cfg);
  ~log_manager();
  log_manager(const log_manager&) = delete;
  log_manager& operator=(const log_manager&) = delete;

  // Creates an empty partition in the log dir holding the fewest partitions.
  // With sync_parent false the log dir's entry for it is not yet durable: the
  // caller creates a batch, then calls sync_log_dirs() once before anything
  // can be acknowledged on them (many partitions at one fsync per dir).
  result<partition_log*> create(const topic_partition& tp, bool sync_parent = true);
  // fsync of every online log dir (see create).
  std::error_code sync_log_dirs();
  // nullptr if absent.
  partition_log* get(const topic_partition& tp) const;
  std::error_code remove(const topic_partition& tp);
  std::vector<topic_partition> partitions() const;

  // Retention for every partition (the owner calls this every
  // log.retention.check.interval.ms). Returns segments deleted.
  size_t enforce_retention(int64_t now_ms);
  // Writes both checkpoints of every online log dir.
  std::error_code write_checkpoints();
  // Clean close: partitions, checkpoints, markers.
  std::error_code close();

  bool dir_offline(const std::string& dir) const;
  // True if the partition's directory went offline.
  const std::vector<std::string>& log_dirs() const { return cfg_.log_dirs; }
  // Every fdatasync of its partitions' group commits, for /metrics.
  const sync_histogram& sync_latency() const { return sync_latency_; }

 private:
  struct entry {
    std::unique_ptr<partition_log> log;
    size_t dir_index = 0;
  };
  log_manager(io::io_backend& io, log_manager_config cfg);
  std::error_code open_dir(size_t dir_index);
  void warn(const std::string& msg) const;
  void take_dir_offline(size_t dir_index, std::error_code ec);
  void attach(const topic_partition& tp, entry& e);
  log_config config_for(std::string_view topic) const;

  io::io_backend& io_;
  log_manager_config cfg_;
  // Before partitions_: they point at it until they are gone. Mutable: the
  // const config_for hands each partition the place it records into.
  mutable sync_histogram sync_latency_;
  std::map<topic_partition, entry> partitions_;
  std::vector<bool> offline_;
  bool closed_ = false;
};

}  // namespace sluice::log
