#pragma once
// One consumer group's membership state machine (STYLE rule 9), Kafka's
// classic protocol. States and how each request is answered in them:
//
//   Empty: no members (offsets may exist).
//     JoinGroup: new member (v4+: MEMBER_ID_REQUIRED first) -> PreparingRebalance,
//       whose first round waits group.initial.rebalance.delay.ms for more members.
//       A member id handed out with MEMBER_ID_REQUIRED stays pending (in any
//       state, across join rounds) until it joins with it or its session
//       timeout passes; a round completes early only with no pending member.
//     SyncGroup/Heartbeat: UNKNOWN_MEMBER_ID. LeaveGroup: UNKNOWN_MEMBER_ID.
//     OffsetCommit: accepted with generation -1 (simple consumers, admin tools).
//   PreparingRebalance: waiting for every member to (re)join, or the rebalance timeout.
//     JoinGroup: parked until the round completes (then all are answered; the leader
//       gets the member list) -> CompletingRebalance, or -> Empty if nobody joined.
//     SyncGroup: REBALANCE_IN_PROGRESS. Heartbeat: REBALANCE_IN_PROGRESS (timer reset).
//     OffsetCommit: accepted from a member of the current generation (as Kafka).
//   CompletingRebalance: members joined; waiting for the leader's SyncGroup.
//     SyncGroup: parked; the leader's assignments are stored (the group's type 2
//       record) and, once durable, answer every parked one -> Stable. If the
//       store fails, they get COORDINATOR_NOT_AVAILABLE and the group rebalances.
//     JoinGroup with unchanged protocols: answered with the current generation;
//       otherwise -> PreparingRebalance. Heartbeat: NONE. OffsetCommit: REBALANCE_IN_PROGRESS.
//   Stable: SyncGroup answers the member's assignment; Heartbeat NONE; a join from
//     the leader or with changed protocols, a leave or a session expiry -> PreparingRebalance.
//   Dead: deleted (DeleteGroups); every request: COORDINATOR_NOT_AVAILABLE.
// Any state: an unknown member id gets UNKNOWN_MEMBER_ID, a wrong generation
// ILLEGAL_GENERATION.
//
// Static membership (KIP-345, group.instance.id, JoinGroup v5+): a static member
// joins without MEMBER_ID_REQUIRED. When one rejoins with no member id and its
// instance id is known, it takes over the old member's place under a new member
// id: the old id is fenced (its Heartbeat/SyncGroup/OffsetCommit/LeaveGroup and
// any parked request answer FENCED_INSTANCE_ID), and in Stable with unchanged
// protocols the group keeps its generation and assignment (no rebalance; the
// answer names the old leader id so a returning leader does not reassign). In
// CompletingRebalance it rebalances, in PreparingRebalance it simply rejoins.
// JoinGroup v9 (KIP-814) instead names the current leader, gives the leader
// the member list and sets skip_assignment, so it does not assign again.
// A static member that did not rejoin a round stays a member (the session
// timeout removes it); static_members.cc holds that code.
//
// Persistence: when a round ends (Stable with the leader's assignments), when
// a static member is replaced, and when the group becomes Empty, the group
// hands its group_metadata to the persist hook (the coordinator appends it as
// a type 2 record). At start-up restore() rebuilds the group from the last
// one: Stable with its members (each must heartbeat within its session
// timeout, as after any pause) or Empty with its generation.
//
// Ownership: owns its members and their timers. Thread: the shard's (timers run
// there too).

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "broker/group/offsets_log.h"
#include "broker/request.h"
#include "protocol/messages/heartbeat.h"
#include "protocol/messages/join_group.h"
#include "protocol/messages/sync_group.h"

namespace sluice::broker::group {

enum class group_state { empty, preparing_rebalance, completing_rebalance, stable, dead };
const char* state_name(group_state s);

using timer_factory =
    std::function<std::unique_ptr<timer_handle>(std::chrono::milliseconds, std::function<void()>)>;

struct group_settings {
  int64_t initial_rebalance_delay_ms = 3000;
  int32_t min_session_timeout_ms = 6000;
  int32_t max_session_timeout_ms = 1800000;
  // __consumer_offsets-0 is rewritten as a snapshot of the live state once it
  // holds more than this many records and more than twice the live ones.
  int64_t offsets_compact_min_records = 1000;
};

class consumer_group {
 public:
  using join_callback = std::function<void(protocol::join_group_response)>;
  using sync_callback = std::function<void(protocol::sync_group_response)>;

  struct member {
    std::string id;
    std::optional<std::string> group_instance_id;  // static members only
    std::string client_id;
    std::string client_host;  // "/127.0.0.1", as Kafka's DescribeGroups shows it
    int32_t session_timeout_ms = 0;
    int32_t rebalance_timeout_ms = 0;
    std::vector<protocol::join_group_request::join_group_request_protocol> protocols;
    std::vector<std::byte> assignment;
    join_callback awaiting_join;
    sync_callback awaiting_sync;
    std::unique_ptr<timer_handle> session_timer;
  };

