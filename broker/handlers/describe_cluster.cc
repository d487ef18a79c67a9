// DescribeCluster (60), v0-1 (flexible from v0): the cluster as an admin
// client's describeCluster() shows it. One node: the cluster id is the
// broker's (cluster_id.h), the only broker is this one at its advertised
// address, and it is its own controller. v1's endpoint_type: a broker
// answers for brokers (1); asked for controllers (2) it answers
// MISMATCHED_ENDPOINT_TYPE, for any other type UNSUPPORTED_ENDPOINT_TYPE, as
// Kafka's brokers do. Sluice has no ACLs, so the authorized operations (when
// asked) are every operation Kafka defines on a cluster.
#include "protocol/messages/describe_cluster.h"
#include "broker/api_table.h"
#include "broker/authorized_operations.h"
#include "broker/config.h"
#include "protocol/message.h"

namespace sluice::broker {

void handle_describe_cluster(shard_services& shard, request req, respond_fn respond) {
  const int16_t version = req.header.api_version;
  protocol::describe_cluster_request body;
  if (protocol::decode_message(req.body, version, body)) return respond(close_connection());

  protocol::describe_cluster_response resp;
  resp.endpoint_type = body.endpoint_type;
  if (version >= 1 && body.endpoint_type != protocol::endpoint_type_broker) {
    const bool controller = body.endpoint_type == protocol::endpoint_type_controller;
    resp.error_code = controller ? protocol::error_code::mismatched_endpoint_type
                                 : protocol::error_code::unsupported_endpoint_type;
    resp.error_message =
        controller ? "this is a broker endpoint; ask it for brokers" : "unknown endpoint type";
    return respond(make_response(req, resp));
  }
  const broker_config& cfg = shard.config();
  const endpoint adv = cfg.advertised_endpoint();
  resp.cluster_id = shard.cluster_id();
  resp.controller_id = cfg.node_id;
  resp.brokers.push_back({cfg.node_id, adv.host, adv.port, std::nullopt});
  if (body.include_cluster_authorized_operations) {
    resp.cluster_authorized_operations = all_cluster_operations;
  }
  respond(make_response(req, resp));
}

}  // namespace sluice::broker
