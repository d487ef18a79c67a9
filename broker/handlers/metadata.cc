// Metadata (3), v0-12: this node as the only broker, controller and leader of
// every partition; topics auto-created on request when
// auto.create.topics.enable is set (v4+: and the client allows it), except
// the internal topics (broker/internal_topics.h), listed with is_internal (v1+).
//
// Topic ids (v10+): every answered topic carries its id (zero for a name
// that names no topic). Only v12 may ask by id, as in Kafka: a request that
// names any topic by id is answered for its ids alone (names beside them are
// ignored), an id no topic has with UNKNOWN_TOPIC_ID and a null name, and
// nothing is created. At v10-11 an id or a null name is INVALID_REQUEST for
// every topic of the request (Kafka refuses the request as a whole).
#include <spdlog/spdlog.h>

#include <algorithm>

#include <array>
#include <set>
#include <string_view>

#include "broker/api_table.h"
#include "broker/authorized_operations.h"
#include "broker/config.h"
#include "broker/error_mapping.h"
#include "broker/internal_topics.h"
#include "broker/leader_epoch.h"
#include "broker/metrics.h"
#include "broker/topic_table.h"
#include "protocol/message.h"
#include "protocol/messages/metadata.h"
#include "protocol/uuid.h"

namespace sluice::broker {
namespace {

using protocol::error_code;
using protocol::metadata_request;
using protocol::metadata_response;

metadata_response::topic describe(shard_services& shard, const std::string& name) {
  const int32_t node = shard.config().node_id;
  metadata_response::topic t;
  t.name = name;
  t.is_internal = is_internal_topic(name);
  t.topic_id = shard.topics().topic_id_or_zero(name);
  auto ids = shard.topics().partitions(name);
  if (!ids) {
    t.error_code = error_code::unknown_topic_or_partition;
    return t;
  }
  for (int32_t id : *ids) {
    metadata_response::partition p;
    p.partition_index = id;
    p.leader_id = node;
    p.leader_epoch = current_leader_epoch;
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

metadata_response::topic failed(std::optional<std::string> name, error_code e) {
  metadata_response::topic t;
  t.name = std::move(name);
  t.error_code = e;
  return t;
}

bool by_id(const metadata_request::topic& t) { return !protocol::is_zero(t.topic_id); }

// v12 requests naming topics by id: the ids are answered, the names ignored.
void describe_by_id(shard_services& shard, const std::vector<metadata_request::topic>& topics,
                    metadata_response& resp) {
  std::set<std::array<std::byte, 16>> asked;  // an id asked twice is answered once
  for (const auto& requested : topics) {
    if (!by_id(requested) || !asked.insert(requested.topic_id.bytes).second) continue;
    const std::string* name = shard.topics().topic_name(requested.topic_id);
    if (name == nullptr) {
      metadata_response::topic t = failed(std::nullopt, error_code::unknown_topic_id);
      t.topic_id = requested.topic_id;
      resp.topics.push_back(std::move(t));
      continue;
    }
    resp.topics.push_back(describe(shard, *name));
  }
}

// One topic asked by name, auto-created when allowed.
metadata_response::topic describe_by_name(shard_services& shard, const std::string& name,
                                          bool client_may_create) {
  const broker_config& cfg = shard.config();
  // Internal topics are created by their coordinators on their first write only.
  const bool may_create = client_may_create && !is_internal_topic(name);
  if (!is_valid_topic_name(name)) return failed(name, error_code::invalid_topic_exception);
  // A CreateTopics still making its partitions: not there yet, and not
  // another client's to create. LEADER_NOT_AVAILABLE is what clients retry.
  if (shard.topics().being_created(name)) return failed(name, error_code::leader_not_available);
  if (may_create && !shard.topics().partitions(name) &&
      shard.topics().topic_count() >= static_cast<size_t>(cfg.max_topics)) {
    // The cap on auto-created topics (RELIABILITY.md F7): the name is
    // answered as unknown, which clients treat as "not there (yet)".
    shard.metrics().topic_refused();
    spdlog::debug("event=auto_create_refused topic={} reason=max_topics max_topics={}", name,
                  cfg.max_topics);
    return failed(name, error_code::unknown_topic_or_partition);
  }
  if (may_create && !shard.topics().partitions(name)) {
    // Created synchronously, so the answer already lists the partitions
    // (Kafka answers LEADER_NOT_AVAILABLE first and lets the client retry).
    if (auto ec = shard.topics().create_topic(name, cfg.num_partitions)) {
      spdlog::warn("event=auto_create_failed topic={} error=\"{}\"", name, ec.message());
      return failed(name, to_kafka_error(ec));
    }
    spdlog::info("event=topic_created topic={} partitions={} reason=auto_create", name,
                 cfg.num_partitions);
  }
  return describe(shard, name);
}

}  // namespace

// Without ACLs every operation is allowed; reported only when asked, as Kafka.
void add_authorized_operations(const metadata_request& body, int16_t version,
                               metadata_response& resp) {
  if (version >= 8 && body.include_topic_authorized_operations) {
    for (auto& t : resp.topics) {
      if (t.error_code == error_code::none) t.topic_authorized_operations = all_topic_operations;
    }
  }
  if (version >= 8 && version <= 10 && body.include_cluster_authorized_operations) {
    resp.cluster_authorized_operations = all_cluster_operations;
  }
}

void handle_metadata(shard_services& shard, request req, respond_fn respond) {
  const int16_t version = req.header.api_version;
  metadata_request body;
  if (protocol::decode_message(req.body, version, body)) return respond(close_connection());
  const broker_config& cfg = shard.config();

  metadata_response resp;
  endpoint self = cfg.advertised_endpoint();
  resp.brokers.push_back({cfg.node_id, self.host, self.port, std::nullopt});
  resp.cluster_id = shard.cluster_id();
  resp.controller_id = cfg.node_id;
  auto answer = [&] {
    add_authorized_operations(body, version, resp);
    respond(make_response(req, resp));
  };

  if (body.wants_all_topics(version)) {
    for (const auto& name : shard.topics().topic_names()) {
      resp.topics.push_back(describe(shard, name));
    }
    return answer();
  }
  const auto& topics = *body.topics;
  const bool any_id = std::ranges::any_of(topics, by_id);
  const bool any_null = std::ranges::any_of(topics, [](const auto& t) { return !t.name; });
  if (version < 12 && (any_id || any_null)) {
    for (const auto& t : topics) {
      auto answer = failed(t.name.value_or(""), error_code::invalid_request);
      answer.topic_id = t.topic_id;
      resp.topics.push_back(std::move(answer));
    }
    return answer();
  }
  if (any_id) {
    describe_by_id(shard, topics, resp);
    return answer();
  }
  const bool client_may_create =
      cfg.auto_create_topics && (version < 4 || body.allow_auto_topic_creation);
  std::set<std::string_view> asked;  // a name asked twice is answered once, as Kafka
  for (const auto& requested : topics) {
    if (requested.name && !asked.insert(*requested.name).second) continue;
    // A v12 entry with neither an id nor a name names nothing.
    if (!requested.name) {
      resp.topics.push_back(failed(std::nullopt, error_code::invalid_topic_exception));
      continue;
    }
    resp.topics.push_back(describe_by_name(shard, *requested.name, client_may_create));
  }
  answer();
}

}  // namespace sluice::broker
