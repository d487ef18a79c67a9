#include "client/share_admin.h"

#include "protocol/messages/alter_share_group_offsets.h"
#include "protocol/messages/delete_share_group_offsets.h"
#include "protocol/messages/describe_share_group_offsets.h"
#include "protocol/messages/share_group_describe.h"

namespace sluice::client {
using protocol::error_code;
namespace {

std::string group_what(const std::string& id) { return "share group '" + id + "'"; }

std::string partition_what(const std::string& topic, int32_t partition) {
  return "partition " + topic + "-" + std::to_string(partition);
}

// A request-level error with the broker's message, as the result's error.
client_error whole(error_code code, const std::optional<std::string>& message,
                   const std::string& what) {
  return make_error(code, message && !message->empty() ? what + ": " + *message : what);
}

}  // namespace

awaitable<result<share_group_description>> share_admin::describe(std::string group_id) {
  auto conn = co_await admin_.coordinator_connection(group_id);
  if (!conn) co_return std::move(conn).error();
  protocol::share_group_describe_request request;
  request.group_ids.push_back(group_id);
  auto response = co_await (*conn)->call(request);
  if (!response) co_return std::move(response).error();
  if (response->groups.empty()) {
    co_return make_error(error_code::unknown_server_error, "no answer for " + group_what(group_id));
  }
  auto& g = response->groups.front();
  share_group_description d;
  d.group_id = g.group_id;
  d.error = item_error_of(g.error_code, g.error_message, group_what(g.group_id));
  d.state = g.group_state;
  d.group_epoch = g.group_epoch;
  for (auto& m : g.members) {
    share_member_description md{m.member_id, m.member_epoch,    m.client_id, m.client_host,
                                {},          m.acquired_records};
    for (auto& tp : m.assignment) {
      for (int32_t p : tp.partitions) md.assignment.push_back({tp.topic_name, p});
    }
    d.members.push_back(std::move(md));
  }
  co_return d;
}

awaitable<result<std::map<topic_partition, share_partition_offsets>>> share_admin::offsets(
    std::string group_id, std::vector<topic_partition> partitions) {
  auto conn = co_await admin_.coordinator_connection(group_id);
  if (!conn) co_return std::move(conn).error();
  protocol::describe_share_group_offsets_request request;
  auto& rg = request.groups.emplace_back();
  rg.group_id = group_id;
  if (!partitions.empty()) {
    rg.topics.emplace();
    for (const auto& tp : partitions) {
      if (rg.topics->empty() || rg.topics->back().topic_name != tp.topic) {
        rg.topics->push_back({tp.topic, {}});
      }
      rg.topics->back().partitions.push_back(tp.partition);
    }
  }
  auto response = co_await (*conn)->call(request);
  if (!response) co_return std::move(response).error();
  std::map<topic_partition, share_partition_offsets> out;
  for (auto& g : response->groups) {
    if (g.error_code != error_code::none) {
      co_return whole(g.error_code, g.error_message, group_what(g.group_id));
    }
    for (auto& t : g.topics) {
      for (auto& p : t.partitions) {
        share_partition_offsets o;
        o.error = item_error_of(p.error_code, p.error_message,
                                partition_what(t.topic_name, p.partition_index));
        o.start_offset = p.start_offset;
        o.lag = p.lag;
        o.end_offset = p.end_offset;
        o.acquired_records = p.acquired_records;
        out[{t.topic_name, p.partition_index}] = std::move(o);
      }
    }
  }
  co_return out;
}

awaitable<result<std::map<topic_partition, item_error>>> share_admin::alter_offsets(
    std::string group_id, std::map<topic_partition, int64_t> start_offsets) {
  auto conn = co_await admin_.coordinator_connection(group_id);
  if (!conn) co_return std::move(conn).error();
  protocol::alter_share_group_offsets_request request;
  request.group_id = group_id;
  for (const auto& [tp, offset] : start_offsets) {  // ordered: a topic's partitions are adjacent
    if (request.topics.empty() || request.topics.back().topic_name != tp.topic) {
      request.topics.push_back({tp.topic, {}});
    }
    request.topics.back().partitions.push_back({tp.partition, offset});
  }
  auto response = co_await (*conn)->call(request);
  if (!response) co_return std::move(response).error();
  if (response->error_code != error_code::none) {
    co_return whole(response->error_code, response->error_message, group_what(group_id));
  }
  std::map<topic_partition, item_error> out;
  for (auto& t : response->responses) {
    for (auto& p : t.partitions) {
      out[{t.topic_name, p.partition_index}] = item_error_of(
          p.error_code, p.error_message, partition_what(t.topic_name, p.partition_index));
    }
  }
  co_return out;
}

awaitable<result<std::map<std::string, item_error>>> share_admin::delete_offsets(
    std::string group_id, std::vector<std::string> topics) {
  auto conn = co_await admin_.coordinator_connection(group_id);
  if (!conn) co_return std::move(conn).error();
  protocol::delete_share_group_offsets_request request;
  request.group_id = group_id;
  request.topic_names = std::move(topics);
  auto response = co_await (*conn)->call(request);
  if (!response) co_return std::move(response).error();
  if (response->error_code != error_code::none) {
    co_return whole(response->error_code, response->error_message, group_what(group_id));
  }
  std::map<std::string, item_error> out;
  for (auto& t : response->responses) {
    out[t.topic_name] =
        item_error_of(t.error_code, t.error_message, "topic '" + t.topic_name + "'");
  }
  co_return out;
}

}  // namespace sluice::client
