// Fetch (1), v4-17, sessionless (v7+: session_id 0 in every answer, and
// FETCH_SESSION_ID_NOT_FOUND for a client that names a session; the clients
// Sluice meets send session 0 / epoch -1, a full fetch every time, and a
// session-creating epoch 0 is answered session 0, which Kafka's clients read
// as "no session").
//
// Topic ids (v13+): a topic is named by its id, looked up in the topic table
// at every read, so a topic deleted (or deleted and created again, with a new
// id) while a fetch waits answers UNKNOWN_TOPIC_ID, as Kafka does for an id
// it does not know. The answer echoes the requested id. The tagged fields of
// v12+ (diverging_epoch, current_leader, snapshot_id, node_endpoints) keep
// their defaults: one node leads every partition at epoch 0 and there is no
// follower fetch or snapshot, so nothing to tell.
//
// Isolation (KIP-98): read_uncommitted (0) reads up to the high watermark;
// read_committed (1) stops at the last stable offset (the first offset of the
// earliest transaction not yet decided under the HW) and lists the aborted
// transactions that overlap the data returned, so the consumer drops their
// records (it keeps the control batches' and the committed ones). Every
// answer carries the real LSO, whatever the isolation.
//
// Long poll: when the first read has fewer than min_bytes and no error, the
// request waits until the high watermark of one of its partitions moves
// (topic_table::watch, fed by partition_log's listener) and reads again, or
// until max_wait_ms passes (the only timer). The LSO moves only with the HW:
// a transaction's first offset stops holding it back once the HW passes the
// transaction's marker, so the same listener wakes read_committed fetches.
// A wakeup that still finds too few bytes encodes nothing; the answer is
// encoded once, when it goes. Records are never copied: each partition's
// data is one file slice, found from the offset index and batch headers only
// (one 61-byte pread per batch visited, partition_log::read; counted in
// sluice_fetch_scan_bytes_total), and sent by the connection with
// sendfile(2).
//
// Sizes (KIP-74): the first partition with data returns at least one whole
// batch even beyond partition_max_bytes or max_bytes; later partitions get
// only what still fits in max_bytes (itself capped by the broker's
// fetch.max.bytes, 55 MiB by default). A partition's data comes from one
// segment (as in Kafka); the next fetch continues in the next segment.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "broker/api_table.h"
#include "broker/config.h"
#include "broker/error_mapping.h"
#include "broker/leader_epoch.h"
#include "broker/metrics.h"
#include "broker/topic_table.h"
#include "log/batch_scanner.h"
#include "protocol/message.h"
#include "protocol/messages/fetch.h"

namespace sluice::broker {
namespace {

using protocol::error_code;
using protocol::fetch_response;

constexpr int8_t read_committed = 1;

// The aborted transactions that overlap [from, end of `slice`) (Kafka's rule:
// the consumer needs the first offset of each aborted transaction whose
// records it may see). The slice's end offset is known only from its batch
// headers, so they are walked, and only when a candidate begins after `from`,
// and only as far as the last such candidate: nothing is read in the common
// case of no aborted transaction in range.
std::vector<fetch_response::aborted_transaction> aborted_in(const log::partition_log& p,
                                                            log::offset from, log::offset upper,
                                                            const log::file_slice& slice,
                                                            log::scan_counter& scanned) {
  std::vector<fetch_response::aborted_transaction> out;
  std::vector<log::aborted_txn> candidates = p.aborted_transactions(from, upper);
  if (candidates.empty()) return out;
  log::offset last_first = from;
  for (const auto& a : candidates) last_first = std::max(last_first, a.first_offset);
  log::offset end = from;  // the data returned lies in [from, end)
  if (last_first > from) {
    auto scan = log::batch_scanner::headers(slice.fd(), slice.position,
                                            slice.position.value + slice.length, &scanned);
    log::batch_info b;
    while (end <= last_first && scan.next(b)) end = b.next_offset();
  } else {
    end = log::offset{from.value + 1};
  }
  for (const auto& a : candidates) {
    if (a.first_offset < end) out.push_back({a.producer_id, a.first_offset.value});
  }
  return out;
}

class fetch_state : public std::enable_shared_from_this<fetch_state> {
 public:
  fetch_state(shard_services& shard, request req, protocol::fetch_request body, respond_fn respond)
      : shard_(shard), req_(std::move(req)), body_(std::move(body)), respond_(std::move(respond)) {}

