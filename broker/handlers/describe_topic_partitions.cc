// DescribeTopicPartitions (75), v0 (KIP-966), as Kafka's
// DescribeTopicPartitionsRequestHandler and KRaftMetadataCache answer it:
//   - topics are taken by name (an empty list: every topic), deduplicated,
//     kept only from the cursor's topic on, and answered in name order;
//   - at most max(min(response_partition_limit, 2000), 1) partitions are
//     described (2000: Kafka's max.request.partition.size.limit default);
//     the cursor's topic starts at the cursor's partition index;
//   - when the limit cuts a topic, next_cursor names it and the first
//     partition left out; when it is reached exactly at a topic's end,
//     next_cursor names the next topic at partition 0;
//   - an unknown name (when topics are listed) is UNKNOWN_TOPIC_OR_PARTITION,
//     an illegal one INVALID_TOPIC_EXCEPTION, with the zero topic id; a
//     cursor whose topic is not in the list, or with a negative partition,
//     makes the whole answer INVALID_REQUEST for every listed topic.
// Every partition: this node as leader and only replica, leader epoch 0,
// empty eligible-leader-replica lists (ELR needs more than one replica); a
// partition whose log directory failed lists this node as offline.
// Authorized operations are every topic operation (no authorizer, as Kafka
// without one).
#include <algorithm>
#include <set>
#include <string>

#include "broker/api_table.h"
#include "broker/authorized_operations.h"
#include "broker/config.h"
#include "broker/internal_topics.h"
#include "broker/leader_epoch.h"
#include "broker/topic_table.h"
#include "protocol/message.h"
#include "protocol/messages/describe_topic_partitions.h"

namespace sluice::broker {
namespace {

using protocol::describe_topic_partitions_request;
using protocol::describe_topic_partitions_response;
using protocol::error_code;

constexpr int32_t max_request_partition_size_limit = 2000;

describe_topic_partitions_response invalid_request(const describe_topic_partitions_request& body) {
  describe_topic_partitions_response resp;
  for (const auto& t : body.topics) {
    auto& r = resp.topics.emplace_back();
    r.name = t.name;
    r.error_code = error_code::invalid_request;
  }
  return resp;
}

}  // namespace

void handle_describe_topic_partitions(shard_services& shard, request req, respond_fn respond) {
  const int16_t version = req.header.api_version;
  describe_topic_partitions_request body;
  if (protocol::decode_message(req.body, version, body)) return respond(close_connection());

  const bool all_topics = body.topics.empty();
  const std::string cursor_topic = body.cursor ? body.cursor->topic_name : std::string();
  std::set<std::string> names;
  if (all_topics) {
    for (auto& n : shard.topics().topic_names())
      if (n >= cursor_topic) names.insert(std::move(n));
  } else {
    for (const auto& t : body.topics)
      if (t.name >= cursor_topic) names.insert(t.name);
    if (body.cursor && names.count(cursor_topic) == 0)
      return respond(make_response(req, invalid_request(body)));
  }
  if (body.cursor && body.cursor->partition_index < 0)
    return respond(make_response(req, invalid_request(body)));

  const int32_t node = shard.config().node_id;
  int32_t remaining =
      std::max(std::min(max_request_partition_size_limit, body.response_partition_limit), 1);
  describe_topic_partitions_response resp;
  for (const std::string& name : names) {
    if (remaining == 0) {
      resp.next_cursor = protocol::describe_topic_partitions_cursor{name, 0};
      break;
    }
    describe_topic_partitions_response::topic t;
    t.name = name;
    t.topic_id = shard.topics().topic_id_or_zero(name);
    t.is_internal = is_internal_topic(name);
    t.topic_authorized_operations = all_topic_operations;
    const auto ids = shard.topics().partitions(name);
    if (!ids) {
      if (all_topics) continue;
      t.error_code = is_valid_topic_name(name) ? error_code::unknown_topic_or_partition
                                               : error_code::invalid_topic_exception;
      resp.topics.push_back(std::move(t));
      continue;
    }
    const int32_t start = body.cursor && name == cursor_topic ? body.cursor->partition_index : 0;
    const auto first = std::lower_bound(ids->begin(), ids->end(), start);
    auto it = first;
    for (; it != ids->end() && remaining > 0; ++it, --remaining) {
      auto& p = t.partitions.emplace_back();
      p.partition_index = *it;
      p.leader_id = node;
      p.leader_epoch = current_leader_epoch;
      p.replica_nodes = {node};
      p.isr_nodes = {node};
      p.eligible_leader_replicas = std::vector<int32_t>{};
      p.last_known_elr = std::vector<int32_t>{};
      if (auto* log = shard.topics().get(name, *it); log != nullptr && log->offline())
        p.offline_replicas = {node};
    }
    resp.topics.push_back(std::move(t));
    if (it != ids->end()) {
      resp.next_cursor = protocol::describe_topic_partitions_cursor{name, *it};
      break;
    }
  }
  respond(make_response(req, resp));
}

}  // namespace sluice::broker
