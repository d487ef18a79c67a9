// CreatePartitions (37), v0-3 (v2+ flexible; librdkafka 2.0.2 sends only v0).
// The count is the new total and may only grow (INVALID_PARTITIONS
// otherwise). Assignments
// null (kafkajs, most clients): the broker places them; when given, one per
// new partition and each naming only this node. validate_only runs the checks
// and changes nothing. New partitions get the topic's config overrides.
// Internal topics keep their fixed shape (broker/internal_topics.h):
// TOPIC_AUTHORIZATION_FAILED, before any other check.
#include <spdlog/spdlog.h>

#include <set>

#include "broker/api_table.h"
#include "broker/config.h"
#include "broker/error_mapping.h"
#include "broker/internal_topics.h"
#include "broker/topic_configs.h"
#include "broker/topic_table.h"
#include "protocol/message.h"
#include "protocol/messages/create_partitions.h"

namespace sluice::broker {

void handle_create_partitions(shard_services& shard, request req, respond_fn respond) {
  const int16_t version = req.header.api_version;
  protocol::create_partitions_request body;
  if (protocol::decode_message(req.body, version, body)) return respond(close_connection());
  const int32_t node = shard.config().node_id;

  std::multiset<std::string> names;
  for (const auto& t : body.topics) names.insert(t.name);

  protocol::create_partitions_response resp;
  for (const auto& t : body.topics) {
    auto& r = resp.results.emplace_back();
    r.name = t.name;
    auto fail = [&](protocol::error_code code, std::string message) {
      r.error_code = code;
      r.error_message = std::move(message);
    };
    if (names.count(t.name) > 1) {
      fail(protocol::error_code::invalid_request, "topic named more than once in the request");
      continue;
    }
    if (is_internal_topic(t.name)) {
      // Each coordinator reads partition 0 only: a new partition would hold
      // nothing it replays.
      fail(protocol::error_code::topic_authorization_failed, internal_topic_refusal(t.name));
      continue;
    }
    auto ids = shard.topics().partitions(t.name);
    if (!ids) {
      fail(protocol::error_code::unknown_topic_or_partition, "unknown topic '" + t.name + "'");
      continue;
    }
    const auto have = static_cast<int32_t>(ids->size());
    if (t.count <= have) {
      fail(protocol::error_code::invalid_partitions,
           "topic has " + std::to_string(have) + " partitions; the count can only grow, not to " +
               std::to_string(t.count));
      continue;
    }
    if (t.assignments) {
      bool ok = t.assignments->size() == static_cast<size_t>(t.count - have);
      for (const auto& a : *t.assignments) ok = ok && a.broker_ids == std::vector<int32_t>{node};
      if (!ok) {
        fail(protocol::error_code::invalid_replica_assignment,
             "one assignment per new partition, each on node " + std::to_string(node) + " only");
        continue;
      }
    }
    if (body.validate_only) continue;
    if (auto ec = shard.topics().add_partitions(t.name, t.count)) {
      spdlog::warn("event=create_partitions_failed topic={} error=\"{}\"", t.name, ec.message());
      fail(to_kafka_error(ec), ec.message());
      continue;
    }
    apply_topic_config(shard.topics(), shard.config(), t.name);
    spdlog::info("event=partitions_created topic={} partitions={}", t.name, t.count);
  }
  respond(make_response(req, resp));
}

}  // namespace sluice::broker
