#pragma once
// Sends records to topics, batched per partition.
//
// send() is a non-blocking enqueue: the record is partitioned (explicit
// partition, else murmur2 of the key, else the unkeyed partitioner), appended
// to its partition's open batch, and its delivery callback is called later,
// on the executor, with the record's partition and offset or the error.
// A batch is sent when it reaches batch_size bytes, when it has waited
// linger_ms, or on flush(). Batches are RecordBatch v2, compressed as
// configured, grouped per leader broker into one Produce request, with at
// most max_in_flight requests outstanding per broker.
//
// Retries: a retriable error (NOT_LEADER_OR_FOLLOWER, UNKNOWN_TOPIC_OR_PARTITION,
// timeouts, lost connections, a refused connect while a broker restarts, ...)
// is retried with exponential back-off (retry_backoff doubling up to
// retry_backoff_max), up to `retries` times (by default unbounded, as in
// Kafka) and within delivery_timeout of send(); NOT_LEADER and UNKNOWN_TOPIC
// refresh metadata first. So a broker that restarts within delivery_timeout
// loses nothing and, with idempotence, writes nothing twice. A record that
// still fails reaches its callback with an error naming its topic,
// partition, the number of records of its batch and how long it was tried.
//
// Idempotence (enable.idempotence, on unless turned off, as in Kafka's Java
// client since 3.0): before its first batch the producer asks for a producer
// id (InitProducerId); every batch carries that id, its epoch and a per
// partition sequence number, and a retry resends the same bytes, so the
// broker writes a retried batch once. Up to max_in_flight (at most 5) batches
// per partition are in flight and kept in order: a retried batch goes out
// alone, before anything newer, and batches behind it that the broker refused
// as out of order follow it. When the broker has lost the producer's state or
// a batch failed for good (a gap), the producer re-initialises its id
// (KIP-360: a new epoch, sequences from 0) once nothing is in flight and
// goes on. INVALID_PRODUCER_EPOCH / PRODUCER_FENCED are fatal: every later
// send fails with that error. Idempotence needs acks=all; left unset it is
// quietly off with acks 0/1, with max_in_flight > 5, or against a broker
// without InitProducerId; asked for explicitly, those fail the sends.
// Without idempotence a partition has at most one batch in flight when
// retries are enabled, so a retried batch cannot be overtaken.
//
// Transactions (transactional_id set): init_transactions() once, then
// begin_transaction(), sends, optionally send_offsets_to_transaction(), and
// commit_transaction() or abort_transaction(). Each partition is added to the
// transaction (AddPartitionsToTxn) before its first batch of the transaction
// goes out. A batch that fails inside a transaction makes it abortable:
// commit fails, abort_transaction() then works and the next transaction
// starts clean (the epoch is bumped when sequences were lost). Fencing
// (PRODUCER_FENCED, INVALID_PRODUCER_EPOCH on init) is fatal.
//
// acks=0: requests are written and not answered; callbacks report offset -1
// once the request is written.
//
// Ownership and threads: holds a reference to the cluster (which must outlive
// it). Everything runs on the cluster's executor; send() must be called from
// that executor's thread (or before it runs). Destroying a producer with
// records still queued fails their callbacks; call flush() (or close()) first.

#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "client/cluster.h"
#include "client/compression.h"
#include "client/error.h"
#include "client/partitioner.h"
#include "client/record.h"

