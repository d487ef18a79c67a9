// AddPartitionsToTxn (24), v0-5. v0-3 (producers) add the partitions of one
// transaction; v4+ carry a batch of transactions, each either adding or, with
// verify_only (KIP-890 part 1, brokers asking before a transactional
// append), only checking that the partitions are already in it.
//
// A partition that does not exist fails the whole transaction's request:
// it answers UNKNOWN_TOPIC_OR_PARTITION and the others OPERATION_NOT_ATTEMPTED,
// and nothing is added, as Kafka. Otherwise every partition gets the
// coordinator's answer, after the change is durable.
#include <algorithm>
#include <memory>

#include "broker/api_table.h"
#include "broker/topic_table.h"
#include "broker/txn/coordinator.h"
#include "protocol/message.h"
#include "protocol/messages/add_partitions_to_txn.h"

namespace sluice::broker {
namespace {

using protocol::error_code;
using request_t = protocol::add_partitions_to_txn_request;
using response_t = protocol::add_partitions_to_txn_response;
using topic_result = response_t::add_partitions_to_txn_topic_result;

// Answers every partition of `topics`, by `error_of(topic, partition)`.
template <class F>
std::vector<topic_result> results(const std::vector<request_t::add_partitions_to_txn_topic>& topics,
                                  F&& error_of) {
  std::vector<topic_result> out;
  for (const auto& t : topics) {
    auto& tr = out.emplace_back();
    tr.name = t.name;
    for (int32_t p : t.partitions) tr.results_by_partition.push_back({p, error_of(t.name, p)});
  }
  return out;
}

// One transaction of the request: answers through `done` with its results.
void add_one(shard_services& shard, txn::coordinator& c, const std::string& id, int64_t producer_id,
             int16_t epoch, bool verify_only,
             const std::vector<request_t::add_partitions_to_txn_topic>& topics, bool knows_fenced,
             std::function<void(std::vector<topic_result>)> done) {
  std::vector<txn::topic_partition> tps;
  bool unknown = false;
  for (const auto& t : topics) {
    const auto existing = shard.topics().partitions(t.name);
    for (int32_t p : t.partitions) {
      tps.emplace_back(t.name, p);
      if (!existing || !std::ranges::binary_search(*existing, p)) unknown = true;
    }
  }
  if (unknown) {
    return done(results(topics, [&](const std::string& t, int32_t p) {
      const auto existing = shard.topics().partitions(t);
      return existing && std::ranges::binary_search(*existing, p)
                 ? error_code::operation_not_attempted
                 : error_code::unknown_topic_or_partition;
    }));
  }
  if (verify_only) {
    return done(results(topics, [&](const std::string& t, int32_t p) {
      return c.verify_partition(producer_id, epoch, {t, p});
    }));
  }
  c.add_partitions(id, producer_id, epoch, tps, [topics, knows_fenced, done](error_code e) {
    e = txn::fenced_for(e, knows_fenced);
    done(results(topics, [e](const std::string&, int32_t) { return e; }));
  });
}

}  // namespace

void handle_add_partitions_to_txn(shard_services& shard, request req, respond_fn respond) {
  const int16_t version = req.header.api_version;
  request_t body;
  if (protocol::decode_message(req.body, version, body)) return respond(close_connection());
  txn::coordinator* c = txn::coordinator_of(shard);
  auto resp = std::make_shared<response_t>();
  if (version <= 3) {
    auto answer = [req, respond, resp](std::vector<topic_result> r) {
      resp->results_by_topic_v3_and_below = std::move(r);
      respond(make_response(req, *resp));
    };
    if (c == nullptr) {
      return answer(results(body.v3_and_below_topics, [](const std::string&, int32_t) {
        return error_code::coordinator_not_available;
      }));
    }
    return add_one(shard, *c, body.v3_and_below_transactional_id, body.v3_and_below_producer_id,
                   body.v3_and_below_producer_epoch, false, body.v3_and_below_topics, version >= 2,
                   std::move(answer));
  }
  if (c == nullptr) {
    resp->error_code = error_code::coordinator_not_available;
    return respond(make_response(req, *resp));
  }
  // Each transaction answers in its own slot; the last one to finish responds.
  resp->results_by_transaction.resize(body.transactions.size());
  auto left = std::make_shared<size_t>(body.transactions.size() + 1);
  auto finish = [req, respond, resp, left] {
    if (--*left == 0) respond(make_response(req, *resp));
  };
  for (size_t i = 0; i < body.transactions.size(); ++i) {
    const auto& t = body.transactions[i];
    resp->results_by_transaction[i].transactional_id = t.transactional_id;
    add_one(shard, *c, t.transactional_id, t.producer_id, t.producer_epoch, t.verify_only, t.topics,
            true, [resp, i, finish](std::vector<topic_result> r) {
              resp->results_by_transaction[i].topic_results = std::move(r);
              finish();
            });
  }
  finish();
}

}  // namespace sluice::broker
