// ShareGroupHeartbeat (76), v1: joins, refreshes and leaves share-group
// membership (broker/share/share_group.h). The assignment is sent with every
// successful heartbeat (Kafka sends it only when it changed; a client must
// accept it either way). Topics are named by the topic table's ids.
#include "protocol/messages/share_group_heartbeat.h"

#include "broker/share/coordinator.h"
#include "broker/share/handlers.h"
#include "broker/topic_table.h"
#include "protocol/message.h"

namespace sluice::broker {

void handle_share_group_heartbeat(shard_services& shard, request req, respond_fn respond) {
  protocol::share_group_heartbeat_request body;
  if (protocol::decode_message(req.body, req.header.api_version, body)) {
    return respond(close_connection());
  }
  protocol::share_group_heartbeat_response resp;
  share::coordinator* c = share::coordinator_of(shard);
  if (c == nullptr) {
    resp.error_code = protocol::error_code::coordinator_not_available;
    return respond(make_response(req, resp));
  }
  if (body.group_id.empty()) {
    resp.error_code = protocol::error_code::invalid_request;
    resp.error_message = "GroupId can't be empty.";
    return respond(make_response(req, resp));
  }
  const int64_t now = shard.clock().wall_clock_ms();
  share::share_group& g = c->get_or_create(body.group_id);
  c->expire_members(g, now);
  share::heartbeat_input in;
  in.member_id = body.member_id;
  in.member_epoch = body.member_epoch;
  in.rack_id = body.rack_id;
  in.subscribed_topic_names = body.subscribed_topic_names;
  in.client_id = std::string(req.header.client_id.value_or(""));
  in.client_host = req.client_address.empty() ? "" : "/" + req.client_address;
  const share::heartbeat_outcome out = g.heartbeat(in, now, c->partitions_of());
  resp.error_code = out.error;
  if (!out.message.empty()) resp.error_message = out.message;
  if (out.error == protocol::error_code::none) {
    resp.member_id = body.member_id;
    resp.member_epoch = out.member_epoch;
    resp.heartbeat_interval_ms = c->settings_for(g.id()).heartbeat_interval_ms;
    if (out.member != nullptr) {
      auto& a = resp.assignment.emplace();
      for (const auto& [topic, partitions] : out.member->assignment) {
        a.topic_partitions.push_back({shard.topics().topic_id_or_zero(topic), partitions});
      }
    }
  }
  respond(make_response(req, resp));
}

}  // namespace sluice::broker
