// The transactional producer: init_transactions, begin/commit/abort, adding
// partitions (AddPartitionsToTxn) before their first batch, and offsets
// (AddOffsetsToTxn, then TxnOffsetCommit to the group's coordinator). See
// producer.h for the behaviour. Runs on the cluster's executor.
//
// Transactions V2 (KIP-890 part 2), when the broker finalizes
// transaction.version 2 and serves the versions it needs: no
// AddPartitionsToTxn or AddOffsetsToTxn (Produce v12 and TxnOffsetCommit v5
// add to the transaction), and the epoch of the next transaction is the one
// EndTxn v5 answers. Otherwise the versions that keep TV1 meaning are capped
// (Produce 11, TxnOffsetCommit 4, EndTxn 4), as Kafka's Java client does.

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <limits>

#include "client/admin.h"
#include "client/detail/producer_impl.h"
#include "protocol/messages/add_offsets_to_txn.h"
#include "protocol/messages/add_partitions_to_txn.h"
#include "protocol/messages/api_versions.h"
#include "protocol/messages/end_txn.h"
#include "protocol/messages/find_coordinator.h"
#include "protocol/messages/txn_offset_commit.h"

namespace sluice::client {
namespace asio = boost::asio;
using protocol::error_code;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr int16_t no_cap = std::numeric_limits<int16_t>::max();
// AddPartitionsToTxn v4+ is the brokers' verification form (KIP-890); a
// producer sends v3 and below.
constexpr int16_t add_partitions_client_max = 3;
// The last versions with TV1 meaning, and the first of TV2.
constexpr int16_t end_txn_tv1_max = 4;
constexpr int16_t end_txn_tv2 = 5;
constexpr int16_t produce_tv2 = 12;
constexpr int16_t txn_offset_commit_tv1_max = 4;
constexpr int16_t txn_offset_commit_tv2 = 5;
constexpr std::string_view transaction_version_feature = "transaction.version";

bool coordinator_moved(error_code e) {
  return e == error_code::not_coordinator || e == error_code::coordinator_not_available;
}

// Answers worth asking again after a pause.
bool ask_again(error_code e) {
  return coordinator_moved(e) || e == error_code::coordinator_load_in_progress ||
         e == error_code::concurrent_transactions || protocol::is_retriable(e);
}

// Kafka's fatal transaction errors: the producer cannot go on (a newer one
// owns the transactional id, or the broker refuses it for good).
bool fatal_txn_error(error_code e) {
  return e == error_code::producer_fenced || e == error_code::invalid_producer_epoch ||
         e == error_code::invalid_txn_state || e == error_code::invalid_producer_id_mapping ||
         e == error_code::transactional_id_authorization_failed ||
         e == error_code::cluster_authorization_failed || e == error_code::unsupported_version ||
         e == error_code::invalid_transaction_timeout;
}

}  // namespace

bool producer::impl::in_transaction() const noexcept {
  return txn_ == txn_state::in_transaction || txn_ == txn_state::abortable_error;
}

void producer::impl::txn_failed(const client_error& e) {
  if (fatal_txn_error(e.code))
    set_fatal(e);
  else
    set_abortable(e);
}

awaitable<result<std::shared_ptr<connection>>> producer::impl::txn_coordinator(bool refresh) {
  if (!refresh && txn_coordinator_ && txn_coordinator_->is_open()) co_return txn_coordinator_;
  txn_coordinator_.reset();
  admin a(cluster_);
  auto found = co_await a.find_coordinator(*config_.transactional_id,
                                           protocol::coordinator_key_type_transaction);
  if (!found) co_return std::move(found).error();
  auto conn = co_await cluster_.connection_for(found->node_id);
  if (!conn) co_return std::move(conn).error();
  txn_coordinator_ = *conn;
  co_return txn_coordinator_;
}

template <class Request, class ErrorOf>
awaitable<result<response_of_t<Request>>> producer::impl::call_txn_coordinator(
    const Request& request, ErrorOf error_of, int16_t version_cap) {
  const auto deadline = clock::now() + config_.request_timeout;
  client_error last = make_error(error_code::request_timed_out, "transaction coordinator");
  while (true) {
    auto conn = co_await txn_coordinator(false);
    if (conn) {
      auto r = co_await (*conn)->call_framed(request, version_cap);
      if (r) {
        const error_code e = error_of(r->body);
        if (!ask_again(e)) co_return std::move(r->body);
        last = make_error(e, "transaction coordinator " + (*conn)->describe());
        if (coordinator_moved(e)) txn_coordinator_.reset();
      } else {
        last = std::move(r).error();
        txn_coordinator_.reset();
        if (!last.retriable()) co_return last;
      }
    } else {
      last = std::move(conn).error();
      if (!last.retriable()) co_return last;
    }
    if (clock::now() + config_.retry_backoff >= deadline) co_return last;
    asio::steady_timer pause(cluster_.executor(), config_.retry_backoff);
    co_await pause.async_wait(use_tuple);
  }
}

