// IncrementalAlterConfigs (44), v0-1 (v1 flexible). Unlike AlterConfigs,
// each entry changes one key of a topic's overrides and leaves the others:
// SET (0) sets it, DELETE (1) returns it to its default, APPEND (2) and
// SUBTRACT (3) add or remove items of a list-valued key (cleanup.policy, the
// replication throttles), starting from its current value (override or
// default), as Kafka's ConfigAdminManager does. APPEND/SUBTRACT of a key that
// is not a list is INVALID_CONFIG. Every resulting value is validated
// (topic_configs.h: INVALID_CONFIG names the key and why); a key given twice
// in one resource or an unknown operation is INVALID_REQUEST; nothing of a
// failed resource changes. The new set is then stored and applied exactly as
// AlterConfigs does it (topic_config_store, apply_topic_config).
// validate_only checks and changes nothing.
//
// Group resources (type 32, KIP-848/KIP-932 group configs) take the same
// operations on the group's overrides (broker/group_configs.h); no group key
// is a list, so APPEND/SUBTRACT are INVALID_CONFIG there, as Kafka's
// controller answers; the result is checked and stored by
// alter_group_resource (alter_group_configs.h).
//
// Broker resources are read-only in Sluice (POLICY_VIOLATION, as AlterConfigs
// answers); other resource types INVALID_REQUEST.
#include <algorithm>
#include <functional>
#include <set>

#include "broker/alter_group_configs.h"
#include "broker/alter_topic_configs.h"
#include "broker/api_table.h"
#include "broker/config.h"
#include "broker/group_config_store.h"
#include "broker/group_configs.h"
#include "broker/topic_configs.h"
#include "broker/topic_table.h"
#include "protocol/message.h"
#include "protocol/messages/describe_configs.h"
#include "protocol/messages/incremental_alter_configs.h"

namespace sluice::broker {
namespace {

using protocol::config_operation;
using protocol::error_code;
using protocol::incremental_alter_configs_request;
using protocol::incremental_alter_configs_response;

struct failure {
  error_code code;
  std::string message;
};

// What apply_op needs to know of a resource type's keys.
struct config_schema {
  // The key's type; nullopt for a key the resource does not have.
  std::function<std::optional<protocol::config_type>(std::string_view)> type_of;
  std::function<std::string(std::string_view)> default_of;
  // Why the value cannot be set (nullopt: it can).
  std::function<std::optional<std::string>(std::string_view, std::string_view)> validate;
  std::string unknown;  // "unknown topic config "
};

config_schema topic_schema(const broker_config& cfg) {
  return {[](std::string_view n) -> std::optional<protocol::config_type> {
            const topic_config_key* k = find_topic_config_key(n);
            if (k == nullptr) return std::nullopt;
            return k->type;
          },
          [&cfg](std::string_view n) { return topic_config_default(cfg, n); },
          [](std::string_view n, std::string_view v) { return validate_topic_config(n, v); },
          "unknown topic config "};
}

config_schema group_schema(const broker_config& cfg) {
  return {
      [](std::string_view n) -> std::optional<protocol::config_type> {
        const group_config_key* k = find_group_config_key(n);
        if (k == nullptr) return std::nullopt;
        return k->type;
      },
      [&cfg](std::string_view n) { return group_config_default(cfg, n); },
      [&cfg](std::string_view n, std::string_view v) { return validate_group_config(cfg, n, v); },
      "Unknown group config name: "};
}

// Applies one entry to `o`; a failure leaves the caller to discard `o`.
std::optional<failure> apply_op(const config_schema& schema,
                                const incremental_alter_configs_request::alterable_config& c,
                                topic_overrides& o) {
  const std::optional<protocol::config_type> type = schema.type_of(c.name);
  if (!type) return failure{error_code::invalid_config, schema.unknown + c.name};
  const auto op = static_cast<config_operation>(c.config_operation);
  if (op == config_operation::delete_) {
    o.erase(c.name);
    return std::nullopt;
  }
  if (op != config_operation::set && op != config_operation::append &&
      op != config_operation::subtract) {
    return failure{error_code::invalid_request,
                   "unknown config operation " + std::to_string(c.config_operation)};
  }
  if (!c.value) return failure{error_code::invalid_config, c.name + ": a null value"};
  std::string value = *c.value;
  if (op != config_operation::set) {
    if (*type != protocol::config_type::list) {
      return failure{error_code::invalid_config,
                     c.name + " is not a list: only SET and DELETE apply to it"};
    }
    auto it = o.find(c.name);
    auto items = split_config_list(it != o.end() ? it->second : schema.default_of(c.name));
    for (const std::string& item : split_config_list(*c.value)) {
      auto at = std::find(items.begin(), items.end(), item);
      if (op == config_operation::append && at == items.end()) items.push_back(item);
      if (op == config_operation::subtract && at != items.end()) items.erase(at);
    }
    value = join_config_list(items);
  }
  if (auto err = schema.validate(c.name, value)) {
    return failure{error_code::invalid_config, *err};
  }
  o[c.name] = value;
  return std::nullopt;
}

// The resource's entries applied, in order, to the resource's current
// overrides (a topic's or a group's).
std::optional<topic_overrides> overrides_of(
    shard_services& shard, const incremental_alter_configs_request::alter_configs_resource& rq,
    alter_configs_result& out) {
  const bool group = rq.resource_type == protocol::config_resource_group;
  const config_schema schema = group ? group_schema(shard.config()) : topic_schema(shard.config());
  std::set<std::string_view> seen;
  for (const auto& c : rq.configs) {
    if (!seen.insert(c.name).second) {
      return fail_resource(out, error_code::invalid_request, c.name + " given more than once");
    }
  }
  const group_config_store* groups = group_configs_of(shard);
  topic_overrides overrides;
  if (!group) {
    overrides = shard.topics().configs().get(rq.resource_name);
  } else if (groups != nullptr) {
    overrides = groups->overrides(rq.resource_name);
  }
  for (const auto& c : rq.configs) {
    if (auto f = apply_op(schema, c, overrides)) {
      return fail_resource(out, f->code, f->message);
    }
  }
  return overrides;
}

}  // namespace

void handle_incremental_alter_configs(shard_services& shard, request req, respond_fn respond) {
  const int16_t version = req.header.api_version;
  incremental_alter_configs_request body;
  if (protocol::decode_message(req.body, version, body)) return respond(close_connection());

  incremental_alter_configs_response resp;
  for (const auto& rq : body.resources) {
    auto fn = [&](alter_configs_result& out) { return overrides_of(shard, rq, out); };
    if (rq.resource_type == protocol::config_resource_group) {
      alter_group_resource(shard, rq.resource_name, body.validate_only, fn,
                           resp.responses.emplace_back());
    } else {
      alter_resource(shard, rq.resource_type, rq.resource_name, body.validate_only, fn,
                     resp.responses.emplace_back());
    }
  }
  respond(make_response(req, resp));
}

}  // namespace sluice::broker
