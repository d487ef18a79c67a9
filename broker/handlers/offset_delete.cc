// OffsetDelete (47), v0: deletes a group's committed offsets of the given
// partitions, durably (null-valued offset records in __consumer_offsets-0,
// answered after the flush). A partition whose topic a member of the active
// group subscribes to answers GROUP_SUBSCRIBED_TO_TOPIC; an unknown group
// GROUP_ID_NOT_FOUND for the whole request (group::coordinator::delete_offsets).
#include "protocol/messages/offset_delete.h"

#include "broker/api_table.h"
#include "broker/group/coordinator.h"
#include "protocol/message.h"

namespace sluice::broker {

void handle_offset_delete(shard_services& shard, request req, respond_fn respond) {
  auto body = std::make_shared<protocol::offset_delete_request>();
  if (protocol::decode_message(req.body, req.header.api_version, *body)) {
    return respond(close_connection());
  }
  group::coordinator::partition_list partitions;
  for (const auto& t : body->topics) {
    for (const auto& p : t.partitions) partitions.emplace_back(t.name, p.partition_index);
  }
  auto shared = std::make_shared<request>(std::move(req));
  auto answer = [shared, body, respond = std::move(respond)](
                    protocol::error_code group_error, std::vector<protocol::error_code> errors) {
    protocol::offset_delete_response resp;
    resp.error_code = group_error;
    size_t i = 0;
    if (group_error == protocol::error_code::none) {
      for (const auto& t : body->topics) {
        auto& rt = resp.topics.emplace_back();
        rt.name = t.name;
        for (const auto& p : t.partitions)
          rt.partitions.push_back({p.partition_index, errors[i++]});
      }
    }
    respond(make_response(*shared, resp));
  };
  group::coordinator* c = group::coordinator_of(shard);
  if (c == nullptr) return answer(protocol::error_code::coordinator_not_available, {});
  c->delete_offsets(body->group_id, partitions, std::move(answer));
}

}  // namespace sluice::broker
