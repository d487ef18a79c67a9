// OffsetFetch (9), v0-9: committed offsets from memory (equal to the replayed
// __consumer_offsets log). A partition without a commit answers -1 and error 0;
// null topics (v2+) answer every partition the group committed. v8+ asks for
// several groups at once and is answered per group, in request order. v9's
// member id and epoch are checked for a KIP-848 group (UNKNOWN_MEMBER_ID,
// STALE_MEMBER_EPOCH unless it is the member's epoch); a classic group
// ignores them, as Kafka's does. Offsets a transaction staged
// (TxnOffsetCommit) are never shown; with require_stable (v7+) a partition
// that has one answers UNSTABLE_OFFSET_COMMIT and offset -1 (the client
// retries until the transaction ends), as Kafka's does.
#include "protocol/messages/offset_fetch.h"
#include "broker/api_table.h"
#include "broker/group/coordinator.h"
#include "protocol/message.h"

namespace sluice::broker {
namespace {

using fetch_response = protocol::offset_fetch_response;
using request_topics =
    std::optional<std::vector<protocol::offset_fetch_request::offset_fetch_request_topic>>;

// One group's answer.
fetch_response::offset_fetch_response_group fetch_group(group::coordinator& c,
                                                        const std::string& group_id,
                                                        const request_topics& topics,
                                                        bool require_stable) {
  fetch_response::offset_fetch_response_group out;
  out.group_id = group_id;
  const group::coordinator::offsets_map* offsets = c.offsets(group_id);
  auto unstable = [&](const std::string& topic,
                      fetch_response::offset_fetch_response_partition& p) {
    if (!require_stable || !c.has_pending_txn_offsets(group_id, topic, p.partition_index)) {
      return false;
    }
    p.error_code = protocol::error_code::unstable_offset_commit;
    p.committed_offset = -1;
    p.committed_leader_epoch = -1;
    p.metadata = "";
    return true;
  };
  auto fill = [](fetch_response::offset_fetch_response_partition& p,
                 const group::committed_offset& o) {
    p.committed_offset = o.offset;
    p.committed_leader_epoch = o.leader_epoch;
    p.metadata = o.metadata.value_or("");
  };
  if (!topics) {
    if (offsets == nullptr) return out;
    for (const auto& [tp, o] : *offsets) {
      if (out.topics.empty() || out.topics.back().name != tp.first) {
        out.topics.emplace_back().name = tp.first;
      }
      auto& p = out.topics.back().partitions.emplace_back();
      p.partition_index = tp.second;
      if (!unstable(tp.first, p)) fill(p, o);
    }
    return out;
  }
  for (const auto& t : *topics) {
    auto& rt = out.topics.emplace_back();
    rt.name = t.name;
    for (int32_t index : t.partition_indexes) {
      auto& p = rt.partitions.emplace_back();
      p.partition_index = index;
      p.metadata = "";
      if (unstable(t.name, p) || offsets == nullptr) continue;
      if (auto it = offsets->find({t.name, index}); it != offsets->end()) fill(p, it->second);
    }
  }
  return out;
}

}  // namespace

void handle_offset_fetch(shard_services& shard, request req, respond_fn respond) {
  const int16_t version = req.header.api_version;
  protocol::offset_fetch_request body;
  if (protocol::decode_message(req.body, version, body)) return respond(close_connection());
  fetch_response resp;
  group::coordinator* c = group::coordinator_of(shard);
  if (version >= 8) {
    for (const auto& g : body.groups) {
      if (c == nullptr) {
        auto& e = resp.groups.emplace_back();
        e.group_id = g.group_id;
        e.error_code = protocol::error_code::coordinator_not_available;
        continue;
      }
      // A KIP-848 group checks the member (Kafka's validateOffsetFetch); an
      // admin fetch (no member id, epoch -1) is not checked.
      const auto* modern = c->modern().find(g.group_id);
      if (modern != nullptr && (g.member_id || g.member_epoch >= 0)) {
        const auto* m = modern->find_member(g.member_id.value_or(""));
        const auto check = m == nullptr ? protocol::error_code::unknown_member_id
                           : m->current.member_epoch != g.member_epoch
                               ? protocol::error_code::stale_member_epoch
                               : protocol::error_code::none;
        if (check != protocol::error_code::none) {
          auto& e = resp.groups.emplace_back();
          e.group_id = g.group_id;
          e.error_code = check;
          continue;
        }
      }
      resp.groups.push_back(fetch_group(*c, g.group_id, g.topics, body.require_stable));
    }
    return respond(make_response(req, resp));
  }
  if (c == nullptr) {
    resp.error_code = protocol::error_code::coordinator_not_available;
    return respond(make_response(req, resp));
  }
  resp.topics = fetch_group(*c, body.group_id, body.topics, body.require_stable).topics;
  respond(make_response(req, resp));
}

}  // namespace sluice::broker
