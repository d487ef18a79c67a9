#pragma once
// The share-group coordinator of this broker: every share group (membership,
// sessions, per-partition delivery state) in memory, made durable in the
// internal partition `__share_group_state-0` (state_log.h, through
// broker/internal_log.h: created on the first write, durable appends,
// replay, snapshot compaction) and replayed by load() at start. Records a
// dead-letter topic receives are written here too (dead_letters.h).
//
// What is durable: each acknowledgement (and each archive by the delivery
// limit) writes a snapshot of the partitions it touched with
// ack_level::flushed, the change applies in memory only after that write is
// on disk (until then it is pending: share_partition.h), and the request is
// answered after that, so an ACCEPTed record is never delivered again after
// a crash and no request sees a change before it is durable.
// Locks are not written: after a restart every record that was Acquired is
// Available again (its delivery count as of the last snapshot).
//
// Handlers find it through coordinator_of(shard), registered by the shard
// for the life of the coordinator (as group::coordinator_of does).
//
// Ownership: owns the groups; borrows the shard services; its metrics source
// lives as long as it does. Thread: the shard's.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "broker/group_configs.h"
#include "broker/internal_log.h"
#include "broker/request.h"
#include "broker/shard_coordinators.h"
#include "broker/share/share_group.h"
#include "broker/share/share_metrics.h"
#include "broker/share/state_log.h"

namespace sluice::broker::share {

struct share_settings {
  partition_settings partition;
  int32_t session_timeout_ms = 45000;
  int32_t heartbeat_interval_ms = 5000;
  // Where a new share-partition starts (share.auto.offset.reset).
  share_offset_reset auto_offset_reset;
  int32_t member_max_acquired_records = 1000;
  std::string dlq_topic_suffix;  // empty: no dead-letter topic
  // Compaction starts once the state log holds more records than this and
  // more than twice the live share partitions.
  int64_t state_compact_min_records = 1000;
};

share_settings settings_from(const broker_config& cfg);

class coordinator {
 public:
  coordinator(shard_services& shard, share_settings settings);
  coordinator(const coordinator&) = delete;
  coordinator& operator=(const coordinator&) = delete;

  // Replays __share_group_state-0 if it exists: the last snapshot of each
  // partition wins. An unreadable batch stops the replay with an error.
  std::error_code load();

  // The broker-wide settings (group.share.* and sluice.share.* keys).
  const share_settings& settings() const { return settings_; }
  // What `group_id` runs with: settings() with the group's own configs
  // (KIP-932 GROUP resource, broker/group_config_store.h) over them. Read on
  // every use, so an altered config applies to the next heartbeat, fetch or
  // acquisition without a restart, as Kafka's GroupConfigManager is read.
  share_settings settings_for(std::string_view group_id);
  shard_services& shard() { return shard_; }

  share_group& get_or_create(const std::string& group_id);
  share_group* find(std::string_view group_id);
  const std::map<std::string, std::unique_ptr<share_group>, std::less<>>& groups() const {
    return groups_;
  }

  // The share partition of `tp` for `g`, created on first use where the
  // group's share.auto.offset.reset says: the log start (earliest), the high
  // watermark (latest), or the first record at or after now - duration
  // (by_duration; the high watermark when there is none). nullptr when the
  // topic or partition does not exist. Also drops offsets the log deleted
  // and brings the partition's settings up to the group's configs.
  share_partition* partition(share_group& g, const topic_partition& tp);
  // The partitions of a topic, as the assignor wants them.
  partitions_fn partitions_of();
  // Session timeouts, checked whenever the group is used.
  void expire_members(share_group& g, int64_t now_ms);
  // For the offsets admin APIs, which change only an empty group:
  // NON_EMPTY_GROUP and a message naming `change` when `group_id` still has
  // live members (session timeouts applied first); NONE otherwise.
  std::pair<protocol::error_code, std::string> require_empty(const std::string& group_id,
                                                             std::string_view change);

  // Makes the state of `touched`, and of every partition of `g` with
  // pending changes no write carries yet, durable (dead letters first, to
  // the group's dead-letter topic if configured); then applies those pending
  // changes (or drops them if the write failed: share_partition.h) and calls
  // `done`. Write, durable, apply, answer.
  void persist(share_group& g, const std::vector<topic_partition>& touched,
               std::function<void(std::error_code)> done);

  // AlterShareGroupOffsets: writes the snapshots of `fresh` and, once they
  // are durable, puts them in place of the group's state for those
  // partitions.
  void reset(share_group& g, std::vector<std::pair<topic_partition, share_partition>> fresh,
             std::function<void(std::error_code)> done);

  // Writes tombstones for `tps` and, once durable, drops the group's state
  // for them (DeleteShareGroupOffsets); a later member starts them afresh.
  void forget(share_group& g, const std::vector<topic_partition>& tps,
              std::function<void(std::error_code)> done);

  // DeleteGroups for a share group: NON_EMPTY_GROUP while it has members,
  // else its state is tombstoned (forget) and, once that is durable, the
  // group is gone; KAFKA_STORAGE_ERROR if the write failed.
  void delete_group(const std::string& group_id, std::function<void(protocol::error_code)> done);

  // Bounded replay (compaction.cc): once __share_group_state-0 holds far more
  // records than there are live share partitions, appends a snapshot of every
  // one and moves the log start offset to it. Called after each write.
  void maybe_compact();

  // Starts the sweep, every `every`: members silent past the session
  // timeout leave and expired locks give their records back even when no
  // member fetches, and records archived by that (the delivery limit) are
  // made durable and dead-lettered at once. Without it, expiry happens
  // lazily, when a group or partition is next used.
  void start_sweeping(std::chrono::milliseconds every);

  // A client connection closed: every share session tied to it closes, and
  // its member's acquired records go back at once instead of when their
  // locks expire (a SIGKILLed worker's tasks are redelivered now), as
  // Kafka's broker does since 4.1 (KAFKA-19015). The member itself stays
  // until its heartbeats stop (session timeout); a client that reconnects
  // opens a new share session (epoch 0) on its new connection.
  void connection_closed(uint64_t connection_id);
  void sweep(int64_t now_ms);

  // Stops the sweep and the state log's writes; called by the shard before
  // the logs close.
  void close() {
    closed_ = true;
    log_.close();
    sweep_timer_.reset();
  }

  // Counters the request paths add to (share_metrics.h).
  share_counters& counters() { return counters_; }

 private:
  void append_state(std::vector<state_record> records, std::function<void(std::error_code)> done);

  shard_services& shard_;
  share_settings settings_;
  internal_log log_;
  std::map<std::string, std::unique_ptr<share_group>, std::less<>> groups_;
  bool closed_ = false;
  uint64_t last_write_id_ = 0;  // persist()'s writes, numbered from 1
  std::unique_ptr<timer_handle> sweep_timer_;
  share_counters counters_;
  std::shared_ptr<int> metrics_owner_ = std::make_shared<int>(0);
};

// Handlers find the coordinator of their shard here; the shard registers it
// (broker/shard_coordinators.h).
inline coordinator* coordinator_of(shard_services& shard) { return shard.coordinators().shares; }
using coordinator_registration = shard_registration<coordinator, &shard_coordinators::shares>;

}  // namespace sluice::broker::share
