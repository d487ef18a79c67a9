#pragma once
// One share group: its members (KIP-932 membership through
// ShareGroupHeartbeat), the partitions assigned to each (assignor.h), each
// member's share session (ShareFetch/ShareAcknowledge epochs), and the
// delivery state of every partition the group reads (share_partition.h).
//
// Membership, as a state machine per member:
//   absent --heartbeat epoch 0--> member (epoch = group epoch)
//   member --heartbeat epoch <= its epoch--> member (refreshes its session timer)
//   member --heartbeat epoch -1, or silent past the session timeout--> absent
// Every join, leave, subscription change or change in the subscribed topics'
// partitions bumps the group epoch and recomputes every assignment; there is
// no revocation step, since many members may read one partition. A member
// leaving gives back every record it holds.
//
// Ownership: owned by the coordinator. Thread: the shard's.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "broker/share/assignor.h"
#include "broker/share/share_partition.h"
#include "protocol/error_code.h"

namespace sluice::broker::share {

using topic_partition = std::pair<std::string, int32_t>;

struct share_member {
  std::string member_id;
  int32_t member_epoch = 0;
  std::optional<std::string> rack_id;
  std::string client_id;
  std::string client_host;  // "/127.0.0.1", as DescribeGroups shows it
  std::vector<std::string> subscribed_topic_names;
  std::map<std::string, std::vector<int32_t>> assignment;
  int64_t last_heartbeat_ms = 0;
};

// A member's share session (KIP-932): the partitions it fetches from, and
// the epoch the next request must carry.
struct share_session {
  int32_t next_epoch = 1;
  std::set<topic_partition> partitions;
  // The connection of its latest request: when that connection closes, the
  // session closes and the member's records go back (coordinator.h).
  uint64_t connection_id = 0;
};

struct heartbeat_input {
  std::string member_id;
  int32_t member_epoch = 0;
  std::optional<std::string> rack_id;
  std::optional<std::vector<std::string>> subscribed_topic_names;
  std::string client_id;
  std::string client_host;
};

struct heartbeat_outcome {
  protocol::error_code error = protocol::error_code::none;
  std::string message;
  const share_member* member = nullptr;  // set on success (not for a leave)
  int32_t member_epoch = 0;
};

class share_group {
 public:
  explicit share_group(std::string group_id) : id_(std::move(group_id)) {}

  const std::string& id() const { return id_; }
  int32_t group_epoch() const { return epoch_; }
  const std::map<std::string, share_member>& members() const { return members_; }
  // "Empty" or "Stable" (Kafka's ShareGroupState names).
  const char* state_name() const { return members_.empty() ? "Empty" : "Stable"; }

  heartbeat_outcome heartbeat(const heartbeat_input& in, int64_t now_ms,
                              const partitions_fn& partitions_of);
  // Members silent for longer than `session_timeout_ms` leave.
  void expire_members(int64_t now_ms, int64_t session_timeout_ms,
                      const partitions_fn& partitions_of);
  // Recomputes every assignment; bumps the epoch if any changed.
  void rebalance(const partitions_fn& partitions_of);

  std::map<topic_partition, share_partition>& partitions() { return partitions_; }
  const std::map<topic_partition, share_partition>& partitions() const { return partitions_; }
  share_partition* find_partition(const topic_partition& tp);
  share_partition& add_partition(const topic_partition& tp, share_partition p);
  // Records held by `member` in every partition.
  int32_t acquired_by(const std::string& member) const;

  std::map<std::string, share_session>& sessions() { return sessions_; }

  // ShareFetches of this group waiting for records (fetch_service.h). A
  // waiter is called once, at the next change that may let a member acquire
  // (records acknowledged, released or given back; a member gone), and
  // waits again to hear of a later one: waking is an event, not a timer.
  uint64_t wait_for_change(std::function<void()> wake);
  void cancel_wait(uint64_t id);
  void changed();

 private:
  void remove_member(const std::string& member_id, int64_t now_ms);

  std::string id_;
  int32_t epoch_ = 0;
  std::map<std::string, share_member> members_;
  std::map<topic_partition, share_partition> partitions_;
  std::map<std::string, share_session> sessions_;
  std::map<uint64_t, std::function<void()>> waiters_;
  uint64_t next_waiter_ = 1;
};

}  // namespace sluice::broker::share
