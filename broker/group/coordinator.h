#pragma once
// The group coordinator of this broker: every consumer group (consumer_group,
// the membership state machine) and every committed offset, which it keeps in
// memory and appends to the internal partition `__consumer_offsets-0`
// (offsets_log.h), with each group's metadata (type 2 records) and the
// offsets transactions stage (types 3 and 4, txn_offsets.cc). One
// replay(record) applies a record both live (after its append is durable)
// and at start-up (load() replays the partition from its log start offset),
// so memory always equals the log.
//
// The partition's machinery (created on the first write, durable appends,
// replay, snapshot compaction) is broker/internal_log.h's; this class keeps
// only its records and what they mean. Bounded replay (compaction.cc): the
// snapshot is every live record. Offsets retention (also there): offsets of
// groups Empty for longer than offsets.retention.minutes are tombstoned by a
// check every offsets.retention.check.interval.ms.
//
// Handlers find the coordinator through coordinator_of(shard): a registration
// keyed by the shard, made by the shard at start (request.h, shared with other
// work, has no accessor for it yet).
//
// Ownership: owns the groups; borrows the shard services (timers, topics).
// Thread: the shard's.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "broker/consumer_group/service.h"
#include "broker/group/group.h"
#include "broker/group/offsets_log.h"
#include "broker/internal_log.h"
#include "broker/request.h"
#include "broker/shard_coordinators.h"

namespace sluice::broker::group {

class coordinator {
 public:
  using offsets_map = std::map<std::pair<std::string, int32_t>, committed_offset>;

  coordinator(shard_services& shard, group_settings settings);
  ~coordinator();
  coordinator(const coordinator&) = delete;
  coordinator& operator=(const coordinator&) = delete;

  // Replays __consumer_offsets-0 if it exists. An unreadable record stops the
  // replay there (what was read is kept) and is reported in the error.
  std::error_code load();
  // Records the last load() replayed (tests: replay is bounded by live state).
  size_t loaded_records() const { return loaded_records_; }
  // Applies one record: the only way offsets change. A group_deleted record
  // also forgets the group if it is (still) Dead, so the id is free again.
  void replay(const offsets_record& r);

  // The group, created Empty if absent (JoinGroup, OffsetCommit).
  consumer_group& get_or_create(const std::string& group_id);
  // nullptr when unknown.
  consumer_group* find(std::string_view group_id);
  const offsets_map* offsets(std::string_view group_id) const;
  const std::map<std::string, std::unique_ptr<consumer_group>, std::less<>>& groups() const {
    return groups_;
  }

  // Appends `records` (one batch) with ack_level::flushed; replays them and
  // calls `done` once durable, or calls `done` with the error and changes nothing.
  void append(std::vector<offsets_record> records, std::function<void(std::error_code)> done);
  // Drops the group (Dead) and its offsets: a group_deleted record.
  void delete_group(const std::string& group_id, std::function<void(std::error_code)> done);

  // DeleteGroups. Each id naming an Empty group, or a group known only by its
  // offsets (after a restart), goes Dead at once (so it takes no new commit
  // meanwhile) and gets a group_deleted record, all in one batch; `done` gets
  // one error per id, in order, after that batch is durable: NON_EMPTY_GROUP,
  // GROUP_ID_NOT_FOUND, INVALID_GROUP_ID, or COORDINATOR_NOT_AVAILABLE when the
  // append failed (the group stays Dead with its offsets until a restart).
  using errors_fn = std::function<void(std::vector<protocol::error_code>)>;
  void delete_groups(const std::vector<std::string>& ids, errors_fn done);

  // OffsetDelete. A group-level error (INVALID_GROUP_ID, GROUP_ID_NOT_FOUND,
  // NON_EMPTY_GROUP for a non-empty group of another protocol type) answers
  // at once; otherwise each partition gets GROUP_SUBSCRIBED_TO_TOPIC when a
  // member of the non-empty group subscribes to its topic, and the committed
  // offsets of the others are tombstoned (one batch, null values) and gone
  // once `done` is called with NONE for them. Partitions without an offset
  // answer NONE and write nothing.
  using partition_list = std::vector<std::pair<std::string, int32_t>>;
  void delete_offsets(
      const std::string& group_id, const partition_list& partitions,
      std::function<void(protocol::error_code, std::vector<protocol::error_code>)> done);

  // Every group's committed offsets of `topic`, tombstoned in one batch: the
  // topic was deleted, and a topic created again under its name must not
  // inherit them (Kafka's onPartitionsDeleted). `done` once durable.
  void delete_topic_offsets(const std::string& topic, std::function<void(std::error_code)> done);

