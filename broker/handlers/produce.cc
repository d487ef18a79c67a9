// Produce (0), v3-12 served (v0-2 advertised for librdkafka's feature checks and
// answered with UNSUPPORTED_VERSION, PROTOCOL.md G2). v10+'s tagged
// current_leader and node_endpoints stay at their defaults and so are not
// written: Kafka fills them only with NOT_LEADER_OR_FOLLOWER, which a single
// node that leads every partition never answers.
//
// Every batch of a partition is validated (bounds, magic 2, CRC32C, counts,
// max.message.bytes, and a key on every record of a compacted topic) before
// anything of it is written: a bad batch fails its partition only, and the
// other partitions of the request are still appended.
// The bytes are appended as they arrived, patched in place (no copy); the
// request frame stays alive until the log's callback for them has run.
//
// acks map to the log's ack levels: 0 -> none (no answer at all; an error
// closes the connection, as Kafka does, since the producer cannot hear it
// otherwise), 1 -> written (page cache), -1 -> flushed (fdatasync, group commit).
// Internal topics (__consumer_offsets, __share_group_state,
// __transaction_state) answer INVALID_TOPIC_EXCEPTION, as Kafka.
//
// Idempotence and transactions: the partition's log checks each producer's
// sequence and epoch as it appends (log/producer_state.h); a retried batch
// answers the offsets it got the first time and writes nothing. A
// transactional batch must go to a partition of its producer's ongoing
// transaction (verify_transactional). From v12 (transactions V2, KIP-890
// part 2) a transactional producer's batches add their partitions to its
// transaction first, as AddPartitionsToTxn would: a direct call, since the
// coordinator is in this broker (docs/transactions.md).
#include <algorithm>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include <spdlog/spdlog.h>

#include "broker/api_table.h"
#include "broker/batch_codecs.h"
#include "broker/error_mapping.h"
#include "broker/internal_topics.h"
#include "broker/leader_epoch.h"
#include "broker/metrics.h"
#include "broker/topic_table.h"
#include "broker/txn/coordinator.h"
#include "log/cleaner_records.h"
#include "log/record_batch.h"
#include "protocol/message.h"
#include "protocol/messages/produce.h"

namespace sluice::broker {
namespace {

// The leader writes its own epoch into every batch it appends, as Kafka's
// does, whatever the producer sent (usually -1): consumers keep the epoch of
// what they read and send it back in OffsetCommit, Fetch and
// OffsetForLeaderEpoch, which answer by this broker's epoch. The field lies
// outside the CRC, so the batch stays valid.
void stamp_leader_epoch(std::span<std::byte> batches) {
  log::batch_iterator it(batches);
  log::record_batch_view v(batches);
  size_t at = 0;
  while (it.next(v)) {
    log::set_partition_leader_epoch(batches.subspan(at, v.size_in_bytes()), current_leader_epoch);
    at += v.size_in_bytes();
  }
}

using protocol::error_code;
using protocol::produce_response;
using partition_response = produce_response::partition_produce_response;

// Shared by the partitions' append callbacks; answers when the last one ran.
struct produce_state {
  request req;  // owns the frame the log is writing from
  produce_response resp;
  respond_fn respond;
  bool acks_zero = false;
  bool any_error = false;
  size_t pending = 1;  // one for the handler itself, so no callback answers early