awaitable<result<void>> producer::impl::init_transactions() {
  if (!transactional())
    co_return make_error(error_code::invalid_config, "init_transactions needs a transactional_id");
  if (fatal_) co_return *fatal_;
  if (txn_ != txn_state::uninitialized)
    co_return make_error(error_code::invalid_txn_state, "init_transactions was already called");
  if (config_.enable_idempotence == false || config_.acks != -1)
    co_return make_error(error_code::invalid_config,
                         "a transactional producer is idempotent: acks all, enable.idempotence on");
  const auto deadline = clock::now() + config_.request_timeout;
  while (true) {
    auto r = co_await init_producer_id(false);
    if (r) break;
    const auto& e = r.error();
    if (!ask_again(e.code) || clock::now() + config_.retry_backoff >= deadline) {
      if (fatal_txn_error(e.code)) set_fatal(e);
      co_return r;
    }
    if (coordinator_moved(e.code) || e.code == error_code::network_exception)
      txn_coordinator_.reset();
    asio::steady_timer pause(cluster_.executor(), config_.retry_backoff);
    co_await pause.async_wait(use_tuple);
  }
  idempotence_ = idempotence::on;
  txn_v2_ = co_await offers_txn_v2();
  txn_ = txn_state::ready;
  co_return result<void>{};
}

awaitable<bool> producer::impl::offers_txn_v2() {
  auto conn = co_await txn_coordinator(false);
  if (!conn) co_return false;
  auto at_least = [&](protocol::api_key api, int16_t v) {
    auto got = (*conn)->version_for(api);
    return got && *got >= v;
  };
  if (!at_least(protocol::api_key::end_txn, end_txn_tv2) ||
      !at_least(protocol::api_key::produce, produce_tv2) ||
      !at_least(protocol::api_key::txn_offset_commit, txn_offset_commit_tv2) ||
      !at_least(protocol::api_key::api_versions, 3))
    co_return false;
  // The finalized features come with ApiVersions v3+ (tagged fields).
  protocol::api_versions_request ask;
  ask.client_software_name = "sluice";
  ask.client_software_version = "0";
  auto answer = co_await (*conn)->call(ask);
  if (!answer || answer->error_code != error_code::none) co_return false;
  for (const auto& f : answer->finalized_features)
    if (f.name == transaction_version_feature) co_return f.max_version_level >= 2;
  co_return false;
}

awaitable<result<void>> producer::impl::end_txn(bool commit) {
  protocol::end_txn_request request;
  request.transactional_id = *config_.transactional_id;
  request.producer_id = producer_id_;
  request.producer_epoch = producer_epoch_;
  request.committed = commit;
  auto ended = co_await call_txn_coordinator(
      request, [](const protocol::end_txn_response& r) { return r.error_code; },
      txn_v2_ ? no_cap : end_txn_tv1_max);
  // Still unanswered: the transaction stays open; commit or abort again.
  if (!ended) co_return std::move(ended).error();
  if (ended->error_code != error_code::none)
    co_return make_error(ended->error_code, commit ? "EndTxn (commit)" : "EndTxn (abort)");
  if (txn_v2_ && ended->producer_id >= 0 && ended->producer_epoch >= 0) {
    // The coordinator bumped the epoch (or moved to a new id when it would
    // overflow): the next transaction's batches start again at sequence 0,
    // and any late batch or EndTxn of this one is fenced.
    producer_id_ = ended->producer_id;
    producer_epoch_ = ended->producer_epoch;
    reset_sequences();
  }
  co_return result<void>{};
}

result<void> producer::impl::begin_transaction() {
  if (!transactional())
    return make_error(error_code::invalid_config, "begin_transaction needs a transactional_id");
  if (fatal_) return *fatal_;
  if (txn_ == txn_state::uninitialized)
    return make_error(error_code::invalid_txn_state, "call init_transactions() first");
  if (txn_ != txn_state::ready)
    return make_error(error_code::invalid_txn_state, "a transaction is already open");
  txn_ = txn_state::in_transaction;
  txn_partitions_.clear();
  txn_offsets_ = false;
  return {};
}

