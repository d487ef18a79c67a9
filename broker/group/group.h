#pragma once
// One consumer group's membership state machine (STYLE rule 9), Kafka's
// classic protocol. States and how each request is answered in them:
//
//   Empty: no members (offsets may exist).
//     JoinGroup: new member (v4+: MEMBER_ID_REQUIRED first) -> PreparingRebalance,
//       whose first round waits group.initial.rebalance.delay.ms for more members.
//     SyncGroup/Heartbeat: UNKNOWN_MEMBER_ID. LeaveGroup: UNKNOWN_MEMBER_ID.
//     OffsetCommit: accepted with generation -1 (simple consumers, admin tools).
//   PreparingRebalance: waiting for every member to (re)join, or the rebalance timeout.
//     JoinGroup: parked until the round completes (then all are answered; the leader
//       gets the member list) -> CompletingRebalance, or -> Empty if nobody joined.
//     SyncGroup: REBALANCE_IN_PROGRESS. Heartbeat: REBALANCE_IN_PROGRESS (timer reset).
//     OffsetCommit: accepted from a member of the current generation (as Kafka).
//   CompletingRebalance: members joined; waiting for the leader's SyncGroup.
//     SyncGroup: parked; the leader's assignments answer every parked one -> Stable.
//     JoinGroup with unchanged protocols: answered with the current generation;
//       otherwise -> PreparingRebalance. Heartbeat: NONE. OffsetCommit: REBALANCE_IN_PROGRESS.
//   Stable: SyncGroup answers the member's assignment; Heartbeat NONE; a join from
//     the leader or with changed protocols, a leave or a session expiry -> PreparingRebalance.
//   Dead: deleted (DeleteGroups); every request: COORDINATOR_NOT_AVAILABLE.
// Any state: an unknown member id gets UNKNOWN_MEMBER_ID, a wrong generation
// ILLEGAL_GENERATION. Static membership (group.instance.id) is not supported yet:
// such members are treated as dynamic ones.
//
// Ownership: owns its members and their timers. Thread: the shard's (timers run
// there too). Membership is not persisted: after a restart a group is Empty
// with its committed offsets, and members rejoin (UNKNOWN_MEMBER_ID).

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

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
};

class consumer_group {
 public:
  using join_callback = std::function<void(protocol::join_group_response)>;
  using sync_callback = std::function<void(protocol::sync_group_response)>;

  struct member {
    std::string id;
    std::string client_id;
    int32_t session_timeout_ms = 0;
    int32_t rebalance_timeout_ms = 0;
    std::vector<protocol::join_group_request::join_group_request_protocol> protocols;
    std::vector<std::byte> assignment;
    join_callback awaiting_join;
    sync_callback awaiting_sync;
    std::unique_ptr<timer_handle> session_timer;
  };

  consumer_group(std::string id, group_settings settings, timer_factory timers);
  consumer_group(const consumer_group&) = delete;
  consumer_group& operator=(const consumer_group&) = delete;

  void join(const protocol::join_group_request& req, int16_t version, const std::string& client_id,
            join_callback done);
  void sync(const protocol::sync_group_request& req, sync_callback done);
  protocol::error_code heartbeat(const protocol::heartbeat_request& req);
  protocol::error_code leave(const std::string& member_id);
  // Whether an OffsetCommit with this generation and member may change offsets.
  protocol::error_code validate_commit(int32_t generation, const std::string& member_id) const;
  // DeleteGroups: only an Empty group -> Dead.
  protocol::error_code remove();
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

 private:
  void transition(group_state to);
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

  std::string id_;
  group_settings settings_;
  timer_factory timers_;
  group_state state_ = group_state::empty;
  int32_t generation_ = 0;
  std::string leader_;
  std::string protocol_type_;
  std::string protocol_;
  std::map<std::string, member> members_;
  std::set<std::string> pending_members_;  // ids handed out with MEMBER_ID_REQUIRED
  std::unique_ptr<timer_handle> join_timer_;
  bool initial_delay_ = false;  // the first round after Empty waits its delay in full
  uint64_t next_member_ = 1;
};

}  // namespace sluice::broker::group
