// DeleteGroups (42), v0-2: deletes each Empty group and its committed offsets
// (a group_deleted record in __consumer_offsets-0, answered after the flush;
// replay keeps the offsets gone after a restart). A group with members answers
// NON_EMPTY_GROUP, an unknown one GROUP_ID_NOT_FOUND, an empty id
// INVALID_GROUP_ID (group::coordinator::delete_groups). An id no consumer
// group has but a share group does deletes the share group instead
// (share::coordinator::delete_group), as Kafka's one group namespace would.
#include "protocol/messages/delete_groups.h"

#include "broker/api_table.h"
#include "broker/group/coordinator.h"
#include "broker/share/coordinator.h"
#include "protocol/message.h"

namespace sluice::broker {
namespace {

// Walks the names from `i`, one share-group deletion at a time, for each name
// the group coordinator did not know; then answers.
template <class Answer>
void delete_share_groups(shard_services& shard, std::shared_ptr<std::vector<std::string>> names,
                         std::shared_ptr<std::vector<protocol::error_code>> errors, size_t i,
                         Answer answer) {
  share::coordinator* s = share::coordinator_of(shard);
  for (; s != nullptr && i < names->size(); ++i) {
    if ((*errors)[i] != protocol::error_code::group_id_not_found) continue;
    if (s->find((*names)[i]) == nullptr) continue;
    auto next = [&shard, names, errors, i,
                 answer = std::move(answer)](protocol::error_code e) mutable {
      (*errors)[i] = e;
      delete_share_groups(shard, names, errors, i + 1, std::move(answer));
    };
    return s->delete_group((*names)[i], std::move(next));
  }
  answer(std::move(*errors));
}

}  // namespace

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
  c->delete_groups(*names, [&shard, names, answer = std::move(answer)](
                               std::vector<protocol::error_code> errors) mutable {
    delete_share_groups(shard, names,
                        std::make_shared<std::vector<protocol::error_code>>(std::move(errors)), 0,
                        std::move(answer));
  });
}

}  // namespace sluice::broker
