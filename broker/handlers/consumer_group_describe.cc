// ConsumerGroupDescribe (69), v0-1 (KIP-848): state, epochs, assignor and
// members of each consumer-protocol group, with each member's current and
// target assignment (topics by id and by name). An unknown id, or one held
// by a classic group, is GROUP_ID_NOT_FOUND with state "Dead", as Kafka
// answers. Every member speaks the consumer protocol (member type 1).
#include "protocol/messages/consumer_group_describe.h"

#include "broker/api_table.h"
#include "broker/group/coordinator.h"
#include "broker/topic_table.h"
#include "protocol/message.h"

namespace sluice::broker {
namespace {

using described = protocol::consumer_group_describe_response;

std::vector<described::topic_partitions> named(shard_services& shard,
                                               const consumer_group::topic_assignment& a) {
  std::vector<described::topic_partitions> out;
  for (const auto& [topic, partitions] : a) {
    out.push_back({shard.topics().topic_id_or_zero(topic), topic, partitions});
  }
  return out;
}

}  // namespace

void handle_consumer_group_describe(shard_services& shard, request req, respond_fn respond) {
  protocol::consumer_group_describe_request body;
  if (protocol::decode_message(req.body, req.header.api_version, body)) {
    return respond(close_connection());
  }
  described resp;
  group::coordinator* c = group::coordinator_of(shard);
  for (const auto& id : body.group_ids) {
    auto& d = resp.groups.emplace_back();
    d.group_id = id;
    if (c == nullptr) {
      d.error_code = protocol::error_code::coordinator_not_available;
      continue;
    }
    if (id.empty()) {
      d.error_code = protocol::error_code::invalid_group_id;
      continue;
    }
    const consumer_group::modern_group* g = c->modern().find(id);
    if (g == nullptr) {
      d.error_code = protocol::error_code::group_id_not_found;
      d.error_message = c->find(id) != nullptr ? "Group " + id + " is not a consumer group."
                                               : "Group " + id + " not found.";
      d.group_state = "Dead";
      continue;
    }
    d.group_state = g->state_name();
    d.group_epoch = g->group_epoch();
    d.assignment_epoch = g->assignment_epoch();
    d.assignor_name = g->assignor_name(c->modern().settings_for(id));
    for (const auto& [mid, m] : g->members()) {
      auto& dm = d.members.emplace_back();
      dm.member_id = mid;
      dm.instance_id = m.meta.instance_id;
      dm.rack_id = m.meta.rack_id;
      dm.member_epoch = m.current.member_epoch;
      dm.client_id = m.meta.client_id;
      dm.client_host = m.meta.client_host;
      dm.subscribed_topic_names = m.meta.subscribed_topic_names;
      dm.subscribed_topic_regex = m.meta.subscribed_topic_regex;
      dm.assignment = named(shard, m.current.assigned);
      if (auto t = g->target().find(mid); t != g->target().end()) {
        dm.target_assignment = named(shard, t->second);
      }
      dm.member_type = 1;
    }
  }
  respond(make_response(req, resp));
}

}  // namespace sluice::broker
