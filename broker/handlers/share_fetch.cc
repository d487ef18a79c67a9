// ShareFetch (78), v1-2: decoded here, served by the share-fetch service
// (broker/share/fetch_service.h), encoded here with its records as file
// slices. A v2 request with IsRenewAck set only acknowledges (RENEW extends
// locks) and fetches nothing, as Kafka's broker does.
#include "protocol/messages/share_fetch.h"

#include "broker/share/coordinator.h"
#include "broker/share/fetch_service.h"
#include "broker/share/handlers.h"
#include "protocol/message.h"

namespace sluice::broker {

void handle_share_fetch(shard_services& shard, request req, respond_fn respond) {
  protocol::share_fetch_request body;
  if (protocol::decode_message(req.body, req.header.api_version, body)) {
    return respond(close_connection());
  }
  share::coordinator* c = share::coordinator_of(shard);
  if (c == nullptr) {
    protocol::share_fetch_response resp;
    resp.error_code = protocol::error_code::coordinator_not_available;
    return respond(make_response(req, resp));
  }
  const share::request_context ctx{req.header.api_version, req.connection_id};
  share::fetch(*c, ctx, std::move(body),
               [req = std::move(req), respond = std::move(respond)](share::fetch_answer a) {
                 response r;
                 r.slices = std::move(a.slices);
                 if (protocol::encode_response_frame(a.body, req.header.api_version,
                                                     req.header.correlation_id, r.frame)) {
                   return respond(close_connection());
                 }
                 r.errors = tally_errors(a.body);
                 respond(std::move(r));
               });
}

}  // namespace sluice::broker