awaitable<bool> producer::impl::add_queued_partitions() {
  if (!transactional() || txn_ != txn_state::in_transaction) co_return true;
  std::vector<topic_partition> wanted;
  for (auto& [tp, q] : queues_)
    if (!q.empty() && !txn_partitions_.contains(tp)) wanted.push_back(tp);
  if (wanted.empty()) co_return true;
  if (txn_v2_) {
    // Produce v12 adds each partition with its first batch.
    txn_partitions_.insert(wanted.begin(), wanted.end());
    co_return true;
  }
  protocol::add_partitions_to_txn_request request;
  request.v3_and_below_transactional_id = *config_.transactional_id;
  request.v3_and_below_producer_id = producer_id_;
  request.v3_and_below_producer_epoch = producer_epoch_;
  for (auto& tp : wanted) {  // sorted: queues_ is a map
    if (request.v3_and_below_topics.empty() || request.v3_and_below_topics.back().name != tp.topic)
      request.v3_and_below_topics.push_back({tp.topic, {}});
    request.v3_and_below_topics.back().partitions.push_back(tp.partition);
  }
  // Per partition errors; OPERATION_NOT_ATTEMPTED (another partition failed)
  // and "ask again" ones are retried by the sender's next pass.
  auto first_error = [](const protocol::add_partitions_to_txn_response& r) {
    for (auto& t : r.results_by_topic_v3_and_below)
      for (auto& p : t.results_by_partition)
        if (p.partition_error_code != error_code::none &&
            p.partition_error_code != error_code::operation_not_attempted)
          return p.partition_error_code;
    return error_code::none;
  };
  auto response = co_await call_txn_coordinator(request, first_error, add_partitions_client_max);
  if (!response) {
    if (!response.error().retriable()) txn_failed(response.error());
    co_return false;
  }
  bool all = true;
  for (auto& t : response->results_by_topic_v3_and_below)
    for (auto& p : t.results_by_partition) {
      topic_partition tp{t.name, p.partition_index};
      if (p.partition_error_code == error_code::none) {
        txn_partitions_.insert(tp);
        continue;
      }
      all = false;
      if (p.partition_error_code == error_code::operation_not_attempted ||
          ask_again(p.partition_error_code))
        continue;
      txn_failed(make_error(p.partition_error_code, "AddPartitionsToTxn for topic '" + tp.topic +
                                                        "' partition " +
                                                        std::to_string(tp.partition)));
    }
  for (auto& tp : wanted)
    if (!txn_partitions_.contains(tp)) all = false;
  co_return all;
}

awaitable<result<void>> producer::impl::send_offsets_to_transaction(
    std::map<topic_partition, int64_t> offsets, consumer_group_metadata group) {
  if (auto refused = refuse_send()) co_return *refused;
  if (!transactional())
    co_return make_error(error_code::invalid_config,
                         "send_offsets_to_transaction needs a transactional_id");
  if (group.group_id.empty()) co_return make_error(error_code::invalid_request, "empty group id");
  if (offsets.empty()) co_return result<void>{};
  const std::string what = "group '" + group.group_id + "'";
  // 1. The group's offsets partition joins the transaction (under TV2,
  // TxnOffsetCommit v5 does that itself).
  if (!txn_v2_) {
    protocol::add_offsets_to_txn_request add;
    add.transactional_id = *config_.transactional_id;
    add.producer_id = producer_id_;
    add.producer_epoch = producer_epoch_;
    add.group_id = group.group_id;
    auto added = co_await call_txn_coordinator(
        add, [](const protocol::add_offsets_to_txn_response& r) { return r.error_code; }, no_cap);
    if (!added) co_return std::move(added).error();
    if (added->error_code != error_code::none) {
      auto e = make_error(added->error_code, "AddOffsetsToTxn for " + what);
      txn_failed(e);
      co_return e;
    }
  }
  txn_offsets_ = true;
  // 2. The offsets, staged by the group's coordinator until the transaction ends.
  protocol::txn_offset_commit_request commit;
  commit.transactional_id = *config_.transactional_id;
  commit.group_id = group.group_id;
  commit.producer_id = producer_id_;
  commit.producer_epoch = producer_epoch_;
  commit.generation_id = group.generation_id;
  commit.member_id = group.member_id;
  commit.group_instance_id = group.group_instance_id;
  for (auto& [tp, offset] : offsets) {
    if (commit.topics.empty() || commit.topics.back().name != tp.topic)
      commit.topics.push_back({tp.topic, {}});
    protocol::txn_offset_commit_request::txn_offset_commit_request_partition p;
    p.partition_index = tp.partition;
    p.committed_offset = offset;
    commit.topics.back().partitions.push_back(p);
  }
  admin a(cluster_);
  const auto deadline = clock::now() + config_.request_timeout;
  client_error last = make_error(error_code::request_timed_out, "TxnOffsetCommit for " + what);
  while (true) {
    auto conn = co_await a.coordinator_connection(group.group_id);
    std::optional<error_code> answer;
    if (conn) {
      auto r = co_await (*conn)->call_framed(commit, txn_v2_ ? no_cap : txn_offset_commit_tv1_max);
      if (r) {
        answer = error_code::none;
        for (auto& t : r->body.topics)
          for (auto& p : t.partitions)
            if (p.error_code != error_code::none) answer = p.error_code;
      } else {
        last = std::move(r).error();
      }
    } else {
      last = std::move(conn).error();
    }
    if (answer == error_code::none) co_return result<void>{};
    if (answer) last = make_error(*answer, "TxnOffsetCommit for " + what);
    if (!ask_again(last.code) || clock::now() + config_.retry_backoff >= deadline) {
      txn_failed(last);
      co_return last;
    }
    asio::steady_timer pause(cluster_.executor(), config_.retry_backoff);
    co_await pause.async_wait(use_tuple);
  }
}

