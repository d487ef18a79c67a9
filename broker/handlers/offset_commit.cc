// OffsetCommit (8), v2-7: checks the member and generation against the group
// (generation -1 and no member: accepted while the group is Empty), then
// appends every partition's offset as one batch to __consumer_offsets-0 and
// answers only after that batch is flushed (fdatasync). A rejected commit
// (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, REBALANCE_IN_PROGRESS, and
// FENCED_INSTANCE_ID for a replaced static member) changes nothing.
#include <chrono>

#include "broker/api_table.h"
#include "broker/error_mapping.h"
#include "broker/group/coordinator.h"
#include "protocol/message.h"
#include "protocol/messages/offset_commit.h"

namespace sluice::broker {

void handle_offset_commit(shard_services& shard, request req, respond_fn respond) {
  const int16_t version = req.header.api_version;
  protocol::offset_commit_request body;
  if (protocol::decode_message(req.body, version, body)) return respond(close_connection());
  auto resp = std::make_shared<protocol::offset_commit_response>();
  auto answer_all = [&](protocol::error_code e) {
    for (const auto& t : body.topics) {
      auto& rt = resp->topics.emplace_back();
      rt.name = t.name;
      for (const auto& p : t.partitions) rt.partitions.push_back({p.partition_index, e});
    }
    respond(make_response(req, *resp));
  };
  group::coordinator* c = group::coordinator_of(shard);
  if (c == nullptr) return answer_all(protocol::error_code::coordinator_not_available);
  if (body.group_id.empty()) return answer_all(protocol::error_code::invalid_group_id);
  group::consumer_group* g = c->find(body.group_id);
  protocol::error_code check = protocol::error_code::none;
  if (g != nullptr)
    check = g->validate_commit(body.generation_id, body.member_id, body.group_instance_id);
  else if (body.generation_id >= 0)
    check = protocol::error_code::illegal_generation;
  if (check != protocol::error_code::none) return answer_all(check);

  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  std::vector<group::offsets_record> records;
  for (const auto& t : body.topics) {
    for (const auto& p : t.partitions) {
      group::offsets_record r;
      r.group = body.group_id;
      r.topic = t.name;
      r.partition = p.partition_index;
      r.value = group::committed_offset{p.committed_offset, p.committed_leader_epoch,
                                        p.committed_metadata, now};
      records.push_back(std::move(r));
    }
  }
  if (records.empty()) return answer_all(protocol::error_code::none);
  auto shared = std::make_shared<request>(std::move(req));
  auto topics = std::make_shared<protocol::offset_commit_request>(std::move(body));
  c->append(std::move(records),
            [shared, topics, resp, respond = std::move(respond)](std::error_code ec) {
              const auto e =
                  ec ? protocol::error_code::coordinator_not_available : protocol::error_code::none;
              for (const auto& t : topics->topics) {
                auto& rt = resp->topics.emplace_back();
                rt.name = t.name;
                for (const auto& p : t.partitions) rt.partitions.push_back({p.partition_index, e});
              }
              respond(make_response(*shared, *resp));
            });
}

}  // namespace sluice::broker
