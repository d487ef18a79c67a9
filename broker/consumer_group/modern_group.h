#pragma once
// One KIP-848 consumer group (group.protocol=consumer): the group epoch, the
// members with their member epochs and subscriptions, the target assignment
// the server assignor computed (assignor.h) and each member's current
// assignment, reconciled towards its target one heartbeat at a time.
//
// The group is a pure value: heartbeat() and expire() never change it; they
// return the records (records.h) that take it to its next state, and the
// caller applies them with replay() once they are durable in
// __consumer_offsets (write, durable, apply, answer). replay() is the only
// way the persisted state changes, live and at start-up alike.
//
// Reconciliation of one member (Kafka's CurrentAssignmentBuilder), with
//   assigned  = the partitions it may use now (what the heartbeat answers)
//   revoking  = partitions it must give up before it may advance
// and "free" meaning no member holds the partition in assigned or revoking:
//   STABLE --new target epoch--> next(epoch)
//   UNREVOKED_PARTITIONS --owned partitions no longer list any revoking one-->
//       next(epoch + 1)
//   UNRELEASED_PARTITIONS --any heartbeat--> next(epoch)
// where next(e) keeps assigned ∩ target, and
//   - if some of assigned - target is still owned by the member: stay at e,
//     revoking = those, state UNREVOKED_PARTITIONS (the rebalance timeout runs);
//   - else adds every free partition of the target, takes the target epoch,
//     and is UNRELEASED_PARTITIONS while a targeted partition is still held
//     by another member, STABLE otherwise.
// A partition is thus given to a new owner only after its previous owner
// reported (in TopicPartitions) that it no longer owns it.
//
// Timers (session timeout, the rebalance timeout of a member that must
// revoke) are kept in memory only: after a restart every member's timers
// start again from the load time, as Kafka reschedules them.
//
// Ownership: a value owned by modern_groups. Thread: the shard's.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "broker/consumer_group/assignor.h"
#include "broker/consumer_group/records.h"
#include "protocol/error_code.h"

namespace sluice::broker::consumer_group {

struct settings {
  int32_t session_timeout_ms = 45000;    // group.consumer.session.timeout.ms
  int32_t heartbeat_interval_ms = 5000;  // group.consumer.heartbeat.interval.ms
  int32_t max_size = 2147483647;         // group.consumer.max.size
  // group.consumer.assignors: the first is the default.
  std::vector<std::string> assignors = {"uniform", "range"};
};

struct member {
  member_metadata meta;        // record 5
  current_assignment current;  // record 8
  // In memory only.
  int64_t last_heartbeat_ms = -1;       // -1: not yet armed (just replayed)
  int64_t revocation_deadline_ms = -1;  // UNREVOKED_PARTITIONS only
  friend bool operator==(const member&, const member&) = default;
};

// One heartbeat, as the handler decoded it: topics by name (ids translated).
struct heartbeat_input {
  std::string member_id;
  int32_t member_epoch = 0;
  std::optional<std::string> instance_id;
  std::optional<std::string> rack_id;
  int32_t rebalance_timeout_ms = -1;
  std::optional<std::vector<std::string>> subscribed_topic_names;
  std::optional<std::string> subscribed_topic_regex;
  std::optional<std::string> server_assignor;
  std::optional<topic_assignment> owned;  // TopicPartitions; null: unchanged
  std::string client_id;
  std::string client_host;
};

struct heartbeat_outcome {
  protocol::error_code error = protocol::error_code::none;
  std::string message;
  std::string member_id;
  int32_t member_epoch = 0;
  std::optional<topic_assignment> assignment;  // sent when set
  std::vector<cg_record> records;              // to make durable, then replay
};

class modern_group {
 public:
  explicit modern_group(std::string group_id) : id_(std::move(group_id)) {}

  const std::string& id() const { return id_; }
  int32_t group_epoch() const { return group_epoch_; }
  int32_t assignment_epoch() const { return assignment_epoch_; }
  const std::map<std::string, member>& members() const { return members_; }
  const std::map<std::string, topic_assignment>& target() const { return target_; }
  const topic_partition_counts& subscription_metadata() const { return subscription_; }
  // "Empty", "Assigning", "Reconciling" or "Stable" (Kafka's ConsumerGroupState).
  const char* state_name() const;
  // The assignor the target is computed with: the one most members ask for,
  // else the first configured.
  std::string assignor_name(const settings& s) const;
  const member* find_member(const std::string& member_id) const;
  const member* find_static(const std::string& instance_id) const;

  // Answers one ConsumerGroupHeartbeat. `topics` is every topic that exists
  // (internal ones excluded) with its partition count; `now_ms` the clock.
  heartbeat_outcome heartbeat(const heartbeat_input& in, const topic_partition_counts& topics,
                              const settings& s, int64_t now_ms) const;

  // Members whose session timed out, or that did not revoke within their
  // rebalance timeout, are fenced: the records that remove them (and bump
  // the group epoch). Empty when nobody expired.
  std::vector<cg_record> expire(int64_t now_ms, const settings& s) const;

  // The records that delete the whole group (DeleteGroups, a classic
  // JoinGroup taking over the empty group's id).
  std::vector<cg_record> tombstones() const;

  // Applies one durable record.
  void replay(const cg_record& r);
  // After records were applied: the heartbeating member's session timer
  // restarts at `now_ms` (when `member_id` is set), members replayed at load
  // start theirs, and a member that must revoke gets its rebalance deadline.
  void arm_timers(int64_t now_ms, const std::string& member_id = {});

  // Every live record of the group (compaction snapshot).
  std::vector<cg_record> snapshot() const;

  // Whether the group has any state worth a record (else it can be forgotten).
  bool empty() const { return members_.empty(); }

  // OffsetCommit/OffsetFetch of a member (KIP-848): NONE when `member_id`
  // is a member whose epoch is `member_epoch`; UNKNOWN_MEMBER_ID,
  // STALE_MEMBER_EPOCH otherwise.
  protocol::error_code validate_offset_commit(const std::string& member_id,
                                              int32_t member_epoch) const;

  friend bool operator==(const modern_group&, const modern_group&) = default;

 private:
  // The records taking this group to `next` (a changed copy).
  std::vector<cg_record> diff(const modern_group& next) const;
  void remove_member(const std::string& member_id);
  // The topics a member subscribes to that exist (names and regex).
  static std::vector<std::string> resolve(const member_metadata& m,
                                          const topic_partition_counts& topics);
  topic_partition_counts compute_subscription(const topic_partition_counts& topics) const;
  void compute_target(const settings& s, const topic_partition_counts& topics);
  // Moves one member's current assignment one step towards its target.
  void reconcile(const std::string& member_id, const std::optional<topic_assignment>& owned);

  std::string id_;
  int32_t group_epoch_ = 0;                         // record 9
  topic_partition_counts subscription_;             // record 9: subscribed topics' partition counts
  int32_t assignment_epoch_ = 0;                    // record 6
  std::map<std::string, topic_assignment> target_;  // records 7
  std::map<std::string, member> members_;
};

}  // namespace sluice::broker::consumer_group