  // Transactional offsets (TxnOffsetCommit and the transaction's markers).
  using staged_offsets = std::vector<std::pair<std::pair<std::string, int32_t>, committed_offset>>;
  // Stages `offsets` of `producer_id` for `group` (type 3 records); `done`
  // once durable. Staged offsets are not visible to offsets() or OffsetFetch.
  void stage_txn_offsets(const std::string& group, int64_t producer_id, int16_t epoch,
                         staged_offsets offsets, std::function<void(std::error_code)> done);
  // The transaction of `producer_id` ended for `group`: commit makes its
  // staged offsets committed, abort drops them, with one type 4 record;
  // `done` once durable. Idempotent: with nothing staged (and no staging in
  // flight), done({}) at once and nothing is written. A plain commit of the
  // same partition made after the staging wins over it (as in Kafka).
  void complete_txn_offsets(const std::string& group, int64_t producer_id, bool commit,
                            std::function<void(std::error_code)> done);
  // OffsetFetch with require_stable (v7+): true while `group` has an offset
  // staged by any open transaction for that partition.
  bool has_pending_txn_offsets(std::string_view group, const std::string& topic,
                               int32_t partition) const;
  // True while `group` has any staged offset (retention keeps the group).
  bool has_pending_txn_offsets(std::string_view group) const;

  // Cancels every timer (shutdown, before the logs close).
  void close();

  // KIP-848 consumer groups (broker/consumer_group/service.h): their records
  // (types 5-9) share this log, its replay and its compaction snapshots.
  broker::consumer_group::service& modern() { return *modern_; }
  // A ConsumerGroupHeartbeat takes a group id held by a classic group only
  // while that group has no members (Kafka converts an empty classic group):
  // the classic group is forgotten, its offsets stay. False when a classic
  // group with members holds the id.
  bool yield_to_consumer_group(const std::string& group_id);

  // Offsets retention: tombstones the offsets of groups that are Empty (or
  // known only by their offsets) whose retention, counted from the later of
  // the group becoming Empty and the commit, ended before `now_ms`. A group
  // left with no offset is deleted (type 2 tombstone). Called by the
  // periodic check; public for tests.
  void expire_offsets(int64_t now_ms);
  // The last persisted metadata of a group; nullptr when none.
  const group_metadata* metadata(std::string_view group_id) const;

  // The Prometheus families of the metrics page (group_metrics.cc): committed
  // offset and lag per group and partition, members per group.
  void render_metrics(std::string& out) const;

 private:
  // An offset a transaction staged for one partition of a group.
  struct staged_offset {
    committed_offset value;
    int16_t producer_epoch = -1;
    bool superseded = false;  // a plain commit of the partition came after it
  };
  using staged_map = std::map<std::pair<std::string, int32_t>, staged_offset>;

  void restore_groups();
  void schedule_retention_check();
  // Types 3 and 4 (txn_offsets.cc); a plain commit or tombstone's effect on staged offsets.
  void replay_txn(const offsets_record& r);
  void supersede_staged(const std::string& group, const std::pair<std::string, int32_t>& tp,
                        bool drop);
  // Asks the internal log for a snapshot compaction of the live state
  // (compaction.cc); called after each applied append.
  void maybe_compact();
  std::vector<batch_record> snapshot() const;
  size_t live_records() const;

  shard_services& shard_;
  group_settings settings_;
  internal_log log_;
  std::map<std::string, std::unique_ptr<consumer_group>, std::less<>> groups_;
  std::map<std::string, offsets_map, std::less<>> offsets_;
  std::map<std::string, group_metadata, std::less<>> metadata_;
  // group -> producer id -> partition: offsets staged by open transactions.
  std::map<std::string, std::map<int64_t, staged_map>, std::less<>> staged_;
  // (group, producer id) -> stagings whose append is not yet durable.
  std::map<std::pair<std::string, int64_t>, size_t> stagings_in_flight_;
  size_t loaded_records_ = 0;
  std::unique_ptr<timer_handle> retention_timer_;
  // Keeps this coordinator's metrics source alive exactly as long as it is.
  std::shared_ptr<int> metrics_owner_ = std::make_shared<int>(0);
  std::unique_ptr<broker::consumer_group::service> modern_;
};

// Handlers find the coordinator of their shard here; the shard registers it
// (broker/shard_coordinators.h).
inline coordinator* coordinator_of(shard_services& shard) { return shard.coordinators().groups; }
using coordinator_registration = shard_registration<coordinator, &shard_coordinators::groups>;

}  // namespace sluice::broker::group
