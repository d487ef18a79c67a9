// JoinGroup (11), v0-9: the answer waits until the group's rebalance round
// completes (group/group.h). v4+: a first join answers MEMBER_ID_REQUIRED.
// v8+ carries the member's reason for joining, which is logged.
#include "protocol/messages/join_group.h"

#include <spdlog/spdlog.h>

#include "broker/api_table.h"
#include "broker/group/coordinator.h"
#include "protocol/message.h"

namespace sluice::broker {

void handle_join_group(shard_services& shard, request req, respond_fn respond) {
  const int16_t version = req.header.api_version;
  protocol::join_group_request body;
  if (protocol::decode_message(req.body, version, body)) return respond(close_connection());
  group::coordinator* c = group::coordinator_of(shard);
  if (c == nullptr || body.group_id.empty()) {
    protocol::join_group_response resp;
    resp.error_code = c == nullptr ? protocol::error_code::coordinator_not_available
                                   : protocol::error_code::invalid_group_id;
    resp.member_id = body.member_id;
    return respond(make_response(req, resp));
  }
  if (body.reason) {
    spdlog::info("event=group_join_reason group={} member={} reason=\"{}\"", body.group_id,
                 body.member_id, *body.reason);
  }
  // The id of a KIP-848 group (docs/groups.md "Consumer-protocol groups"):
  // refused while it has members (Kafka's answer when the group cannot take
  // a classic member); an empty one is deleted first and the id becomes a
  // classic group's, as Kafka converts an empty consumer group.
  const auto* modern = c->modern().find(body.group_id);
  if (modern != nullptr && !modern->empty()) {
    protocol::join_group_response resp;
    resp.error_code = protocol::error_code::inconsistent_group_protocol;
    resp.member_id = body.member_id;
    return respond(make_response(req, resp));
  }
  const std::string client_id(req.header.client_id.value_or(""));
  const std::string client_host = req.client_address.empty() ? "" : "/" + req.client_address;
  auto shared = std::make_shared<request>(std::move(req));
  auto join = [c, shared, body, version, client_id, client_host,
               respond = std::move(respond)]() mutable {
    c->get_or_create(body.group_id)
        .join(
            body, version, client_id,
            [shared, respond = std::move(respond)](protocol::join_group_response resp) {
              respond(make_response(*shared, resp));
            },
            client_host);
  };
  if (modern == nullptr) return join();
  c->modern().delete_group(body.group_id,
                           [join = std::move(join)](std::error_code) mutable { join(); });
}

}  // namespace sluice::broker
