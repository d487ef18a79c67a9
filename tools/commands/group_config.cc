#include "tools/commands/group_config.h"

#include <iostream>

#include "client/admin.h"
#include "tools/commands/configs.h"
#include "tools/table.h"

namespace sluice::tools {

awaitable<status> group_config(session& s, const group_options& o) {
  if (o.group.empty()) co_return usage("group config needs a group id");
  auto set = parse_config_assignments(o.set_configs, "--set");
  if (!set) co_return set.error();
  client::admin a(s.cluster);
  client::config_resource res{client::config_resource_type::group, o.group};
  if (!set->empty() || !o.delete_configs.empty()) {
    auto st = co_await update_dynamic_configs(a, res, *set, o.delete_configs);
    if (!st) co_return st;
    std::cout << "Updated configs of group " << o.group << "." << std::endl;
    co_return ok;
  }
  auto configs = co_await a.describe_configs(res);
  if (!configs) co_return from_client(configs.error());
  std::vector<std::vector<std::string>> rows;
  for (const auto& c : *configs) {
    rows.push_back(
        {c.name, c.value.value_or(""), c.is_default ? "DEFAULT_CONFIG" : "GROUP_CONFIG"});
  }
  std::cout << format_columns({"KEY", "VALUE", "SOURCE"}, rows) << std::flush;
  co_return ok;
}

}  // namespace sluice::tools
