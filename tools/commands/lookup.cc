#include "tools/commands/lookup.h"

namespace sluice::tools {

awaitable<result<tp_list>> partitions_of(session& s, const std::string& topic,
                                         const std::vector<int32_t>& only) {
  auto t = co_await s.cluster.topic(topic);
  if (!t) co_return from_client(t.error());
  tp_list out;
  if (only.empty()) {
    for (const auto& p : t->partitions) out.push_back({topic, p.partition});
    co_return out;
  }
  for (int32_t p : only) {
    if (p < 0 || p >= static_cast<int32_t>(t->partitions.size()))
      co_return fail("topic '" + topic + "' has no partition " + std::to_string(p) + " (it has " +
                     std::to_string(t->partitions.size()) + ")");
    out.push_back({topic, p});
  }
  co_return out;
}

awaitable<result<std::map<client::topic_partition, int64_t>>> offsets_for_time(
    client::admin& a, const tp_list& tps, int64_t time, int8_t isolation_level) {
  std::map<client::topic_partition, int64_t> ask;
  for (const auto& tp : tps) ask[tp] = time;
  auto r = co_await a.list_offsets(ask, isolation_level);
  if (!r) co_return from_client(r.error());
  std::map<client::topic_partition, int64_t> out;
  for (const auto& tp : tps) {
    auto it = r->find(tp);
    if (it == r->end())
      co_return fail("no offset answer for " + tp.topic + "-" + std::to_string(tp.partition));
    if (!it->second.error.ok()) co_return fail(it->second.error.message);
    out[tp] = it->second.offset;
  }
  co_return out;
}

awaitable<result<std::map<client::topic_partition, partition_bounds>>> bounds_of(
    client::admin& a, const tp_list& tps, int8_t isolation_level) {
  auto start = co_await offsets_for_time(a, tps, client::earliest_offset_timestamp);
  if (!start) co_return start.error();
  auto end = co_await offsets_for_time(a, tps, client::latest_offset_timestamp, isolation_level);
  if (!end) co_return end.error();
  std::map<client::topic_partition, partition_bounds> out;
  for (const auto& tp : tps) out[tp] = {(*start)[tp], (*end)[tp]};
  co_return out;
}

}  // namespace sluice::tools
