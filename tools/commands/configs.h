#pragma once
// What `sluice topic alter --config/--delete-config` and `sluice group
// config --set/--delete` share: k=v parsing and the read-modify-write of a
// resource's dynamic configs with Kafka's AlterConfigs (which replaces the
// whole set, so the current overrides are read first with DescribeConfigs).

#include <map>
#include <string>
#include <vector>

#include "client/admin.h"
#include "tools/commands/session.h"

namespace sluice::tools {

// "k=v" items (`flag` names the option in a usage error).
result<std::map<std::string, std::string>> parse_config_assignments(
    const std::vector<std::string>& items, const std::string& flag);

// The resource's overrides, with `deletes` removed and `set` applied, stored.
awaitable<status> update_dynamic_configs(client::admin& a, const client::config_resource& res,
                                         const std::map<std::string, std::string>& set,
                                         const std::vector<std::string>& deletes);

}  // namespace sluice::tools