  // Answers now if the data (or an error, or the deadline) says so;
  // otherwise starts waiting the first time.
  // A wakeup that finds too few bytes only reads batch headers: the answer is
  // encoded once, when it is sent.
  void try_complete(bool deadline) {
    if (done_) return;
    response r;
    fetch_response resp;
    read_result got = build(resp, r);
    shard_.metrics().fetch_scan_bytes += got.scanned.bytes;
    shard_.metrics().fetch_scan_reads += got.scanned.reads;
    if (!deadline && body_.max_wait_ms > 0 && !got.any_error &&
        got.bytes < static_cast<uint64_t>(std::max(body_.min_bytes, 1))) {
      if (!waiting_) start_waiting();
      return;
    }
    done_ = true;
    count_records(r, got);
    encode(resp, r);
    shard_.metrics().fetch_bytes_sent += got.bytes;
    for (const auto& [topic, bytes] : got.per_topic) shard_.metrics().add_bytes_out(*topic, bytes);
    timer_.reset();
    for (auto [p, id] : watches_) shard_.topics().unwatch(p, id);
    watches_.clear();
    respond_(std::move(r));
  }

 private:
  struct read_result {
    uint64_t bytes = 0;
    bool any_error = false;
    // Record bytes sent. The names are the request's or the topic table's,
    // both alive until try_complete, which uses them, returns.
    std::vector<std::pair<const std::string*, uint64_t>> per_topic;
    std::vector<const std::string*> slice_topics;  // the topic of each of out.slices
    log::scan_counter scanned;                     // what finding the batch boundaries read
  };

  // Records answered, for sluice_topic_records_out_total: the offsets each
  // slice spans (partition_log::read knows them from the headers it read
  // anyway), so control records and compaction gaps count too; nothing more
  // is read for it.
  void count_records(const response& r, const read_result& got) {
    for (size_t i = 0; i < r.slices.size() && i < got.slice_topics.size(); ++i) {
      const log::file_slice& slice = r.slices[i];
      if (slice.base_offset.value < 0 || slice.next_offset < slice.base_offset) continue;
      shard_.metrics().add_records_out(
          *got.slice_topics[i], static_cast<uint64_t>(slice.next_offset - slice.base_offset));
    }
  }

  bool by_id() const { return req_.header.api_version >= protocol::fetch_first_topic_id_version; }

  // The name a requested topic has now; nullptr for an id no topic has.
  const std::string* name_of(const protocol::fetch_request::fetch_topic& topic) const {
    return by_id() ? shard_.topics().topic_name(topic.topic_id) : &topic.topic;
  }

  void start_waiting() {
    waiting_ = true;
    std::weak_ptr<fetch_state> weak = shared_from_this();
    for (const auto& topic : body_.topics) {
      const std::string* name = name_of(topic);
      if (name == nullptr) continue;
      for (const auto& fp : topic.partitions) {
        log::partition_log* p = shard_.topics().get(*name, fp.partition);
        if (p == nullptr) continue;
        watches_.emplace_back(p, shard_.topics().watch(p, [weak] {
          if (auto self = weak.lock()) self->try_complete(false);
        }));
      }
    }
    // The timer holds the state alive until it fires or is cancelled.
    timer_ = shard_.start_timer(std::chrono::milliseconds(body_.max_wait_ms),
                                [self = shared_from_this()] { self->try_complete(true); });
  }

