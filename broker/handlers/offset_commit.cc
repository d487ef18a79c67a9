// OffsetCommit (8), v0-9. Partitions of a topic or partition that does not
// exist answer UNKNOWN_TOPIC_OR_PARTITION and store nothing (Kafka checks the
// metadata first). The rest are checked against the group as Kafka's classic
// coordinator does: generation -1 (v0 has none) is accepted while the group
// is Empty, otherwise member and generation must match; a group that does not
// exist answers ILLEGAL_GENERATION, from v9 GROUP_ID_NOT_FOUND. For a KIP-848
// group the generation is the member epoch: UNKNOWN_MEMBER_ID,
// STALE_MEMBER_EPOCH (older), FENCED_MEMBER_EPOCH (newer). The
// accepted offsets are appended as one batch to __consumer_offsets-0 and
// answered only after that batch is flushed (fdatasync). A rejected commit
// (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, REBALANCE_IN_PROGRESS, and
// FENCED_INSTANCE_ID for a replaced static member) changes nothing. v1's
// per-partition commit_timestamp is kept as the commit time when set; v2-4's
// retention_time_ms, when not -1, becomes the offset's expiry time.

#include "protocol/messages/offset_commit.h"
#include "broker/api_table.h"
#include "broker/error_mapping.h"
#include "broker/group/coordinator.h"
#include "broker/handlers/commit_answer.h"
#include "broker/topic_table.h"
#include "protocol/message.h"

namespace sluice::broker {
namespace {

using protocol::error_code;
using commit_request = protocol::offset_commit_request;

protocol::offset_commit_response answer_of(const commit_request& body,
                                           const std::vector<bool>& exists, error_code e) {
  return commit_answer<protocol::offset_commit_response>(body, exists, e);
}

}  // namespace

void handle_offset_commit(shard_services& shard, request req, respond_fn respond) {
  const int16_t version = req.header.api_version;
  auto body = std::make_shared<commit_request>();
  if (protocol::decode_message(req.body, version, *body)) return respond(close_connection());
  auto exists = std::make_shared<std::vector<bool>>(partitions_existing(shard, *body));
  auto answer_all = [&](error_code e) {
    respond(make_response(req, answer_of(*body, *exists, e)));
  };
  group::coordinator* c = group::coordinator_of(shard);
  if (c == nullptr) return answer_all(error_code::coordinator_not_available);
  if (body->group_id.empty()) return answer_all(error_code::invalid_group_id);

  const int64_t now = shard.clock().wall_clock_ms();
  std::vector<group::offsets_record> records;
  size_t i = 0;
  for (const auto& t : body->topics) {
    for (const auto& p : t.partitions) {
      if (!(*exists)[i++]) continue;
      group::offsets_record r;
      r.group = body->group_id;
      r.topic = t.name;
      r.partition = p.partition_index;
      const int64_t at = p.commit_timestamp >= 0 ? p.commit_timestamp : now;  // v1 may set it
      // v2-4 may ask for a retention of their own (-1: the broker's).
      const int64_t expires = body->retention_time_ms >= 0 ? now + body->retention_time_ms : -1;
      r.value = group::committed_offset{p.committed_offset, p.committed_leader_epoch,
                                        p.committed_metadata, at, expires};
      records.push_back(std::move(r));
    }
  }
  // Nothing that exists: answered without looking at the group (as Kafka).
  if (records.empty()) return answer_all(error_code::none);

  group::consumer_group* g = c->find(body->group_id);
  error_code check = error_code::none;
  if (const auto* modern = c->modern().find(body->group_id)) {
    // A KIP-848 group: the generation is the member epoch (Kafka's
    // ConsumerGroup.validateOffsetCommit).
    check = modern->validate_offset_commit(body->member_id, body->generation_id);
    // A consumer-protocol member commits with v9+ (Kafka refuses older ones).
    if (check == error_code::none && version < 9 && modern->find_member(body->member_id)) {
      check = error_code::unsupported_version;
    }
  } else if (g != nullptr)
    check = g->validate_commit(body->generation_id, body->member_id, body->group_instance_id);
  else if (body->generation_id >= 0)
    check = version >= 9 ? error_code::group_id_not_found : error_code::illegal_generation;
  if (check != error_code::none) return answer_all(check);

  auto shared = std::make_shared<request>(std::move(req));
  c->append(std::move(records),
            [shared, body, exists, respond = std::move(respond)](std::error_code ec) {
              const auto e = ec ? error_code::coordinator_not_available : error_code::none;
              respond(make_response(*shared, answer_of(*body, *exists, e)));
            });
}

}  // namespace sluice::broker
