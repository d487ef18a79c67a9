// ShareAcknowledge (79), v1-2: decoded here, served by the share-fetch
// service (broker/share/fetch_service.h), which answers once the new states
// are durable (an fdatasync of __share_group_state), so an ACCEPTed record is
// never delivered again, even after a crash. v2 allows RENEW and reports the
// lock duration.
#include "protocol/messages/share_acknowledge.h"

#include "broker/share/coordinator.h"
#include "broker/share/fetch_service.h"
#include "broker/share/handlers.h"
#include "protocol/message.h"

namespace sluice::broker {

void handle_share_acknowledge(shard_services& shard, request req, respond_fn respond) {
  protocol::share_acknowledge_request body;
  if (protocol::decode_message(req.body, req.header.api_version, body)) {
    return respond(close_connection());
  }
  share::coordinator* c = share::coordinator_of(shard);
  if (c == nullptr) {
    protocol::share_acknowledge_response resp;
    resp.error_code = protocol::error_code::coordinator_not_available;
    return respond(make_response(req, resp));
  }
  const share::request_context ctx{req.header.api_version, req.connection_id};
  share::acknowledge(
      *c, ctx, std::move(body),
      [req = std::move(req), respond = std::move(respond)](
          protocol::share_acknowledge_response resp) { respond(make_response(req, resp)); });
}

}  // namespace sluice::broker
