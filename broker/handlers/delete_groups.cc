// DeleteGroups (42), v0-1: deletes each Empty group and its committed offsets
// (a group_deleted record in __consumer_offsets-0, answered after the flush;
// replay keeps the offsets gone after a restart). A group with members answers
// NON_EMPTY_GROUP, an unknown one GROUP_ID_NOT_FOUND, an empty id
// INVALID_GROUP_ID (group::coordinator::delete_groups).
#include "protocol/messages/delete_groups.h"

#include "broker/api_table.h"
#include "broker/group/coordinator.h"
#include "protocol/message.h"

namespace sluice::broker {

void handle_delete_groups(shard_services& shard, request req, respond_fn respond) {
  protocol::delete_groups_request body;
  if (protocol::decode_message(req.body, req.header.api_version, body)) {
    return respond(close_connection());
  }
  auto shared = std::make_shared<request>(std::move(req));
  auto names = std::make_shared<std::vector<std::string>>(std::move(body.groups_names));
  auto answer = [shared, names,
                 respond = std::move(respond)](std::vector<protocol::error_code> errors) {
    protocol::delete_groups_response resp;
    for (size_t i = 0; i < names->size(); ++i) resp.results.push_back({(*names)[i], errors[i]});
    respond(make_response(*shared, resp));
  };
  group::coordinator* c = group::coordinator_of(shard);
  if (c == nullptr) {
    return answer(std::vector<protocol::error_code>(
        names->size(), protocol::error_code::coordinator_not_available));
  }
  c->delete_groups(*names, std::move(answer));
}

}  // namespace sluice::broker
