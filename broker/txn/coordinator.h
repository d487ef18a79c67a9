#pragma once
// The transaction coordinator of this broker (docs/transactions.md): every
// transactional id's state (txn_log.h) and the producer id allocator, made
// durable in `__transaction_state-0` through internal_log and replayed by
// load() at start.
//
// Every change is written first, made durable, and only then applied in
// memory and answered. While a transactional id has a write or its markers in
// flight it is "pending": other requests for it answer CONCURRENT_TRANSACTIONS
// (clients retry), so one transition at a time.
//
// Ending a transaction (EndTxn, a timeout, InitProducerId fencing an ongoing
// one): PrepareCommit/PrepareAbort is written, then a marker goes to every
// partition of the transaction and each group's staged offsets are committed
// or dropped, then CompleteCommit/CompleteAbort. A crash after the prepare
// record resumes the markers at load(), so a transaction always completes or
// aborts in every partition, never in some. EndTxn is answered once the
// markers are durable, so a read_committed reader sees the data as soon as
// the producer learns of the commit.
//
// Ownership: owns the state; borrows the shard services. Thread: the shard's.

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <vector>

#include "broker/internal_log.h"
#include "broker/request.h"
#include "broker/shard_coordinators.h"
#include "broker/txn/txn_log.h"
#include "protocol/error_code.h"

namespace sluice::broker::txn {

struct txn_settings {
  int32_t max_timeout_ms = 900000;
  int64_t abort_check_interval_ms = 10000;
  int64_t id_expiration_ms = 604800000;
  int64_t compact_min_records = 1000;
  int64_t producer_id_block = 1000;  // ids reserved per __transaction_state record
};

txn_settings settings_from(const broker_config& cfg);

class coordinator {
 public:
  using error_fn = std::function<void(protocol::error_code)>;
  using init_fn = std::function<void(protocol::error_code, int64_t producer_id, int16_t epoch)>;
  // EndTxn's answer: the producer id and epoch the producer goes on with
  // (EndTxn v5+); -1/-1 with an error.
  using end_fn = init_fn;

  coordinator(shard_services& shard, txn_settings settings);
  ~coordinator();
  coordinator(const coordinator&) = delete;
  coordinator& operator=(const coordinator&) = delete;

  // Replays __transaction_state-0, then resumes the markers of every
  // transaction that was prepared but not completed, and starts the timeout check.
  std::error_code load();
  // Stops the timers; nothing new starts (shutdown, before the logs close).
  void close();

  // InitProducerId. Without a transactional id: a fresh producer id, epoch 0.
  // With one: its producer id with the epoch bumped (fencing older
  // instances), aborting an ongoing transaction first (the caller gets
  // CONCURRENT_TRANSACTIONS and retries). producer_id/epoch (v3+, -1 when
  // absent) must name the current or previous incarnation (KIP-360), else
  // PRODUCER_FENCED.
  void init_producer_id(const std::optional<std::string>& transactional_id, int32_t timeout_ms,
                        int64_t producer_id, int16_t epoch, init_fn done);

  // AddPartitionsToTxn / AddOffsetsToTxn: adds to the ongoing transaction
  // (starting it); durable before `done`.
  void add_partitions(const std::string& id, int64_t producer_id, int16_t epoch,
                      const std::vector<topic_partition>& partitions, error_fn done);
  void add_group(const std::string& id, int64_t producer_id, int16_t epoch,
                 const std::string& group, error_fn done);
  // Transactions V2 (KIP-890 part 2): Produce v12 and TxnOffsetCommit v5
  // add their partition or group themselves, starting the transaction if
  // none is open; the transaction is then recorded as a TV2 one.
  void add_implicitly(const std::string& id, int64_t producer_id, int16_t epoch,
                      const std::vector<topic_partition>& partitions, error_fn done);
  void add_group_implicitly(const std::string& id, int64_t producer_id, int16_t epoch,
                            const std::string& group, error_fn done);

