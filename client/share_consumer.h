#pragma once
// A member of a share group (KIP-932): records of the subscribed topics are
// handed out one by one to whichever member fetches them, several members may
// read the same partition, and each record is acknowledged on its own
// (accept, release, reject) instead of committing an offset.
//
// The flow, as docs/share-groups.md describes the broker's side:
// ShareGroupHeartbeat joins with epoch 0 and a member id made here, then
// heartbeats at the interval the coordinator returns; the assignment names
// topics by id, mapped to names with ShareGroupDescribe. ShareFetch opens a
// share session (epoch 0), then carries epoch + 1 on each request, with the
// acknowledgements of earlier deliveries piggybacked. Only records inside the
// acquired ranges of an answer are handed out, with their delivery count.
//
// Acknowledgement modes, as Kafka's share.acknowledgement.mode:
// - implicit (default): every record poll() returned is accepted by the next
//   poll(), commit() or close(), unless acknowledge() said otherwise;
// - explicit: only what acknowledge() records is sent; a record left
//   unacknowledged stays locked until its acquisition lock expires.
// Pending acknowledgements go with the next ShareFetch, or at once with
// commit() (ShareAcknowledge, answered when the new states are durable).
// renew() extends a record's acquisition lock at once (RENEW, KIP-1222) for
// work that takes longer than group.share.record.lock.duration.ms.
//
// Membership is kept alive in the background, as Kafka's share consumer does
// from its network thread: once joined, a coroutine on the cluster's executor
// sends ShareGroupHeartbeat whenever the interval the coordinator returned
// has passed, whether or not poll() is being called, so a worker may spend
// longer than group.share.session.timeout.ms on one record without leaving
// the group, provided the work does not block the executor's thread (await
// it, or run it on another thread). What still bounds a stuck worker is the acquisition lock
// (group.share.record.lock.duration.ms): records whose lock expires go to
// other members whatever the membership. poll() also heartbeats when due
// (and caps its fetch wait at the next heartbeat, which the broker would
// otherwise answer only after the fetch); one heartbeat is in flight at a
// time, so answers and their epochs apply in order. After
// UNKNOWN_MEMBER_ID or FENCED_MEMBER_EPOCH, whoever heartbeats next (the
// loop at once, or poll() if it comes first) rejoins with epoch 0 and the
// subscription. The loop uses the consumer's connection and never opens
// one: after a broken connection it retries each interval, and the next
// poll() reconnects. close() stops it before the leave heartbeat; so does
// destruction. The loop holds the membership state by shared_ptr, so a
// timer or request of its still pending when the consumer goes is harmless.
//
// One connection serves both the group and the fetches (Sluice is a single
// broker and FindCoordinator names it for every group).
//
// Ownership and threads: holds a reference to the cluster (which must outlive
// it) and shares its membership state with the heartbeat loop; runs on the
// cluster's executor.

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "client/cluster.h"
#include "client/error.h"
#include "client/record.h"
#include "protocol/messages/share_acknowledge.h"
#include "protocol/messages/share_common.h"

namespace sluice::client {

// A delivered record and how many times it has been delivered (1 the first
// time; more after a release, a lock expiry or a member leaving).
struct share_record : consumer_record {
  int16_t delivery_count = 0;
};

// Kafka's AcknowledgeType values a client sends with acknowledge(). RENEW (4)
// is not among them: it is no outcome, and renew() sends it on its own.
enum class ack_type : int8_t { accept = 1, release = 2, reject = 3 };

struct share_config {
  std::string group_id;
  std::vector<std::string> topics;
  bool explicit_acknowledgement = false;  // share.acknowledgement.mode=explicit
  // MaxRecords of each ShareFetch; the broker also caps what one member holds
  // (sluice.share.member.max.acquired.records), the prefetch analogue.
  int32_t max_records = 500;
  int32_t max_bytes = 50 * 1024 * 1024;
};

class share_consumer {
 public:
  share_consumer(cluster& c, share_config config);
  ~share_consumer();
  share_consumer(const share_consumer&) = delete;
  share_consumer& operator=(const share_consumer&) = delete;

