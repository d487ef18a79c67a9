// ApiVersions (18): the table's rows. A version the broker does not serve is
// answered in v0 layout with UNSUPPORTED_VERSION and ApiVersions' own range
// (PROTOCOL.md G1): librdkafka sends v3 first and falls back to v0 on that answer.
// v3+ also carries the features (tagged fields): transaction.version,
// supported 0-2 and finalized at 2 as a Kafka 4.0 cluster has it, which is
// what makes a current client use transactions V2 (docs/transactions.md).
#include <string>
#include <string_view>

#include "broker/api_table.h"
#include "protocol/message.h"

namespace sluice::broker {
namespace {

// Kafka's TransactionVersion feature (server-common): level 2 bumps the
// epoch at every EndTxn and lets Produce v12 / TxnOffsetCommit v5 add to
// the transaction.
constexpr std::string_view transaction_version_feature = "transaction.version";
constexpr int16_t transaction_version_finalized = 2;

void add_features(protocol::api_versions_response& r) {
  r.supported_features.push_back(
      {std::string(transaction_version_feature), 0, transaction_version_finalized});
  r.finalized_features.push_back({std::string(transaction_version_feature),
                                  transaction_version_finalized, transaction_version_finalized});
  // The finalized levels never change while the broker runs.
  r.finalized_features_epoch = 0;
}

}  // namespace

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
  add_features(resp);
  if (protocol::decode_message(req.body, version, body)) {
    resp.error_code = protocol::error_code::invalid_request;
  }
  respond(make_response(req, resp));
}

}  // namespace sluice::broker