namespace sluice::client {

struct producer_config {
  int16_t acks = -1;                                      // acks: 0, 1 or -1 (all)
  std::chrono::milliseconds linger{5};                    // linger.ms
  size_t batch_size = 16384;                              // batch.size (bytes, uncompressed)
  compression_type compression = compression_type::none;  // compression.type
  int max_in_flight = 5;                                  // max.in.flight.requests.per.connection
  int retries = std::numeric_limits<int>::max();          // retries (Kafka's default)
  std::chrono::milliseconds retry_backoff{100};           // retry.backoff.ms
  std::chrono::milliseconds retry_backoff_max{1000};      // retry.backoff.max.ms
  std::chrono::milliseconds request_timeout{30000};       // request.timeout.ms (Produce timeout_ms)
  // delivery.timeout.ms: a record not acknowledged this long after send()
  // fails with REQUEST_TIMED_OUT, retries or not (bounds the wait when a
  // broker is gone).
  std::chrono::milliseconds delivery_timeout{120000};
  size_t buffer_memory = size_t{32} << 20;    // buffer.memory: produce() waits above this
  size_t max_request_size = size_t{1} << 20;  // max.request.size: a larger record is refused
  partitioner_kind partitioner = partitioner_kind::sticky;
  // Let the broker auto-create a missing topic (auto.create.topics.enable).
  bool allow_auto_create_topics = true;
  // enable.idempotence: unset means on where possible (see above); false
  // turns it off; true makes it required.
  std::optional<bool> enable_idempotence;
  // transactional.id: set, the producer is transactional (and idempotent).
  std::optional<std::string> transactional_id;
  // transaction.timeout.ms: the coordinator aborts a transaction open longer.
  std::chrono::milliseconds transaction_timeout{60000};
};

// Where a consumer group stands, for send_offsets_to_transaction (Kafka's
// ConsumerGroupMetadata). generation -1 and an empty member id: a group not
// joined through this process (the broker then checks only the group id).
struct consumer_group_metadata {
  consumer_group_metadata() = default;
  consumer_group_metadata(std::string id) : group_id(std::move(id)) {}  // NOLINT
  std::string group_id;
  int32_t generation_id = -1;
  std::string member_id;
  std::optional<std::string> group_instance_id;
};

// Where a record went.
struct record_metadata {
  std::string topic;
  int32_t partition = -1;
  int64_t offset = -1;     // -1 with acks=0
  int64_t timestamp = -1;  // CreateTime sent, or the broker's LogAppendTime
};

using delivery_callback = std::function<void(const result<record_metadata>&)>;

class producer {
 public:
  producer(cluster& c, producer_config config);
  ~producer();
  producer(const producer&) = delete;
  producer& operator=(const producer&) = delete;

  const producer_config& config() const noexcept;

  // Enqueues a record. Fails at once (callback not called) for a record with
  // no topic (INVALID_REQUEST), one larger than max_request_size
  // (MESSAGE_TOO_LARGE), or after close(). Topic and leader lookups happen
  // later; their failures reach the callback.
  result<void> send(producer_record record, delivery_callback on_delivery = {});

  // As send(), first waiting while more than buffer_memory bytes are queued
  // (the back-pressure a fast loop such as a perf test needs).
  awaitable<result<void>> produce(producer_record&& record, delivery_callback on_delivery = {});
  awaitable<result<void>> produce(const producer_record& record,
                                  delivery_callback on_delivery = {});

  // Sends everything queued now and waits until each of those records has
  // been acknowledged or failed. Fails with the first delivery error seen
  // since the previous flush (callbacks get every error).
  awaitable<result<void>> flush();

  // flush(), then refuse further sends.
  awaitable<result<void>> close();

  // Transactions (transactional_id set; INVALID_CONFIG otherwise). Errors are
  // values: an abortable one (a failed batch, a refused partition) leaves
  // abort_transaction() to call; a fatal one (PRODUCER_FENCED, ...) fails
  // every later call.
  // Finds the transaction coordinator and gets the producer id and epoch for
  // transactional_id, fencing older producers with the same id and
  // completing (aborting) a transaction they left open.
  awaitable<result<void>> init_transactions();
  // Starts a transaction (locally: nothing is sent until the first record).
  result<void> begin_transaction();
  // Adds the group's offsets (the next offset to read, per partition) to the
  // transaction: they become the group's committed offsets when it commits.
  awaitable<result<void>> send_offsets_to_transaction(std::map<topic_partition, int64_t> offsets,
                                                      consumer_group_metadata group);
  // Flushes, then commits: the records and offsets become visible together.
  awaitable<result<void>> commit_transaction();
  // Drops records not yet sent, waits for those in flight, then aborts.
  awaitable<result<void>> abort_transaction();
  // Whether a transaction is open (begun and not committed or aborted).
  bool in_transaction() const noexcept;

  // The producer id and epoch in use (-1 before the first one is known, or
  // without idempotence).
  int64_t producer_id() const noexcept;
  int16_t producer_epoch() const noexcept;

  // Bytes of records queued or in flight (uncompressed).
  size_t buffered_bytes() const noexcept;
  // Records sent / acknowledged / failed so far.
  uint64_t records_acknowledged() const noexcept;
  uint64_t records_failed() const noexcept;

 private:
  class impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace sluice::client
