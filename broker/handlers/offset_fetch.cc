// OffsetFetch (9), v1-5: committed offsets from memory (equal to the replayed
// __consumer_offsets log). A partition without a commit answers -1 and error 0;
// null topics (v2+) answer every partition the group committed.
#include "protocol/messages/offset_fetch.h"
#include "broker/api_table.h"
#include "broker/group/coordinator.h"
#include "protocol/message.h"

namespace sluice::broker {

void handle_offset_fetch(shard_services& shard, request req, respond_fn respond) {
  protocol::offset_fetch_request body;
  if (protocol::decode_message(req.body, req.header.api_version, body)) {
    return respond(close_connection());
  }
  protocol::offset_fetch_response resp;
  group::coordinator* c = group::coordinator_of(shard);
  if (c == nullptr) {
    resp.error_code = protocol::error_code::coordinator_not_available;
    return respond(make_response(req, resp));
  }
  const group::coordinator::offsets_map* offsets = c->offsets(body.group_id);
  auto fill = [](protocol::offset_fetch_response::offset_fetch_response_partition& p,
                 const group::committed_offset& o) {
    p.committed_offset = o.offset;
    p.committed_leader_epoch = o.leader_epoch;
    p.metadata = o.metadata.value_or("");
  };
  if (!body.topics) {
    if (offsets != nullptr) {
      for (const auto& [tp, o] : *offsets) {
        if (resp.topics.empty() || resp.topics.back().name != tp.first) {
          resp.topics.emplace_back().name = tp.first;
        }
        auto& p = resp.topics.back().partitions.emplace_back();
        p.partition_index = tp.second;
        fill(p, o);
      }
    }
  } else {
    for (const auto& t : *body.topics) {
      auto& rt = resp.topics.emplace_back();
      rt.name = t.name;
      for (int32_t index : t.partition_indexes) {
        auto& p = rt.partitions.emplace_back();
        p.partition_index = index;
        p.metadata = "";
        if (offsets == nullptr) continue;
        if (auto it = offsets->find({t.name, index}); it != offsets->end()) fill(p, it->second);
      }
    }
  }
  respond(make_response(req, resp));
}

}  // namespace sluice::broker
