#include "broker/alter_group_configs.h"

#include <spdlog/spdlog.h>

#include "broker/error_mapping.h"
#include "broker/group_config_store.h"
#include "broker/group_configs.h"
#include "broker/request.h"
#include "protocol/messages/describe_configs.h"

namespace sluice::broker {

using protocol::error_code;

void alter_group_resource(shard_services& shard, const std::string& group, bool validate_only,
                          const overrides_fn& new_overrides, alter_configs_result& out) {
  out.resource_type = protocol::config_resource_group;
  out.resource_name = group;
  if (group.empty()) {
    (void)fail_resource(out, error_code::invalid_request,
                        "Default group resources are not allowed.");
    return;
  }
  group_config_store* store = group_configs_of(shard);
  if (store == nullptr) {
    (void)fail_resource(out, error_code::kafka_storage_error,
                        "group configs are not available on this broker");
    return;
  }
  std::optional<group_overrides> overrides = new_overrides(out);
  if (!overrides) return;
  if (auto err = validate_group_overrides(shard.config(), *overrides)) {
    (void)fail_resource(out, error_code::invalid_config, *err);
    return;
  }
  if (validate_only) return;
  if (auto ec = store->put(group, *overrides)) {
    spdlog::warn("event=alter_group_configs_failed group=\"{}\" error=\"{}\"", group, ec.message());
    (void)fail_resource(out, to_kafka_error(ec),
                        "storing the group's configs failed: " + ec.message());
    return;
  }
  spdlog::info("event=group_configs_altered group=\"{}\" overrides={}", group, overrides->size());
}

}  // namespace sluice::broker
