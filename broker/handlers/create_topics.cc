// CreateTopics (19), v0-7 (v5+ flexible). One node: the replication factor must be 1 or -1
// (the default), manual assignments may name only this node, num_partitions
// -1 means num.partitions (v4, KIP-464). Configs are validated against the
// topic keys Sluice supports (topic_configs.h) and stored before the
// partitions are created, so log_manager opens them with the overrides.
// validate_only (v1+) runs every check and changes nothing. timeout_ms is not
// used: creation is synchronous (partition directories are synced before the
// answer). v5+ answers each created (or validated) topic's partition count,
// replication factor and every config with its value and source, as
// DescribeConfigs would; v7 its topic id (zero for validate_only: nothing was
// created).
#include <spdlog/spdlog.h>

#include <set>

#include "broker/api_table.h"
#include "broker/config.h"
#include "broker/error_mapping.h"
#include "broker/topic_configs.h"
#include "broker/topic_table.h"
#include "protocol/message.h"
#include "protocol/messages/create_topics.h"

namespace sluice::broker {
namespace {

using protocol::create_topics_request;
using protocol::create_topics_response;
using protocol::error_code;
using result = create_topics_response::creatable_topic_result;

struct failure {
  error_code code;
  std::string message;
};

// The partition count, or why the topic cannot be created as asked.
std::variant<int32_t, failure> check(shard_services& shard,
                                     const create_topics_request::creatable_topic& t,
                                     topic_overrides& overrides) {
  const broker_config& cfg = shard.config();
  if (!is_valid_topic_name(t.name)) {
    return failure{error_code::invalid_topic_exception, "illegal topic name '" + t.name + "'"};
  }
  if (shard.topics().partitions(t.name)) {
    return failure{error_code::topic_already_exists, "topic '" + t.name + "' already exists"};
  }
  int32_t count = t.num_partitions == -1 ? cfg.num_partitions : t.num_partitions;
  if (!t.assignments.empty()) {
    if (t.num_partitions != -1 || t.replication_factor != -1) {
      return failure{error_code::invalid_request,
                     "both partition count/replication factor and assignments given"};
    }
    count = static_cast<int32_t>(t.assignments.size());
    for (const auto& a : t.assignments) {
      if (a.partition_index < 0 || a.partition_index >= count ||
          a.broker_ids != std::vector<int32_t>{cfg.node_id}) {
        return failure{error_code::invalid_replica_assignment, "partitions 0..n-1, each on node " +
                                                                   std::to_string(cfg.node_id) +
                                                                   " only (single-node broker)"};
      }
    }
  } else if (t.replication_factor != 1 && t.replication_factor != -1) {
    return failure{error_code::invalid_replication_factor,
                   "replication factor must be 1 (single-node broker)"};
  }
  if (count < 1) return failure{error_code::invalid_partitions, "partition count must be >= 1"};
  for (const auto& c : t.configs) {
    if (!c.value) continue;  // null: the default
    if (auto err = validate_topic_config(c.name, *c.value)) {
      return failure{error_code::invalid_config, *err};
    }
    overrides[c.name] = *c.value;
  }
  return count;
}

// The v5+ description of a topic about to exist with `count` partitions.
void describe_result(const broker_config& cfg, int32_t count, const topic_overrides& overrides,
                     result& r) {
  r.num_partitions = count;
  r.replication_factor = 1;
  auto& configs = r.configs.emplace();
  for (const topic_config_key& key : topic_config_keys()) {
    described_config d = describe_topic_config(cfg, overrides, key);
    auto& c = configs.emplace_back();
    c.name = std::string(key.name);
    c.value = std::move(d.value);
    c.read_only = key.read_only;
    c.config_source = d.source;
  }
}

}  // namespace

void handle_create_topics(shard_services& shard, request req, respond_fn respond) {
  const int16_t version = req.header.api_version;
  create_topics_request body;
  if (protocol::decode_message(req.body, version, body)) return respond(close_connection());

  std::multiset<std::string> names;
  for (const auto& t : body.topics) names.insert(t.name);

  create_topics_response resp;
  for (const auto& t : body.topics) {
    auto& r = resp.topics.emplace_back();
    r.name = t.name;
    auto fail = [&](error_code code, std::string message) {
      r = result{};
      r.name = t.name;
      r.error_code = code;
      r.error_message = std::move(message);
    };
    if (names.count(t.name) > 1) {
      fail(error_code::invalid_request, "topic named more than once in the request");
      continue;
    }
    topic_overrides overrides;
    auto checked = check(shard, t, overrides);
    if (auto* f = std::get_if<failure>(&checked)) {
      fail(f->code, f->message);
      continue;
    }
    const int32_t count = std::get<int32_t>(checked);
    if (version >= 5) describe_result(shard.config(), count, overrides, r);
    if (body.validate_only) continue;
    if (auto ec = shard.topics().configs().put(t.name, overrides)) {
      fail(to_kafka_error(ec), "storing the topic's configs failed: " + ec.message());
      continue;
    }
    if (auto ec = shard.topics().create_topic(t.name, count)) {
      spdlog::warn("event=create_topic_failed topic={} error=\"{}\"", t.name, ec.message());
      if (!shard.topics().partitions(t.name)) (void)shard.topics().configs().erase(t.name);
      fail(to_kafka_error(ec), ec.message());
      continue;
    }
    apply_topic_config(shard.topics(), shard.config(), t.name);
    r.topic_id = shard.topics().topic_id_or_zero(t.name);
    spdlog::info("event=topic_created topic={} partitions={} overrides={} reason=create_topics",
                 t.name, count, overrides.size());
  }
  respond(make_response(req, resp));
}

}  // namespace sluice::broker
