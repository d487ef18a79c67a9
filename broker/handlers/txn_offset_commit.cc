// TxnOffsetCommit (28), v0-5: consumer offsets committed inside a
// transaction. They are staged in the group coordinator (durable, invisible
// to OffsetFetch) and become the group's committed offsets when the
// transaction commits; an abort drops them (broker/group/coordinator.h).
//
// Checked first, as Kafka: the group must have been added to the producer's
// ongoing transaction (AddOffsetsToTxn; INVALID_TXN_STATE otherwise, KIP-890's
// verification), the producer id and epoch must be the transaction's, and
// from v3 the consumer's generation and member id must be current in the
// group (KIP-447: a zombie consumer's producer cannot commit).
// v5 (transactions V2, KIP-890 part 2): the request adds the group to the
// transaction itself, as AddOffsetsToTxn would (Kafka 4.0's TV2 clients send
// no AddOffsetsToTxn), so the verification follows that add.
// Partitions that do not exist answer UNKNOWN_TOPIC_OR_PARTITION; the rest
// answer together once staged.
#include <functional>
#include <memory>

#include "broker/api_table.h"
#include "broker/group/coordinator.h"
#include "broker/handlers/commit_answer.h"
#include "broker/topic_table.h"
#include "broker/txn/coordinator.h"
#include "protocol/message.h"
#include "protocol/messages/txn_offset_commit.h"

namespace sluice::broker {
namespace {

using protocol::error_code;
using request_t = protocol::txn_offset_commit_request;

protocol::txn_offset_commit_response answer_of(const request_t& body,
                                               const std::vector<bool>& exists, error_code e) {
  return commit_answer<protocol::txn_offset_commit_response>(body, exists, e);
}

void stage_offsets(shard_services& shard, const std::shared_ptr<request_t>& body,
                   const std::vector<bool>& exists,
                   const std::function<void(error_code)>& answer_all, int16_t version);

}  // namespace

void handle_txn_offset_commit(shard_services& shard, request req, respond_fn respond) {
  const int16_t version = req.header.api_version;
  auto body = std::make_shared<request_t>();
  if (protocol::decode_message(req.body, version, *body)) return respond(close_connection());
  const std::vector<bool> exists = partitions_existing(shard, *body);
  auto shared = std::make_shared<request>(std::move(req));
  auto answer_all = [shared, body, exists, respond](error_code e) {
    respond(make_response(*shared, answer_of(*body, exists, e)));
  };
  group::coordinator* groups = group::coordinator_of(shard);
  txn::coordinator* txns = txn::coordinator_of(shard);
  if (groups == nullptr || txns == nullptr)
    return answer_all(error_code::coordinator_not_available);
  if (body->group_id.empty()) return answer_all(error_code::invalid_group_id);
  auto stage = [sh = &shard, body, exists, answer_all, version](error_code added) {
    if (added != error_code::none) return answer_all(txn::fenced_for(added, version >= 3));
    stage_offsets(*sh, body, exists, answer_all, version);
  };
  if (version >= 5) {
    return txns->add_group_implicitly(body->transactional_id, body->producer_id,
                                      body->producer_epoch, body->group_id, stage);
  }
  stage(error_code::none);
}

namespace {

void stage_offsets(shard_services& shard, const std::shared_ptr<request_t>& body,
                   const std::vector<bool>& exists,
                   const std::function<void(error_code)>& answer_all, int16_t version) {
  group::coordinator* groups = group::coordinator_of(shard);
  txn::coordinator* txns = txn::coordinator_of(shard);
  if (groups == nullptr || txns == nullptr)
    return answer_all(error_code::coordinator_not_available);
  if (auto e = txns->verify_group(body->transactional_id, body->producer_id, body->producer_epoch,
                                  body->group_id);
      e != error_code::none) {
    return answer_all(txn::fenced_for(e, version >= 3));
  }
  if (version >= 3) {
    const group::consumer_group* g = groups->find(body->group_id);
    error_code check = error_code::none;
    if (g != nullptr && (body->generation_id >= 0 || !body->member_id.empty())) {
      check = g->validate_commit(body->generation_id, body->member_id, body->group_instance_id);
    } else if (g == nullptr && body->generation_id >= 0) {
      check = error_code::illegal_generation;
    }
    if (check != error_code::none) return answer_all(check);
  }
  const int64_t now = shard.clock().wall_clock_ms();
  std::vector<std::pair<std::pair<std::string, int32_t>, group::committed_offset>> offsets;
  size_t i = 0;
  for (const auto& t : body->topics) {
    for (const auto& p : t.partitions) {
      if (!exists[i++]) continue;
      offsets.push_back({{t.name, p.partition_index},
                         group::committed_offset{p.committed_offset, p.committed_leader_epoch,
                                                 p.committed_metadata, now, -1}});
    }
  }
  if (offsets.empty()) return answer_all(error_code::none);
  groups->stage_txn_offsets(
      body->group_id, body->producer_id, body->producer_epoch, std::move(offsets),
      [answer_all](std::error_code ec) {
        answer_all(ec ? error_code::coordinator_not_available : error_code::none);
      });
}

}  // namespace

}  // namespace sluice::broker
