#include "tools/commands/configs.h"

namespace sluice::tools {

result<std::map<std::string, std::string>> parse_config_assignments(
    const std::vector<std::string>& items, const std::string& flag) {
  std::map<std::string, std::string> out;
  for (const auto& c : items) {
    auto kv = split_assignment(c, flag);
    if (!kv) return kv.error();
    out[kv->first] = kv->second;
  }
  return out;
}

awaitable<status> update_dynamic_configs(client::admin& a, const client::config_resource& res,
                                         const std::map<std::string, std::string>& set,
                                         const std::vector<std::string>& deletes) {
  auto current = co_await a.describe_configs(res);
  if (!current) co_return from_client(current.error());
  std::map<std::string, std::string> next;
  for (const auto& c : *current)
    if (!c.is_default && !c.read_only && c.value) next[c.name] = *c.value;
  for (const auto& k : deletes) next.erase(k);
  for (const auto& [k, v] : set) next[k] = v;
  auto r = co_await a.alter_configs(res, next);
  if (!r) co_return from_client(r.error());
  co_return ok;
}

}  // namespace sluice::tools
