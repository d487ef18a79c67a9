// Metadata (3), v0-8: this node as the only broker, controller and leader of
// every partition; topics auto-created on request when
// auto.create.topics.enable is set (v4+: and the client allows it), except
// the internal topics (broker/internal_topics.h), listed with is_internal (v1+).
#include <spdlog/spdlog.h>

#include "broker/api_table.h"
#include "broker/config.h"
#include "broker/error_mapping.h"
#include "broker/internal_topics.h"
#include "broker/metrics.h"
#include "broker/topic_table.h"
#include "protocol/message.h"
#include "protocol/messages/metadata.h"

namespace sluice::broker {
namespace {

using protocol::error_code;
using protocol::metadata_response;

metadata_response::topic describe(shard_services& shard, const std::string& name) {
  const int32_t node = shard.config().node_id;
  metadata_response::topic t;
  t.name = name;
  t.is_internal = is_internal_topic(name);
  auto ids = shard.topics().partitions(name);
  if (!ids) {
    t.error_code = error_code::unknown_topic_or_partition;
    return t;
  }
  for (int32_t id : *ids) {
    metadata_response::partition p;
    p.partition_index = id;
    p.leader_id = node;
    p.leader_epoch = 0;
    p.replica_nodes = {node};
    p.isr_nodes = {node};
    if (auto* log = shard.topics().get(name, id); log != nullptr && log->offline()) {
      p.error_code = error_code::kafka_storage_error;
      p.offline_replicas = {node};
    }
    t.partitions.push_back(std::move(p));
  }
  return t;
}

}  // namespace

void handle_metadata(shard_services& shard, request req, respond_fn respond) {
  const int16_t version = req.header.api_version;
  protocol::metadata_request body;
  if (protocol::decode_message(req.body, version, body)) return respond(close_connection());
  const broker_config& cfg = shard.config();

  metadata_response resp;
  endpoint self = cfg.advertised_endpoint();
  resp.brokers.push_back({cfg.node_id, self.host, self.port, std::nullopt});
  resp.cluster_id = shard.cluster_id();
  resp.controller_id = cfg.node_id;

  if (body.wants_all_topics(version)) {
    for (const auto& name : shard.topics().topic_names()) {
      resp.topics.push_back(describe(shard, name));
    }
    return respond(make_response(req, resp));
  }
  const bool client_may_create =
      cfg.auto_create_topics && (version < 4 || body.allow_auto_topic_creation);
  for (const auto& requested : *body.topics) {
    const std::string& name = requested.name;
    // Internal topics are created by their coordinators on their first write only.
    const bool may_create = client_may_create && !is_internal_topic(name);
    if (!is_valid_topic_name(name)) {
      metadata_response::topic t;
      t.name = name;
      t.error_code = error_code::invalid_topic_exception;
      resp.topics.push_back(std::move(t));
      continue;
    }
    if (may_create && !shard.topics().partitions(name) &&
        shard.topics().topic_count() >= static_cast<size_t>(cfg.max_topics)) {
      // The cap on auto-created topics (RELIABILITY.md F7): the name is
      // answered as unknown, which clients treat as "not there (yet)".
      shard.metrics().topic_refused();
      spdlog::debug("event=auto_create_refused topic={} reason=max_topics max_topics={}", name,
                    cfg.max_topics);
      metadata_response::topic t;
      t.name = name;
      t.error_code = error_code::unknown_topic_or_partition;
      resp.topics.push_back(std::move(t));
      continue;
    }
    if (may_create && !shard.topics().partitions(name)) {
      // Created synchronously, so the answer already lists the partitions
      // (Kafka answers LEADER_NOT_AVAILABLE first and lets the client retry).
      if (auto ec = shard.topics().create_topic(name, cfg.num_partitions)) {
        spdlog::warn("event=auto_create_failed topic={} error=\"{}\"", name, ec.message());
        metadata_response::topic t;
        t.name = name;
        t.error_code = to_kafka_error(ec);
        resp.topics.push_back(std::move(t));
        continue;
      }
      spdlog::info("event=topic_created topic={} partitions={} reason=auto_create", name,
                   cfg.num_partitions);
    }
    resp.topics.push_back(describe(shard, name));
  }
  respond(make_response(req, resp));
}

}  // namespace sluice::broker
