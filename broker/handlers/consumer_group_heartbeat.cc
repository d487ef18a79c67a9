// ConsumerGroupHeartbeat (68), v0-1 (KIP-848): joins, heartbeats, reconciles
// and leaves a consumer-protocol group (broker/consumer_group/). Topics are
// named by the topic table's ids on the wire and by name inside. The group
// id is shared with classic groups: a classic group with members keeps it
// (GROUP_ID_NOT_FOUND, as Kafka answers), an empty one gives it up.
#include "protocol/messages/consumer_group_heartbeat.h"

#include "broker/api_table.h"
#include "broker/group/coordinator.h"
#include "broker/topic_table.h"
#include "protocol/message.h"

namespace sluice::broker {

void handle_consumer_group_heartbeat(shard_services& shard, request req, respond_fn respond) {
  protocol::consumer_group_heartbeat_request body;
  if (protocol::decode_message(req.body, req.header.api_version, body)) {
    return respond(close_connection());
  }
  protocol::consumer_group_heartbeat_response resp;
  group::coordinator* c = group::coordinator_of(shard);
  if (c == nullptr) {
    resp.error_code = protocol::error_code::coordinator_not_available;
    return respond(make_response(req, resp));
  }
  if (body.group_id.empty()) {
    resp.error_code = protocol::error_code::invalid_request;
    resp.error_message = "GroupId can't be empty.";
    return respond(make_response(req, resp));
  }
  if (c->modern().find(body.group_id) == nullptr && !c->yield_to_consumer_group(body.group_id)) {
    resp.error_code = protocol::error_code::group_id_not_found;
    resp.error_message = "Group " + body.group_id + " is not a consumer group";
    return respond(make_response(req, resp));
  }
  consumer_group::heartbeat_input in;
  in.member_id = body.member_id;
  in.member_epoch = body.member_epoch;
  in.instance_id = body.instance_id;
  in.rack_id = body.rack_id;
  in.rebalance_timeout_ms = body.rebalance_timeout_ms;
  in.subscribed_topic_names = body.subscribed_topic_names;
  in.subscribed_topic_regex = body.subscribed_topic_regex;
  in.server_assignor = body.server_assignor;
  if (body.topic_partitions) {
    auto& owned = in.owned.emplace();
    for (const auto& tp : *body.topic_partitions) {
      // A topic id no longer known (deleted) owns nothing here.
      if (const std::string* name = shard.topics().topic_name(tp.topic_id)) {
        auto& v = owned[*name];
        v.insert(v.end(), tp.partitions.begin(), tp.partitions.end());
        std::sort(v.begin(), v.end());
      }
    }
  }
  in.client_id = std::string(req.header.client_id.value_or(""));
  in.client_host = req.client_address.empty() ? "" : "/" + req.client_address;
  const int32_t interval = c->modern().settings_for(body.group_id).heartbeat_interval_ms;
  c->modern().heartbeat(
      body.group_id, std::move(in),
      [&shard, req = std::move(req), respond = std::move(respond),
       interval](consumer_group::heartbeat_outcome out) mutable {
        protocol::consumer_group_heartbeat_response resp;
        resp.error_code = out.error;
        if (!out.message.empty()) resp.error_message = out.message;
        if (out.error == protocol::error_code::none) {
          resp.member_id = out.member_id;
          resp.member_epoch = out.member_epoch;
          resp.heartbeat_interval_ms = interval;
          if (out.assignment) {
            auto& a = resp.assignment.emplace();
            for (const auto& [topic, partitions] : *out.assignment) {
              a.topic_partitions.push_back({shard.topics().topic_id_or_zero(topic), partitions});
            }
          }
        }
        respond(make_response(req, resp));
      });
}

}  // namespace sluice::broker