  // Joins or heartbeats when due, sends pending acknowledgements, and returns
  // the records acquired by this member (empty after `timeout`).
  awaitable<result<std::vector<share_record>>> poll(std::chrono::milliseconds timeout);

  // Records how `record` (returned by poll) was processed; sent with the next
  // poll() or commit(). A later call for the same record replaces the type.
  void acknowledge(const share_record& record, ack_type type);

  // Sends every pending acknowledgement now (ShareAcknowledge) and returns the
  // first partition error (INVALID_RECORD_STATE: the lock had expired).
  awaitable<result<void>> commit();

  // Extends the acquisition lock of `record` (returned by poll, not yet
  // acknowledged) now: a ShareAcknowledge v2 carrying only RENEW for it. The
  // record stays this member's and keeps its delivery count; in implicit mode
  // it is still accepted by the next poll(), commit() or close() unless
  // acknowledge() says otherwise. One record a call because the broker
  // answers one error per partition: this one's. INVALID_RECORD_STATE when
  // the lock had already expired (the record may be someone else's now);
  // UNSUPPORTED_VERSION, with nothing sent, when the broker serves
  // ShareAcknowledge only below v2.
  awaitable<result<void>> renew(const share_record& record);

  // Sends what is pending, closes the share session (the broker gives back
  // what this member still holds), stops the background heartbeats and
  // leaves the group (epoch -1). poll() fails afterwards.
  awaitable<result<void>> close();

  // Errors the broker reported for acknowledgements piggybacked on the last
  // poll(); poll() itself still succeeds.
  const std::vector<client_error>& acknowledge_errors() const noexcept { return ack_errors_; }
  const std::string& member_id() const noexcept;
  int32_t member_epoch() const noexcept;
  std::vector<topic_partition> assignment() const;

 private:
  using clock = std::chrono::steady_clock;
  using topic_key = std::array<std::byte, 16>;  // a topic id's bytes
  // Member id, epoch, assignment and topic names, the heartbeat turn and
  // the background loop (share_consumer.cc).
  class membership;

  awaitable<result<std::shared_ptr<connection>>> conn();
  awaitable<void> wait(std::chrono::milliseconds d);
  // Moves the records the last poll() returned into the pending accepts.
  void accept_delivered();
  // The pending acknowledgements of `tp`, as single-offset batches.
  std::vector<protocol::acknowledgement_batch> batches_of(const topic_partition& tp) const;
  result<topic_key> id_of(const std::string& topic) const;
  // A ShareAcknowledge of this member at `epoch` carrying `acks`; partitions
  // of topics with no known id are left out.
  protocol::share_acknowledge_request acknowledge_request(
      int32_t epoch,
      const std::map<topic_partition, std::vector<protocol::acknowledgement_batch>>& acks) const;
  // Sends `req` (the caller's, alive until this returns) and returns its
  // first error, the message starting with `what`; a session epoch other than
  // -1 moves on when the broker took the request.
  awaitable<result<void>> send_acknowledge(const protocol::share_acknowledge_request& req,
                                           std::string what);
  // The pending acknowledgements of every partition, as batches.
  std::map<topic_partition, std::vector<protocol::acknowledgement_batch>> pending_batches() const;
  void forget_session();

  cluster& cluster_;
  share_config config_;
  std::shared_ptr<membership> m_;            // also held by the heartbeat loop
  int32_t session_epoch_ = 0;                // the next ShareFetch/ShareAcknowledge's
  std::set<topic_partition> session_parts_;  // partitions the session fetches
  std::map<topic_partition, std::map<int64_t, ack_type>> pending_;
  std::vector<std::pair<topic_partition, int64_t>> delivered_;  // by the last poll
  std::vector<client_error> ack_errors_;
};

}  // namespace sluice::client