awaitable<result<void>> producer::impl::commit_transaction() {
  if (!transactional())
    co_return make_error(error_code::invalid_config, "commit_transaction needs a transactional_id");
  if (fatal_) co_return *fatal_;
  if (txn_ != txn_state::in_transaction && txn_ != txn_state::abortable_error)
    co_return make_error(error_code::invalid_txn_state, "no transaction open");
  auto flushed = co_await flush();
  if (fatal_) co_return *fatal_;
  if (!flushed) set_abortable(flushed.error());
  if (txn_ == txn_state::abortable_error) co_return *abortable_;  // abort_transaction() next
  if (!txn_partitions_.empty() || txn_offsets_) {
    auto ended = co_await end_txn(true);
    if (!ended) {
      // Still unanswered (retriable): the transaction stays open.
      if (ended.error().retriable()) co_return ended;
      txn_failed(ended.error());
      co_return ended;
    }
  }
  txn_ = txn_state::ready;
  txn_partitions_.clear();
  txn_offsets_ = false;
  co_return result<void>{};
}

awaitable<result<void>> producer::impl::abort_transaction() {
  if (!transactional())
    co_return make_error(error_code::invalid_config, "abort_transaction needs a transactional_id");
  if (fatal_) co_return *fatal_;
  if (!in_transaction()) co_return make_error(error_code::invalid_txn_state, "no transaction open");
  // Records not yet sent are dropped (the sender fails them); those in
  // flight are waited for, so no batch of this transaction lands after its
  // abort marker.
  if (txn_ == txn_state::in_transaction)
    set_abortable(make_error(error_code::invalid_txn_state,
                             "the transaction was aborted before the record was sent"));
  (void)co_await flush();
  if (fatal_) co_return *fatal_;
  if (!txn_partitions_.empty() || txn_offsets_) {
    auto ended = co_await end_txn(false);
    if (!ended) {
      if (!ended.error().retriable() && fatal_txn_error(ended.error().code))
        set_fatal(ended.error());
      co_return ended;
    }
  }
  txn_partitions_.clear();
  txn_offsets_ = false;
  if (bump_needed_) {
    // A batch failed with a sequence: its partition's later sequences would
    // not follow. A new epoch (KIP-360, the id and epoch held sent along)
    // starts every partition again at 0.
    const auto deadline = clock::now() + config_.request_timeout;
    while (true) {
      auto r = co_await init_producer_id(true);
      if (r) break;
      if (!ask_again(r.error().code) || clock::now() + config_.retry_backoff >= deadline) {
        if (fatal_txn_error(r.error().code)) set_fatal(r.error());
        co_return r;
      }
      asio::steady_timer pause(cluster_.executor(), config_.retry_backoff);
      co_await pause.async_wait(use_tuple);
    }
  }
  txn_ = txn_state::ready;
  abortable_.reset();
  co_return result<void>{};
}

}  // namespace sluice::client