  // The answer in `resp`, its file slices in `out`; encoded by the caller.
  read_result build(fetch_response& resp, response& out) {
    read_result got;
    if (req_.header.api_version >= 7 && body_.session_id != 0) {
      resp.error_code = error_code::fetch_session_id_not_found;
      got.any_error = true;
      return got;
    }
    // The broker's fetch.max.bytes caps what a client asks for (Kafka's
    // rule), so a storm of max_bytes = 2^31-1 fetches stays bounded (F6).
    const int64_t cap = shard_.config().fetch_max_bytes;
    int64_t remaining = body_.max_bytes > 0 ? std::min<int64_t>(body_.max_bytes, cap) : cap;
    for (const auto& topic : body_.topics) {
      auto& tr = resp.responses.emplace_back();
      tr.topic = topic.topic;
      tr.topic_id = topic.topic_id;
      const std::string* name = name_of(topic);
      for (const auto& fp : topic.partitions) {
        auto& pd = tr.partitions.emplace_back();
        pd.partition_index = fp.partition;
        pd.records = protocol::record_set::of({});
        log::partition_log* p =
            name != nullptr ? shard_.topics().get(*name, fp.partition) : nullptr;
        if (p == nullptr) {
          pd.error_code = name == nullptr ? error_code::unknown_topic_id
                                          : error_code::unknown_topic_or_partition;
          pd.high_watermark = pd.last_stable_offset = pd.log_start_offset = -1;
          got.any_error = true;
          continue;
        }
        pd.high_watermark = p->high_watermark().value;
        const log::offset lso = p->last_stable_offset();
        pd.last_stable_offset = lso.value;
        pd.log_start_offset = p->log_start_offset().value;
        if (p->offline()) {
          pd.error_code = error_code::kafka_storage_error;
          got.any_error = true;
          continue;
        }
        // KIP-320: a consumer whose metadata names another leader epoch is
        // told so (FENCED_ / UNKNOWN_LEADER_EPOCH) and refreshes it.
        if (auto e = check_leader_epoch(fp.current_leader_epoch); e != error_code::none) {
          pd.error_code = e;
          got.any_error = true;
          continue;
        }
        const int64_t limit = std::min<int64_t>(std::max(fp.partition_max_bytes, 0), remaining);
        if (got.bytes > 0 && limit <= 0) continue;
        const bool committed = body_.isolation_level == read_committed;
        auto r = p->read(log::offset{fp.fetch_offset}, static_cast<uint64_t>(limit),
                         committed ? lso : log::offset{INT64_MAX}, &got.scanned);
        if (!r) {
          pd.error_code = to_kafka_error(r.error());
          got.any_error = true;
          continue;
        }
        if (r->slices.empty()) continue;
        log::file_slice& slice = r->slices.front();
        if (got.bytes > 0 && slice.length > remaining) continue;  // only the first may overflow
        if (committed)
          pd.aborted_transactions =
              aborted_in(*p, log::offset{fp.fetch_offset}, lso, slice, got.scanned);
        pd.records = protocol::record_set::external({out.slices.size(), slice.length});
        got.bytes += slice.length;
        if (got.per_topic.empty() || got.per_topic.back().first != name) {
          got.per_topic.emplace_back(name, 0);
        }
        got.per_topic.back().second += slice.length;
        remaining -= slice.length;
        out.slices.push_back(std::move(slice));
        got.slice_topics.push_back(name);
      }
    }
    return got;
  }

  void encode(const fetch_response& resp, response& out) {
    if (protocol::encode_response_frame(resp, req_.header.api_version, req_.header.correlation_id,
                                        out.frame)) {
      out = close_connection();
      return;
    }
    out.errors = tally_errors(resp);
  }

  shard_services& shard_;
  request req_;
  protocol::fetch_request body_;
  respond_fn respond_;
  std::unique_ptr<timer_handle> timer_;
  std::vector<std::pair<log::partition_log*, uint64_t>> watches_;
  bool waiting_ = false;
  bool done_ = false;
};

}  // namespace

void handle_fetch(shard_services& shard, request req, respond_fn respond) {
  protocol::fetch_request body;
  if (protocol::decode_message(req.body, req.header.api_version, body)) {
    return respond(close_connection());
  }
  auto st =
      std::make_shared<fetch_state>(shard, std::move(req), std::move(body), std::move(respond));
  st->try_complete(false);
}

}  // namespace sluice::broker