  // `clock` (the shard's) stamps state changes and member ids; it outlives the group.
  consumer_group(std::string id, group_settings settings, timer_factory timers,
                 const clock_source& clock);
  consumer_group(const consumer_group&) = delete;
  consumer_group& operator=(const consumer_group&) = delete;

  void join(const protocol::join_group_request& req, int16_t version, const std::string& client_id,
            join_callback done, const std::string& client_host = {});
  void sync(const protocol::sync_group_request& req, sync_callback done);
  protocol::error_code heartbeat(const protocol::heartbeat_request& req);
  // LeaveGroup of one member; v3 may name a static member by its instance id
  // alone (empty member_id).
  protocol::error_code leave(const std::string& member_id,
                             const std::optional<std::string>& instance_id = std::nullopt);
  // Whether an OffsetCommit with this generation and member may change offsets.
  protocol::error_code validate_commit(
      int32_t generation, const std::string& member_id,
      const std::optional<std::string>& instance_id = std::nullopt) const;
  // DeleteGroups: only an Empty group -> Dead.
  protocol::error_code remove();
  // The persist hook (see the top of this file).
  // `done` (may be empty) runs once the record is durable, or with the error.
  using persist_done = std::function<void(std::error_code)>;
  using persist_fn = std::function<void(const group_metadata&, persist_done done)>;
  void set_persist(persist_fn fn) { persist_ = std::move(fn); }
  // What a type 2 record of the group holds now.
  group_metadata metadata() const;
  // Start-up only, on a new (Empty, generation 0) group: the state `g` records.
  void restore(const group_metadata& g);
  // Wall-clock ms when the group entered its current state.
  int64_t state_timestamp_ms() const { return state_since_ms_; }
  // OffsetDelete: whether a member's subscription (the "consumer" protocol's
  // metadata, of every protocol it offered) names `topic`. A member whose
  // metadata cannot be read counts as subscribed to everything (as Kafka).
  bool subscribes_to(std::string_view topic) const;

  const std::string& id() const { return id_; }
  group_state state() const { return state_; }
  int32_t generation() const { return generation_; }
  const std::string& leader() const { return leader_; }
  const std::string& protocol_type() const { return protocol_type_; }
  const std::string& protocol_name() const { return protocol_; }
  const std::map<std::string, member>& members() const { return members_; }
  // Static members: group.instance.id -> current member id.
  const std::map<std::string, std::string>& static_members() const { return static_members_; }

 private:
  void transition(group_state to);
  void persist(persist_done done = {}) const;
  // The leader's assignments of generation `gen` are durable (or failed).
  void complete_sync(int32_t gen, std::error_code ec);
  void add_member(const protocol::join_group_request& req, const std::string& member_id,
                  const std::string& client_id, join_callback done);
  void prepare_rebalance();
  void try_complete_join();
  void complete_join();
  void remove_member(const std::string& member_id);
  void touch(member& m);
  bool supports(const protocol::join_group_request& req, const std::string& except = {}) const;
  std::string select_protocol() const;
  protocol::join_group_response join_answer(const member& m) const;
  std::string new_member_id(const std::string& client_id);
  // Static membership (static_members.cc).
  // FENCED_INSTANCE_ID when `instance_id` belongs to another member id.
  bool fenced(const std::string& member_id, const std::optional<std::string>& instance_id) const;
  // A known instance rejoining with no member id: replaces the old member.
  void replace_static_member(const protocol::join_group_request& req, int16_t version,
                             const std::string& client_id, join_callback done);
  // MEMBER_ID_REQUIRED handed out `id`: it may join with it within its session timeout.
  void add_pending_member(const std::string& id, int32_t session_timeout_ms);

  std::string id_;
  group_settings settings_;
  timer_factory timers_;
  const clock_source& clock_;
  group_state state_ = group_state::empty;
  int32_t generation_ = 0;
  std::string leader_;
  std::string protocol_type_;
  std::string protocol_;
  std::map<std::string, member> members_;
  // Ids handed out with MEMBER_ID_REQUIRED, each until it joins with it or its
  // session timeout passes (as Kafka: a join round ending does not drop them).
  std::map<std::string, std::unique_ptr<timer_handle>> pending_members_;
  std::map<std::string, std::string> static_members_;  // group.instance.id -> member id
  std::unique_ptr<timer_handle> join_timer_;
  persist_fn persist_;
  int32_t persisting_generation_ = -1;  // the leader's assignments being stored
  // Callbacks of appends in flight check it: the group may be gone by then.
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
  int64_t state_since_ms_ = 0;
  bool initial_delay_ = false;  // the first round after Empty waits its delay in full
  uint64_t next_member_ = 1;
};

}  // namespace sluice::broker::group
