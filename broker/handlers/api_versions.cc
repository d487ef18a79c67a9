// ApiVersions (18): the table's rows. A version the broker does not serve is
// answered in v0 layout with UNSUPPORTED_VERSION and ApiVersions' own range
// (PROTOCOL.md G1): librdkafka sends v3 first and falls back to v0 on that answer.
#include "broker/api_table.h"
#include "protocol/message.h"

namespace sluice::broker {

void handle_api_versions(shard_services&, request req, respond_fn respond) {
  const api_entry* self = find_api_entry(protocol::api_key::api_versions);
  const int16_t version = req.header.api_version;
  if (version < self->min_version || version > self->max_version) {
    auto body = protocol::unsupported_version_response(self->min_version, self->max_version);
    response r;
    if (protocol::encode_response_frame(body, protocol::unsupported_version_response_version,
                                        req.header.correlation_id, r.frame)) {
      return respond(close_connection());
    }
    return respond(std::move(r));
  }
  protocol::api_versions_request body;
  auto resp = make_api_versions_response();
  if (protocol::decode_message(req.body, version, body)) {
    resp.error_code = protocol::error_code::invalid_request;
  }
  respond(make_response(req, resp));
}

}  // namespace sluice::broker