  // EndTxn. `tv2` (EndTxn v5+): the epoch is bumped by this end (the markers
  // carry the bumped one), moving to a fresh producer id when it would
  // overflow, and `done` hands the new id/epoch back. A retry of the end that
  // completed the last TV2 transaction (its epoch is the current one - 1)
  // answers as it did; any other epoch is PRODUCER_FENCED, so an EndTxn late
  // from an earlier transaction cannot end the one now open (RELIABILITY G8).
  void end_txn(const std::string& id, int64_t producer_id, int16_t epoch, bool commit, bool tv2,
               end_fn done);
  // The TV1 form (EndTxn v0-4).
  void end_txn(const std::string& id, int64_t producer_id, int16_t epoch, bool commit,
               error_fn done);

  // Checks without changing anything. `validate` is what every transactional
  // request checks first: the id is known, bound to producer_id, at epoch,
  // and not in the middle of another transition.
  protocol::error_code validate(const std::string& id, int64_t producer_id, int16_t epoch) const;
  // KIP-890 part 1 verification, for Produce: a transactional batch may only
  // go to a partition of its producer's ongoing transaction.
  protocol::error_code verify_partition(int64_t producer_id, int16_t epoch,
                                        const topic_partition& tp) const;
  // For TxnOffsetCommit: the group was added (AddOffsetsToTxn) to the ongoing transaction.
  protocol::error_code verify_group(const std::string& id, int64_t producer_id, int16_t epoch,
                                    const std::string& group) const;

  const std::map<std::string, txn_metadata, std::less<>>& transactions() const { return txns_; }

  // Aborts (with an epoch bump, fencing the producer) every ongoing
  // transaction older than its timeout, and forgets ids idle for
  // transactional.id.expiration.ms. Called by the periodic check; public for tests.
  void check_timeouts(int64_t now_ms);

 private:
  struct waiting_init;
  void allocate_producer_id(std::function<void(std::error_code, int64_t)> done);
  // Writes `m` (durable), then applies it and calls `done`.
  void write(txn_metadata m, std::function<void(std::error_code)> done);
  // From PrepareCommit/PrepareAbort: markers, staged offsets, then Complete*.
  void complete(const std::string& id, std::function<void(std::error_code)> done);
  void retry_markers_later(const std::string& id);
  void apply(const txn_record& r);
  void schedule_check();
  void maybe_compact();
  void write_init(const std::string& id, txn_metadata m, init_fn done);
  // AddPartitionsToTxn/AddOffsetsToTxn: `m` with the additions; starts the
  // transaction if it was not ongoing, writes only when something changed.
  void write_ongoing(txn_metadata m, bool added, int8_t client_version, error_fn done);
  void write_end(txn_metadata m, bool commit, bool tv2, end_fn done);

  shard_services& shard_;
  txn_settings settings_;
  internal_log log_;
  std::map<std::string, txn_metadata, std::less<>> txns_;
  std::unordered_map<int64_t, std::string> by_producer_;  // producer id -> transactional id
  std::map<std::string, bool, std::less<>> pending_;      // ids with a transition in flight
  int64_t next_producer_id_ = 0;
  int64_t reserved_end_ = 0;  // ids below it are reserved by a durable record
  bool reserving_ = false;
  std::deque<std::function<void(std::error_code, int64_t)>> id_waiters_;
  bool closed_ = false;
  std::unique_ptr<timer_handle> check_timer_;
  std::map<std::string, std::unique_ptr<timer_handle>, std::less<>> retry_timers_;
};

// PRODUCER_FENCED (KIP-588) is known to clients from InitProducerId v4,
// AddPartitionsToTxn/AddOffsetsToTxn/EndTxn v2 and TxnOffsetCommit v3 on;
// older versions hear INVALID_PRODUCER_EPOCH, as Kafka answers them.
inline protocol::error_code fenced_for(protocol::error_code e, bool client_knows_fenced) {
  if (e == protocol::error_code::producer_fenced && !client_knows_fenced)
    return protocol::error_code::invalid_producer_epoch;
  return e;
}

// Handlers find the coordinator of their shard here; the shard registers it
// (broker/shard_coordinators.h).
inline coordinator* coordinator_of(shard_services& shard) { return shard.coordinators().txns; }
using coordinator_registration = shard_registration<coordinator, &shard_coordinators::txns>;

}  // namespace sluice::broker::txn
