#include "client/admin.h"

#include "protocol/consumer_protocol.h"
#include "protocol/messages/alter_configs.h"
#include "protocol/messages/consumer_group_describe.h"
#include "protocol/messages/create_partitions.h"
#include "protocol/messages/create_topics.h"
#include "protocol/messages/delete_groups.h"
#include "protocol/messages/delete_records.h"
#include "protocol/messages/delete_topics.h"
#include "protocol/messages/describe_configs.h"
#include "protocol/messages/describe_groups.h"
#include "protocol/messages/find_coordinator.h"
#include "protocol/messages/list_groups.h"
#include "protocol/messages/list_offsets.h"
#include "protocol/messages/offset_commit.h"
#include "protocol/messages/offset_fetch.h"

namespace sluice::client {
using protocol::error_code;

item_error item_error_of(error_code code, const std::optional<std::string>& message,
                         std::string_view what) {
  if (code == error_code::none) return {};
  std::string detail(what);
  if (message && !message->empty()) detail += ": " + *message;
  return {code, make_error(code, detail).message};
}

namespace {

// Partitions grouped by their leader's node id.
template <class V>
awaitable<result<std::map<int32_t, std::map<topic_partition, V>>>> by_leader(
    cluster& c, const std::map<topic_partition, V>& items) {
  std::map<int32_t, std::map<topic_partition, V>> out;
  for (const auto& [tp, v] : items) {
    auto leader = co_await c.leader_for(tp);
    if (!leader) co_return std::move(leader).error();
    out[*leader][tp] = v;
  }
  co_return out;
}

}  // namespace

// The controller handles topic changes; any broker will do on one node.
static awaitable<result<std::shared_ptr<connection>>> controller(cluster& c) {
  if (c.controller_id() >= 0) {
    auto conn = co_await c.connection_for(c.controller_id());
    if (conn) co_return conn;
  }
  co_return co_await c.any_connection();
}

awaitable<result<std::map<std::string, item_error>>> admin::create_topics(
    std::vector<new_topic> topics, bool validate_only) {
  protocol::create_topics_request request;
  request.validate_only = validate_only;
  request.timeout_ms = static_cast<int32_t>(cluster_.config().request_timeout.count());
  for (auto& t : topics) {
    protocol::create_topics_request::creatable_topic ct;
    ct.name = t.name;
    ct.num_partitions = t.num_partitions;
    ct.replication_factor = t.replication_factor;
    for (auto& [k, v] : t.configs) ct.configs.push_back({k, v});
    request.topics.push_back(std::move(ct));
  }
  auto conn = co_await controller(cluster_);
  if (!conn) co_return std::move(conn).error();
  auto response = co_await (*conn)->call(request);
  if (!response) co_return std::move(response).error();
  std::map<std::string, item_error> out;
  for (auto& t : response->topics)
    out[t.name] = item_error_of(t.error_code, t.error_message, "topic '" + t.name + "'");
  co_return out;
}

awaitable<result<std::map<std::string, item_error>>> admin::delete_topics(
    std::vector<std::string> names) {
  auto request = protocol::delete_topics_request::by_names(
      std::move(names), static_cast<int32_t>(cluster_.config().request_timeout.count()));
  auto conn = co_await controller(cluster_);
  if (!conn) co_return std::move(conn).error();
  auto response = co_await (*conn)->call(request);
  if (!response) co_return std::move(response).error();
  std::map<std::string, item_error> out;
  for (auto& t : response->responses) {
    const std::string name = t.name.value_or("");
    out[name] = item_error_of(t.error_code, t.error_message, "topic '" + name + "'");
  }
  co_return out;
}

awaitable<result<std::map<std::string, item_error>>> admin::create_partitions(
    std::map<std::string, int32_t> total_counts, bool validate_only) {
  protocol::create_partitions_request request;
  request.validate_only = validate_only;
  request.timeout_ms = static_cast<int32_t>(cluster_.config().request_timeout.count());
  for (auto& [name, count] : total_counts) {
    protocol::create_partitions_request::create_partitions_topic t;
    t.name = name;
    t.count = count;
    t.assignments.reset();
    request.topics.push_back(std::move(t));
  }
  auto conn = co_await controller(cluster_);
  if (!conn) co_return std::move(conn).error();
  auto response = co_await (*conn)->call(request);
  if (!response) co_return std::move(response).error();
  std::map<std::string, item_error> out;
  for (auto& t : response->results)
    out[t.name] = item_error_of(t.error_code, t.error_message, "topic '" + t.name + "'");
  co_return out;
}

awaitable<result<std::vector<topic_metadata>>> admin::list_topics() {
  if (auto r = co_await cluster_.refresh_metadata(); !r) co_return std::move(r).error();
  std::vector<topic_metadata> out;
  for (auto& [name, t] : cluster_.topics()) out.push_back(t);
  co_return out;
}

awaitable<result<std::vector<config_entry>>> admin::describe_configs(
    const config_resource& resource, std::vector<std::string> keys) {
  protocol::describe_configs_request request;
  protocol::describe_configs_request::describe_configs_resource r;
  r.resource_type = static_cast<int8_t>(resource.type);
  r.resource_name = resource.name;
  if (!keys.empty()) r.configuration_keys = std::move(keys);
  request.resources.push_back(std::move(r));
  auto conn = co_await cluster_.any_connection();
  if (!conn) co_return std::move(conn).error();
  auto response = co_await (*conn)->call(request);
  if (!response) co_return std::move(response).error();
  if (response->results.empty())
    co_return make_error(error_code::invalid_request, "DescribeConfigs answered no resource");
  auto& result = response->results.front();
  if (result.error_code != error_code::none)
    co_return make_error(result.error_code,
                         "resource '" + resource.name + "'" +
                             (result.error_message ? ": " + *result.error_message : ""));
  std::vector<config_entry> out;
  for (auto& c : result.configs) {
    // v1+ reports the source; DEFAULT_CONFIG is 5 in Kafka's ConfigSource.
    const bool is_default = c.config_source >= 0 ? c.config_source == 5 : c.is_default;
    out.push_back({c.name, c.value, c.read_only, is_default, c.is_sensitive});
  }
  co_return out;
}

awaitable<result<void>> admin::alter_configs(const config_resource& resource,
                                             std::map<std::string, std::string> configs) {
  protocol::alter_configs_request request;
  protocol::alter_configs_request::alter_configs_resource r;
  r.resource_type = static_cast<int8_t>(resource.type);
  r.resource_name = resource.name;
  for (auto& [k, v] : configs) r.configs.push_back({k, v});
  request.resources.push_back(std::move(r));
  auto conn = co_await cluster_.any_connection();
  if (!conn) co_return std::move(conn).error();
  auto response = co_await (*conn)->call(request);
  if (!response) co_return std::move(response).error();
  for (auto& rr : response->responses)
    if (rr.error_code != error_code::none)
      co_return make_error(rr.error_code, "resource '" + rr.resource_name + "'" +
                                              (rr.error_message ? ": " + *rr.error_message : ""));
  co_return result<void>{};
}

awaitable<result<std::map<topic_partition, listed_offset>>> admin::list_offsets(
    std::map<topic_partition, int64_t> timestamps, int8_t isolation_level) {
  auto groups = co_await by_leader(cluster_, timestamps);
  if (!groups) co_return std::move(groups).error();
  std::map<topic_partition, listed_offset> out;
  for (auto& [node, items] : *groups) {
    protocol::list_offsets_request request;
    request.isolation_level = isolation_level;  // v2+
    // v10+: how long a broker may wait on tiered storage for the answer.
    request.timeout_ms = static_cast<int32_t>(cluster_.config().request_timeout.count());
    for (auto& [tp, ts] : items) {
      if (request.topics.empty() || request.topics.back().name != tp.topic)
        request.topics.push_back({tp.topic, {}});
      protocol::list_offsets_request::partition p;
      p.partition_index = tp.partition;
      p.timestamp = ts;
      request.topics.back().partitions.push_back(p);
    }
    auto conn = co_await cluster_.connection_for(node);
    if (!conn) co_return std::move(conn).error();
    auto response = co_await (*conn)->call(request);
    if (!response) co_return std::move(response).error();
    for (auto& t : response->topics)
      for (auto& p : t.partitions) {
        listed_offset lo;
        lo.error =
            item_error_of(p.error_code, std::nullopt,
                          "topic '" + t.name + "' partition " + std::to_string(p.partition_index));
        lo.offset = p.offset;
        lo.timestamp = p.timestamp;
        // v0 answers a list of offsets instead.
        if (!p.old_style_offsets.empty()) lo.offset = p.old_style_offsets.front();
        out[{t.name, p.partition_index}] = lo;
      }
  }
  co_return out;
}

awaitable<result<std::map<topic_partition, listed_offset>>> admin::delete_records(
    std::map<topic_partition, int64_t> before_offsets) {
  auto groups = co_await by_leader(cluster_, before_offsets);
  if (!groups) co_return std::move(groups).error();
  std::map<topic_partition, listed_offset> out;
  for (auto& [node, items] : *groups) {
    protocol::delete_records_request request;
    request.timeout_ms = static_cast<int32_t>(cluster_.config().request_timeout.count());
    for (auto& [tp, offset] : items) {
      if (request.topics.empty() || request.topics.back().name != tp.topic)
        request.topics.push_back({tp.topic, {}});
      request.topics.back().partitions.push_back({tp.partition, offset});
    }
    auto conn = co_await cluster_.connection_for(node);
    if (!conn) co_return std::move(conn).error();
    auto response = co_await (*conn)->call(request);
    if (!response) co_return std::move(response).error();
    for (auto& t : response->topics)
      for (auto& p : t.partitions) {
        listed_offset lo;
        lo.error =
            item_error_of(p.error_code, std::nullopt,
                          "topic '" + t.name + "' partition " + std::to_string(p.partition_index));
        lo.offset = p.low_watermark;
        out[{t.name, p.partition_index}] = lo;
      }
  }
  co_return out;
}

awaitable<result<coordinator>> admin::find_coordinator(std::string group_id, int8_t key_type) {
  protocol::find_coordinator_request request;
  request.key = group_id;                 // v0-3
  request.key_type = key_type;            // v1+
  request.coordinator_keys = {group_id};  // v4+
  auto conn = co_await cluster_.any_connection();
  if (!conn) co_return std::move(conn).error();
  auto response = co_await (*conn)->call(request);
  if (!response) co_return std::move(response).error();
  // v4+ answers per key; v0-3 at the top level.
  protocol::find_coordinator_response::coordinator found{
      group_id,       response->node_id,    response->host,
      response->port, response->error_code, response->error_message};
  for (auto& c : response->coordinators)
    if (c.key == group_id) found = c;
  if (found.error_code != error_code::none)
    co_return make_error(
        found.error_code,
        (key_type == protocol::coordinator_key_type_transaction ? "transactional id '"
                                                                : "group '") +
            group_id + "'" + (found.error_message ? ": " + *found.error_message : ""));
  co_return coordinator{found.node_id, found.host, found.port};
}

awaitable<result<std::shared_ptr<connection>>> admin::coordinator_connection(std::string group) {
  auto found = co_await find_coordinator(std::move(group));
  if (!found) co_return std::move(found).error();
  co_return co_await cluster_.connection_for(found->node_id);
}

awaitable<result<std::vector<group_listing>>> admin::list_groups() {
  // Every broker lists the groups it coordinates; ask each one known.
  if (auto r = co_await cluster_.refresh_metadata(); !r) co_return std::move(r).error();
  std::vector<int32_t> nodes;
  for (auto& [node, b] : cluster_.brokers()) nodes.push_back(node);
  std::vector<group_listing> out;
  for (int32_t node : nodes) {
    auto conn = co_await cluster_.connection_for(node);
    if (!conn) co_return std::move(conn).error();
    auto response = co_await (*conn)->call(protocol::list_groups_request{});
    if (!response) co_return std::move(response).error();
    if (response->error_code != error_code::none)
      co_return make_error(response->error_code, "ListGroups on " + (*conn)->describe());
    for (auto& g : response->groups) out.push_back({g.group_id, g.protocol_type});
  }
  co_return out;
}

namespace {

std::vector<topic_partition> partitions_of(
    const std::vector<protocol::consumer_group_describe_response::topic_partitions>& tps) {
  std::vector<topic_partition> out;
  for (auto& tp : tps)
    for (int32_t p : tp.partitions) out.push_back({tp.topic_name, p});
  return out;
}

// A KIP-848 group as ConsumerGroupDescribe shows it; nullopt when the
// coordinator has no consumer-protocol group of that name (a classic group,
// no group, or a broker without the API), which DescribeGroups then answers.
awaitable<result<std::optional<group_description>>> describe_consumer_group(connection& conn,
                                                                            std::string id) {
  if (!conn.version_for(protocol::api_key::consumer_group_describe))
    co_return std::optional<group_description>{};
  protocol::consumer_group_describe_request request;
  request.group_ids.push_back(id);
  auto response = co_await conn.call(request);
  if (!response) co_return std::move(response).error();
  for (auto& g : response->groups) {
    if (g.error_code == error_code::group_id_not_found) continue;
    group_description d;
    d.group_id = g.group_id;
    d.error = item_error_of(g.error_code, g.error_message, "group '" + g.group_id + "'");
    d.state = g.group_state;
    d.protocol_type = protocol::consumer_protocol_type;
    d.protocol = g.assignor_name;
    d.type = "consumer";
    d.group_epoch = g.group_epoch;
    d.assignment_epoch = g.assignment_epoch;
    for (auto& m : g.members) {
      d.members.push_back({m.member_id, m.instance_id, m.client_id, m.client_host,
                           partitions_of(m.assignment), m.member_epoch,
                           partitions_of(m.target_assignment)});
    }
    co_return std::optional<group_description>{std::move(d)};
  }
  co_return std::optional<group_description>{};
}

}  // namespace

awaitable<result<std::vector<group_description>>> admin::describe_groups(
    std::vector<std::string> ids) {
  std::vector<group_description> out;
  for (auto& id : ids) {
    auto conn = co_await coordinator_connection(id);
    if (!conn) co_return std::move(conn).error();
    auto modern = co_await describe_consumer_group(**conn, id);
    if (!modern) co_return std::move(modern).error();
    if (*modern) {
      out.push_back(std::move(**modern));
      continue;
    }
    protocol::describe_groups_request request;
    request.groups.push_back(id);
    auto response = co_await (*conn)->call(request);
    if (!response) co_return std::move(response).error();
    for (auto& g : response->groups) {
      group_description d;
      d.group_id = g.group_id;
      d.error = item_error_of(g.error_code, std::nullopt, "group '" + g.group_id + "'");
      d.state = g.group_state;
      d.protocol_type = g.protocol_type;
      d.protocol = g.protocol_data;
      for (auto& m : g.members) {
        group_member_description md{
            m.member_id, m.group_instance_id, m.client_id, m.client_host, {}, -1, {}};
        protocol::consumer_protocol_assignment assignment;
        if (g.protocol_type == protocol::consumer_protocol_type && !m.member_assignment.empty() &&
            !protocol::decode_consumer_protocol_assignment(m.member_assignment, assignment))
          for (auto& tp : assignment.assigned_partitions)
            for (int32_t p : tp.partitions) md.assignment.push_back({tp.topic, p});
        d.members.push_back(std::move(md));
      }
      out.push_back(std::move(d));
    }
  }
  co_return out;
}

awaitable<result<std::map<std::string, item_error>>> admin::delete_groups(
    std::vector<std::string> ids) {
  std::map<std::string, item_error> out;
  for (auto& id : ids) {
    auto conn = co_await coordinator_connection(id);
    if (!conn) co_return std::move(conn).error();
    protocol::delete_groups_request request;
    request.groups_names.push_back(id);
    auto response = co_await (*conn)->call(request);
    if (!response) co_return std::move(response).error();
    for (auto& r : response->results)
      out[r.group_id] = item_error_of(r.error_code, std::nullopt, "group '" + r.group_id + "'");
  }
  co_return out;
}

awaitable<result<std::map<topic_partition, committed_offset>>> admin::fetch_offsets(
    std::string group_id, std::vector<topic_partition> partitions) {
  auto conn = co_await coordinator_connection(group_id);
  if (!conn) co_return std::move(conn).error();
  protocol::offset_fetch_request request;
  request.group_id = group_id;
  if (partitions.empty()) {
    request.topics.reset();  // v2+: all topics the group has
  } else {
    std::ranges::sort(partitions);
    for (auto& tp : partitions) {
      if (request.topics->empty() || request.topics->back().name != tp.topic)
        request.topics->push_back({tp.topic, {}});
      request.topics->back().partition_indexes.push_back(tp.partition);
    }
  }
  request.groups.push_back({group_id, std::nullopt, -1, request.topics});  // v8+
  auto response = co_await (*conn)->call(request);
  if (!response) co_return std::move(response).error();
  auto group = protocol::single_group(*response, group_id);
  if (group.error_code != error_code::none)
    co_return make_error(group.error_code, "group '" + group_id + "'");
  std::map<topic_partition, committed_offset> out;
  for (auto& t : group.topics)
    for (auto& p : t.partitions)
      out[{t.name, p.partition_index}] = committed_offset{
          item_error_of(p.error_code, std::nullopt,
                        "topic '" + t.name + "' partition " + std::to_string(p.partition_index)),
          p.committed_offset, p.metadata};
  co_return out;
}

awaitable<result<std::map<topic_partition, item_error>>> admin::commit_offsets(
    std::string group_id, std::map<topic_partition, int64_t> offsets) {
  auto conn = co_await coordinator_connection(group_id);
  if (!conn) co_return std::move(conn).error();
  protocol::offset_commit_request request;
  request.group_id = group_id;
  request.generation_id = -1;  // not a member: accepted while the group is empty
  for (auto& [tp, offset] : offsets) {
    if (request.topics.empty() || request.topics.back().name != tp.topic)
      request.topics.push_back({tp.topic, {}});
    protocol::offset_commit_request::offset_commit_request_partition p;
    p.partition_index = tp.partition;
    p.committed_offset = offset;
    request.topics.back().partitions.push_back(p);
  }
  auto response = co_await (*conn)->call(request);
  if (!response) co_return std::move(response).error();
  std::map<topic_partition, item_error> out;
  for (auto& t : response->topics)
    for (auto& p : t.partitions)
      out[{t.name, p.partition_index}] =
          item_error_of(p.error_code, std::nullopt,
                        "group '" + group_id + "' topic '" + t.name + "' partition " +
                            std::to_string(p.partition_index));
  co_return out;
}

}  // namespace sluice::client
