// SyncGroup (14), v0-5: the leader's assignments answer every member; other
// members wait for them while the group is CompletingRebalance. v5 names the
// protocol type and name, checked against the group's and answered back.
#include "protocol/messages/sync_group.h"
#include "broker/api_table.h"
#include "broker/group/coordinator.h"
#include "protocol/message.h"

namespace sluice::broker {

void handle_sync_group(shard_services& shard, request req, respond_fn respond) {
  protocol::sync_group_request body;
  if (protocol::decode_message(req.body, req.header.api_version, body)) {
    return respond(close_connection());
  }
  group::coordinator* c = group::coordinator_of(shard);
  group::consumer_group* g = c ? c->find(body.group_id) : nullptr;
  if (g == nullptr) {
    protocol::sync_group_response resp;
    resp.error_code = c == nullptr ? protocol::error_code::coordinator_not_available
                                   : protocol::error_code::unknown_member_id;
    return respond(make_response(req, resp));
  }
  auto shared = std::make_shared<request>(std::move(req));
  g->sync(body, [shared, respond = std::move(respond)](protocol::sync_group_response resp) {
    respond(make_response(*shared, resp));
  });
}

}  // namespace sluice::broker
