#pragma once
// A consumer that takes part in a consumer group: partitions of the
// subscribed topics are shared among the group's members by Kafka's classic
// group protocol (FindCoordinator, JoinGroup, SyncGroup, Heartbeat,
// LeaveGroup), with protocol type "consumer" and client-side assignment: the
// leader member runs the assignor ("range" or "roundrobin", as Kafka's
// RangeAssignor and RoundRobinAssignor define them) over every member's
// subscription.
//
// After each assignment the committed offsets of the new partitions are
// fetched (OffsetFetch) and consumption starts there; a partition with no
// committed offset starts at auto_offset_reset (earliest or latest).
// on_revoked is called before a rebalance gives partitions up (commit there),
// on_assigned after new ones are taken. commit() commits the positions of
// consumed records (or explicit offsets); auto commit does so every
// auto_commit_interval. close() commits (when auto commit is on) and leaves
// the group, so the others rebalance at once instead of after a session
// timeout.
//
// poll() drives everything: it heartbeats (capping its own wait at the next
// heartbeat), rejoins when the coordinator says a rebalance is in progress,
// and returns records. Heartbeats happen only inside poll(), so call it more
// often than session_timeout, even while processing slowly.
//
// Ownership and threads: holds a reference to the cluster (which must outlive
// it); runs on the cluster's executor.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/assignor.h"
#include "client/cluster.h"
#include "client/consumer.h"
#include "client/error.h"
#include "client/record.h"

namespace sluice::client {

struct group_config {
  std::string group_id;
  std::vector<assignor_kind> assignors{assignor_kind::range, assignor_kind::roundrobin};
  std::chrono::milliseconds session_timeout{45000};      // session.timeout.ms
  std::chrono::milliseconds rebalance_timeout{300000};   // max.poll.interval.ms
  std::chrono::milliseconds heartbeat_interval{3000};    // heartbeat.interval.ms
  bool enable_auto_commit = true;                        // enable.auto.commit
  std::chrono::milliseconds auto_commit_interval{5000};  // auto.commit.interval.ms
  // Where a partition without a committed offset starts (earliest or latest).
  offset_reset auto_offset_reset = offset_reset::latest;
  consumer_config fetch;  // fetch settings of the underlying consumer
};

class group_member {
 public:
  using partitions_callback = std::function<void(const std::vector<topic_partition>&)>;

  group_member(cluster& c, group_config config);
  ~group_member();
  group_member(const group_member&) = delete;
  group_member& operator=(const group_member&) = delete;

  // Topics to consume; the group is joined on the next poll().
  void subscribe(std::vector<std::string> topics);
  void on_assigned(partitions_callback cb);
  void on_revoked(partitions_callback cb);

  // Joins or rejoins when needed, heartbeats, and returns records.
  awaitable<result<std::vector<consumer_record>>> poll(std::chrono::milliseconds timeout);

  // Commits the position of every assigned partition (the offset after the
  // last record poll() returned).
  awaitable<result<void>> commit();
  // Commits explicit offsets (the next offset to read, as Kafka defines it).
  awaitable<result<void>> commit(std::map<topic_partition, int64_t> offsets);

  // Commits if auto commit is on, then leaves the group.
  awaitable<result<void>> close();

  std::vector<topic_partition> assignment() const;
  const std::string& member_id() const noexcept;
  int32_t generation() const noexcept;
  // The underlying consumer (positions, high watermarks, seek).
  client::consumer& consumer();

 private:
  class impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace sluice::client
