#pragma once
// The KIP-848 consumer groups of this broker: every group (modern_group.h),
// whose records live in __consumer_offsets-0 beside the classic groups'.
// The classic coordinator (broker/group/coordinator.h) owns this service,
// hands it the records of types 5-9 when it replays the log, asks it for
// its share of a compaction snapshot, and appends the records it produces:
// one log, one replay, one group-id namespace.
//
// Each group's requests run one at a time: a heartbeat computes its records
// from the group as it is, appends them, and the next request of that group
// starts only after they are durable and applied (write, durable, apply,
// answer). Session and rebalance timeouts are checked by a sweep.
//
// Ownership: owned by the group coordinator; borrows it and the shard
// services. Thread: the shard's.

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "broker/consumer_group/modern_group.h"
#include "broker/group/offsets_log.h"
#include "broker/request.h"

namespace sluice::broker::group {
class coordinator;
}

namespace sluice::broker::consumer_group {

settings settings_from(const broker_config& cfg);

class service {
 public:
  using groups_map = std::map<std::string, modern_group, std::less<>>;

  service(shard_services& shard, group::coordinator& coordinator);
  service(const service&) = delete;
  service& operator=(const service&) = delete;

  // The broker's group.consumer.* settings with the group's own overrides
  // (consumer.session.timeout.ms, consumer.heartbeat.interval.ms) applied.
  settings settings_for(std::string_view group_id) const;
  const groups_map& groups() const { return groups_; }
  const modern_group* find(std::string_view group_id) const;

  // ConsumerGroupHeartbeat for `group_id` (a group that is not a classic
  // one: the handler checked). `done` gets the answer once its records are
  // durable and applied; COORDINATOR_NOT_AVAILABLE if the write failed.
  void heartbeat(const std::string& group_id, heartbeat_input in,
                 std::function<void(heartbeat_outcome)> done);

  // Deletes the group's records (DeleteGroups, or a classic JoinGroup
  // taking the id of an empty group); `done` once durable.
  void delete_group(const std::string& group_id, std::function<void(std::error_code)> done);

  // The log's side (called by the group coordinator): applies one record of
  // types 5-9; false for one whose value cannot be read.
  bool replay(const group::offsets_record& r);
  // After load(): members replayed start their timers now, and the sweep starts.
  void loaded(int64_t now_ms);
  std::vector<group::offsets_record> snapshot() const;
  size_t live_records() const;

  // Fences every member whose session or rebalance timeout passed.
  void sweep(int64_t now_ms);
  void close();

 private:
  // Runs `fn` when no earlier request of the group is in flight; `fn` calls
  // the function it is given once it is done.
  void serialized(const std::string& group_id, std::function<void(std::function<void()>)> fn);
  void run(const std::string& group_id, std::function<void(std::function<void()>)> fn);
  void schedule_sweep();
  void append(const std::string& group_id, const std::vector<cg_record>& records,
              std::function<void(std::error_code)> done);
  topic_partition_counts topic_counts() const;

  shard_services& shard_;
  group::coordinator& coordinator_;
  groups_map groups_;
  std::map<std::string, std::deque<std::function<void()>>, std::less<>> busy_;
  std::unique_ptr<timer_handle> sweep_timer_;
  bool closed_ = false;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace sluice::broker::consumer_group