  void done_one() {
    if (--pending > 0) return;
    if (acks_zero) return;  // already answered (with nothing)
    respond(make_response(req, resp));
  }
};

log::ack_level ack_level_for(int16_t acks) {
  if (acks == 0) return log::ack_level::none;
  if (acks == 1) return log::ack_level::written;
  return log::ack_level::flushed;
}

// A compacted topic keeps the latest record per key, so a record without a
// key is refused (INVALID_RECORD, Kafka's LogValidator) rather than dropped
// later by the cleaner. Reads the records (decompressing them): done only for
// topics whose cleanup.policy includes compact.
error_code check_keys(log::record_batch_view v) {
  thread_local std::vector<std::byte> scratch;
  thread_local std::vector<log::record_entry> entries;
  if (!log::read_records(v, batch_codecs(), scratch, entries)) return error_code::corrupt_message;
  for (const auto& e : entries) {
    if (!e.has_key) return error_code::invalid_record;
  }
  return error_code::none;
}

// Checks every batch of one partition's records.
error_code validate(std::span<const std::byte> records, const log::log_config& cfg) {
  if (records.empty()) return error_code::corrupt_message;
  log::batch_iterator it(records);
  log::record_batch_view v(records);
  while (it.next(v)) {
    if (v.size_in_bytes() > cfg.max_message_bytes) return error_code::message_too_large;
    if (log::validate_batch(v.bytes())) return error_code::corrupt_message;
    // Control batches are written by transaction coordinators, never by producers.
    if (v.is_control()) return error_code::invalid_record;
    if (cfg.cleanup_compact) {
      if (auto e = check_keys(v); e != error_code::none) return e;
    }
  }
  // Trailing bytes that do not form a whole batch (or a lying length).
  if (it.consumed() != records.size()) return error_code::corrupt_message;
  return error_code::none;
}

// Records in validated batches, from each header's record count (for
// sluice_topic_records_in_total; no record is parsed).
uint64_t records_in(std::span<const std::byte> records) {
  uint64_t n = 0;
  log::batch_iterator it(records);
  log::record_batch_view v(records);
  while (it.next(v)) n += static_cast<uint64_t>(std::max(v.record_count(), 0));
  return n;
}

// The verdict of the transaction coordinator on a transactional batch (all
// batches of one partition entry come from one producer); NONE otherwise.
error_code verify_transactional(shard_services& shard, std::span<const std::byte> records,
                                const std::string& topic, int32_t partition) {
  log::record_batch_view v(records);
  if (!v.is_transactional()) return error_code::none;
  const txn::coordinator* c = txn::coordinator_of(shard);
  if (c == nullptr) return error_code::invalid_txn_state;
  return c->verify_partition(v.producer_id(), v.producer_epoch(), {topic, partition});
}

// Kafka answers every partition entry of a Produce request, even one that
// names no partition. Such an entry costs 8 bytes on the wire but about 100
// once decoded and answered, so 10^6 of them would make the broker allocate
// more than ten times the frame (RELIABILITY E4). No producer names more
// partitions than exist, so past this many unknown ones the request is
// refused (its connection closed) before it is decoded.
constexpr size_t max_unknown_partitions = 1000;

// Counts the partition entries naming no existing partition, walking the body
// without materialising it; nullopt if the body does not parse.
std::optional<size_t> count_unknown_partitions(const topic_table& topics,
                                               std::span<const std::byte> body, int16_t version) {
  protocol::reader r(body, protocol::is_flexible(protocol::api_key::produce, version));
  if (version >= 3) r.nullable_string_view();
  r.int16();
  r.int32();
  size_t unknown = 0;
  const int32_t topic_count = r.array_length(2);
  for (int32_t t = 0; t < topic_count && r.ok(); ++t) {
    const std::string_view name = r.string_view();
    const int32_t partition_count = r.array_length(5);
    const std::optional<std::vector<int32_t>> existing = topics.partitions(name);
    for (int32_t i = 0; i < partition_count && r.ok(); ++i) {
      const int32_t index = r.int32();
      r.records();
      r.skip_tagged_fields();
      if (!existing || !std::ranges::binary_search(*existing, index)) ++unknown;
    }
    r.skip_tagged_fields();
  }
  if (!r.ok()) return std::nullopt;
  return unknown;
}

// Transactions V2: the partitions a Produce v12 of a transactional producer
// adds to its transaction (every partition entry whose batches are
// transactional; validation comes after, with the append).
struct implicit_add {
  std::string transactional_id;
  int64_t producer_id = -1;
  int16_t epoch = -1;
  std::vector<txn::topic_partition> partitions;
};

std::optional<implicit_add> partitions_to_add(shard_services& shard,
                                              const protocol::produce_request& body,
                                              int16_t version) {
  if (version < 12 || !body.transactional_id || body.transactional_id->empty()) return std::nullopt;
  std::optional<implicit_add> add;
  for (const auto& topic : body.topic_data) {
    if (is_internal_topic(topic.name)) continue;
    for (const auto& pd : topic.partition_data) {
      std::span<const std::byte> records = pd.records.bytes();
      if (records.size() < log::batch_header_size) continue;
      if (shard.topics().get(topic.name, pd.index) == nullptr) continue;
      log::record_batch_view v(records);
      if (!v.is_transactional()) continue;
      if (!add) add = implicit_add{*body.transactional_id, v.producer_id(), v.producer_epoch(), {}};
      add->partitions.emplace_back(topic.name, pd.index);
    }
  }
  return add;
}

// Kafka's ReplicaManager answers the coordinator's retriable errors as
// NOT_ENOUGH_REPLICAS, which every producer retries without a metadata refresh.
error_code produce_error_of_add(error_code e) {
  switch (e) {
    case error_code::concurrent_transactions:
    case error_code::coordinator_not_available:
    case error_code::coordinator_load_in_progress:
    case error_code::not_coordinator:
      return error_code::not_enough_replicas;
    default:
      return e;
  }
}

void append_all(shard_services& shard, request req, protocol::produce_request& body,
                respond_fn respond, int16_t version, error_code add_error);

}  // namespace

void handle_produce(shard_services& shard, request req, respond_fn respond) {
  const int16_t version = req.header.api_version;
  const std::optional<size_t> unknown = count_unknown_partitions(shard.topics(), req.body, version);
  if (!unknown) return respond(close_connection());
  if (*unknown > max_unknown_partitions) {
    spdlog::warn("event=request_refused api=Produce reason=unknown_partitions count={}", *unknown);
    return respond(close_connection());
  }
  protocol::produce_request body;
  if (protocol::decode_message(req.body, version, body)) return respond(close_connection());
  std::optional<implicit_add> add = partitions_to_add(shard, body, version);
  txn::coordinator* c = txn::coordinator_of(shard);
  if (!add || c == nullptr) {
    return append_all(shard, std::move(req), body, std::move(respond), version, error_code::none);
  }
  // The body's records are views into the request's frame, which moves with
  // the request: both are kept together until the add is answered.
  struct held {
    request req;
    protocol::produce_request body;
    respond_fn respond;
  };
  auto h = std::make_shared<held>(std::move(req), std::move(body), std::move(respond));
  c->add_implicitly(add->transactional_id, add->producer_id, add->epoch, add->partitions,
                    [sh = &shard, h, version](error_code e) {
                      append_all(*sh, std::move(h->req), h->body, std::move(h->respond), version,
                                 produce_error_of_add(e));
                    });
}

namespace {

void append_all(shard_services& shard, request req, protocol::produce_request& body,
                respond_fn respond, int16_t version, error_code add_error) {
  auto st = std::make_shared<produce_state>();
  st->respond = std::move(respond);
  st->acks_zero = body.acks == 0;
  const bool acks_valid = body.acks == 0 || body.acks == 1 || body.acks == -1;
  const std::byte* frame_begin = req.frame->data();

  for (auto& topic : body.topic_data) {
    auto& tr = st->resp.responses.emplace_back();
    tr.name = topic.name;
    for (auto& pd : topic.partition_data) {
      partition_response& pr = tr.partition_responses.emplace_back();
      pr.index = pd.index;
      pr.base_offset = -1;
      auto fail = [&](error_code e) {
        pr.error_code = e;
        st->any_error = true;
      };
      // MessageSet v0/v1 is not stored (DESIGN: RecordBatch v2 only).
      if (version < 3) {
        fail(error_code::unsupported_version);
        continue;
      }
      if (!acks_valid) {
        fail(error_code::invalid_required_acks);
        continue;
      }
      // Only the group coordinator writes internal topics (Kafka's
      // ReplicaManager: "Cannot append to internal topic").
      if (is_internal_topic(topic.name)) {
        fail(error_code::invalid_topic_exception);
        continue;
      }
      log::partition_log* p = shard.topics().get(topic.name, pd.index);
      if (p == nullptr) {
        fail(error_code::unknown_topic_or_partition);
        continue;
      }
      std::span<const std::byte> records = pd.records.bytes();
      if (auto e = validate(records, p->config()); e != error_code::none) {
        spdlog::debug("event=produce_rejected topic={} partition={} error={}", topic.name, pd.index,
                      protocol::error_name(e));
        fail(e);
        continue;
      }
      if (add_error != error_code::none && log::record_batch_view(records).is_transactional()) {
        fail(add_error);
        continue;
      }
      // KIP-890 part 1: a transactional batch goes only to a partition its
      // producer added to its ongoing transaction, so a late or stray write
      // can never open a transaction nobody will end (a hanging one).
      if (auto e = verify_transactional(shard, records, topic.name, pd.index);
          e != error_code::none) {
        fail(e);
        continue;
      }
      // The record view points into the frame this handler owns: the
      // writable span over the same bytes is what the log patches and writes.
      std::span<std::byte> writable(req.frame->data() + (records.data() - frame_begin),
                                    records.size());
      stamp_leader_epoch(writable);
      // Indices, not references: the response vectors still grow. Callbacks
      // run from io_backend::poll, never inside append.
      const size_t ti = st->resp.responses.size() - 1;
      const size_t pi = tr.partition_responses.size() - 1;
      auto result = p->append(writable, ack_level_for(body.acks), [st, ti, pi](std::error_code ec) {
        if (ec) {
          auto& r = st->resp.responses[ti].partition_responses[pi];
          r.error_code = to_kafka_error(ec);
          r.base_offset = -1;
          st->any_error = true;
        }
        st->done_one();
      });
      if (!result) {
        fail(to_kafka_error(result.error()));
        continue;
      }
      ++st->pending;
      shard.metrics().add_bytes_in(topic.name, records.size());
      shard.metrics().add_records_in(topic.name, records_in(records));
      pr.base_offset = result->base_offset.value;
      pr.log_append_time_ms = result->log_append_time;
      pr.log_start_offset = p->log_start_offset().value;
    }
  }
  shard.request_flush();
  st->req = std::move(req);
  if (st->acks_zero) {
    st->respond(st->any_error ? std::optional<response>(close_connection()) : std::nullopt);
  }
  st->done_one();
}

}  // namespace

}  // namespace sluice::broker
