#include "tools/commands/topic.h"

#include <algorithm>
#include <iostream>

#include "client/admin.h"
#include "protocol/uuid.h"
#include "tools/commands/configs.h"
#include "tools/table.h"

namespace sluice::tools {
namespace {

result<std::map<std::string, std::string>> parse_configs(const std::vector<std::string>& configs) {
  return parse_config_assignments(configs, "--config");
}

status item_status(const std::map<std::string, client::item_error>& items) {
  for (const auto& [name, err] : items)
    if (!err.ok()) return fail(err.message.empty() ? "topic '" + name + "' failed" : err.message);
  return ok;
}

}  // namespace

awaitable<status> topic_create(session& s, const topic_options& o) {
  auto configs = parse_configs(o.configs);
  if (!configs) co_return configs.error();
  client::admin a(s.cluster);
  // Arguments are built before co_await: GCC 12 miscompiles braced lists there.
  std::vector<client::new_topic> topics{{o.topic, o.partitions, o.replication_factor, *configs}};
  auto r = co_await a.create_topics(std::move(topics));
  if (!r) co_return from_client(r.error());
  auto& err = (*r)[o.topic];
  if (err.code == protocol::error_code::topic_already_exists && o.if_not_exists) co_return ok;
  if (!err.ok()) co_return fail(err.message);
  std::cout << "Created topic " << o.topic << "." << std::endl;
  co_return ok;
}

awaitable<status> topic_list(session& s, const topic_options& o) {
  client::admin a(s.cluster);
  auto r = co_await a.list_topics();
  if (!r) co_return from_client(r.error());
  std::vector<std::string> names;
  for (const auto& t : *r)
    if (!(o.exclude_internal && t.is_internal)) names.push_back(t.name);
  std::sort(names.begin(), names.end());
  for (const auto& n : names) std::cout << n << "\n";
  std::cout.flush();
  co_return ok;
}

awaitable<status> topic_describe(session& s, const topic_options& o) {
  client::admin a(s.cluster);
  std::vector<client::topic_metadata> topics;
  if (o.topic.empty()) {
    auto r = co_await a.list_topics();
    if (!r) co_return from_client(r.error());
    for (auto& t : *r)
      if (!(o.exclude_internal && t.is_internal)) topics.push_back(std::move(t));
    std::sort(topics.begin(), topics.end(), [](auto& x, auto& y) { return x.name < y.name; });
  } else {
    auto t = co_await s.cluster.topic(o.topic);
    if (!t) co_return from_client(t.error());
    topics.push_back(std::move(*t));
  }
  std::string out;
  for (const auto& t : topics) {
    topic_description d;
    d.name = t.name;
    d.topic_id = protocol::to_base64url(t.topic_id);  // all zero from a broker without ids
    for (const auto& p : t.partitions) {
      d.partitions.push_back({p.partition, p.leader, p.replicas, p.isr});
      d.replication_factor =
          std::max<int>(d.replication_factor, static_cast<int>(p.replicas.size()));
    }
    client::config_resource res{client::config_resource_type::topic, t.name};
    auto configs = co_await a.describe_configs(res);
    if (!configs) co_return from_client(configs.error());
    for (const auto& c : *configs)
      if (!c.is_default)
        d.configs.emplace_back(c.name, c.is_sensitive ? "<sensitive>" : c.value.value_or(""));
    out += describe_topic_text(d);
  }
  std::cout << out << std::flush;
  co_return ok;
}

awaitable<status> topic_delete(session& s, const topic_options& o) {
  client::admin a(s.cluster);
  std::vector<std::string> names{o.topic};
  auto r = co_await a.delete_topics(std::move(names));
  if (!r) co_return from_client(r.error());
  auto& err = (*r)[o.topic];
  if (err.code == protocol::error_code::unknown_topic_or_partition && o.if_exists) co_return ok;
  if (!err.ok()) co_return fail(err.message);
  std::cout << "Deleted topic " << o.topic << "." << std::endl;
  co_return ok;
}

awaitable<status> topic_alter(session& s, const topic_options& o) {
  if (o.partitions < 0 && o.configs.empty() && o.delete_configs.empty())
    co_return usage("topic alter needs --partitions, --config or --delete-config");
  auto set = parse_configs(o.configs);
  if (!set) co_return set.error();
  client::admin a(s.cluster);
  if (o.partitions >= 0) {
    std::map<std::string, int32_t> counts{{o.topic, o.partitions}};
    auto r = co_await a.create_partitions(std::move(counts));
    if (!r) co_return from_client(r.error());
    if (auto st = item_status(*r); !st) co_return st;
    std::cout << "Topic " << o.topic << " now has " << o.partitions << " partitions." << std::endl;
  }
  if (!set->empty() || !o.delete_configs.empty()) {
    client::config_resource res{client::config_resource_type::topic, o.topic};
    auto st = co_await update_dynamic_configs(a, res, *set, o.delete_configs);
    if (!st) co_return st;
    std::cout << "Updated configs of topic " << o.topic << "." << std::endl;
  }
  co_return ok;
}

}  // namespace sluice::tools
