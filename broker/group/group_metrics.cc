// The coordinator's families on the Prometheus page (docs/groups.md
// "Metrics"). Read when the page is rendered, so a scrape costs nothing
// between scrapes; groups with no member (only committed offsets) are
// included, since their lag is what an operator looks for.
#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <string_view>
#include <utility>

#include "broker/group/coordinator.h"
#include "broker/metrics.h"
#include "broker/topic_table.h"

namespace sluice::broker::group {

void coordinator::render_metrics(std::string& out) const {
  auto line = [&out](std::string_view name, const std::string& labels, int64_t value) {
    fmt::format_to(std::back_inserter(out), "{}{{{}}} {}\n", name, labels, value);
  };
  auto labels = [](const std::string& group, const std::string& topic, int32_t partition) {
    return fmt::format("group=\"{}\",topic=\"{}\",partition=\"{}\"", escape_label_value(group),
                       escape_label_value(topic), partition);
  };
  write_family(out, "sluice_group_committed_offset", "gauge",
               "Offset a consumer group committed, by partition.");
  for (const auto& [group, committed] : offsets_) {
    for (const auto& [tp, c] : committed)
      line("sluice_group_committed_offset", labels(group, tp.first, tp.second), c.offset);
  }
  write_family(out, "sluice_group_lag", "gauge",
               "High watermark minus the committed offset (0 when the commit is ahead); "
               "absent for a partition that does not exist.");
  for (const auto& [group, committed] : offsets_) {
    for (const auto& [tp, c] : committed) {
      const log::partition_log* p = shard_.topics().get(tp.first, tp.second);
      if (p == nullptr) continue;
      const int64_t hw = p->high_watermark().value;
      line("sluice_group_lag", labels(group, tp.first, tp.second),
           c.offset < 0 ? hw : std::max<int64_t>(0, hw - c.offset));
    }
  }
  write_family(out, "sluice_group_members", "gauge", "Members of a consumer group.");
  for (const auto& [id, g] : groups_) {
    if (g->state() == group_state::dead) continue;
    line("sluice_group_members", fmt::format("group=\"{}\"", escape_label_value(id)),
         static_cast<int64_t>(g->members().size()));
  }
  for (const auto& [id, g] : modern_->groups()) {  // KIP-848 groups
    line("sluice_group_members", fmt::format("group=\"{}\"", escape_label_value(id)),
         static_cast<int64_t>(g.members().size()));
  }

  // The same values under kafka_exporter's names and labels (`consumergroup`,
  // not `group`), which its Grafana dashboards (e.g. 7589) query. Its lag is
  // not clamped: the newest offset (the high watermark) minus the committed
  // one, -1 when the group has no offset; sums are per group and topic.
  auto group_topic = [](const std::string& group, const std::string& topic) {
    return fmt::format("consumergroup=\"{}\",topic=\"{}\"", escape_label_value(group),
                       escape_label_value(topic));
  };
  struct per_topic {
    int64_t offset_sum = 0;
    int64_t lag_sum = 0;
  };
  std::map<std::pair<std::string, std::string>, per_topic> sums;
  std::string lags;
  write_family(out, "kafka_consumergroup_current_offset", "gauge",
               "Committed offset of a consumer group at a partition (kafka_exporter's).");
  for (const auto& [group, committed] : offsets_) {
    for (const auto& [tp, c] : committed) {
      const log::partition_log* p = shard_.topics().get(tp.first, tp.second);
      if (p == nullptr) continue;
      const std::string l =
          fmt::format("{},partition=\"{}\"", group_topic(group, tp.first), tp.second);
      line("kafka_consumergroup_current_offset", l, c.offset);
      const int64_t lag = c.offset < 0 ? -1 : p->high_watermark().value - c.offset;
      fmt::format_to(std::back_inserter(lags), "kafka_consumergroup_lag{{{}}} {}\n", l, lag);
      per_topic& s = sums[{group, tp.first}];
      s.offset_sum += c.offset;
      if (lag >= 0) s.lag_sum += lag;
    }
  }
  write_family(out, "kafka_consumergroup_current_offset_sum", "gauge",
               "Committed offsets of a consumer group summed over a topic's partitions.");
  for (const auto& [key, s] : sums)
    line("kafka_consumergroup_current_offset_sum", group_topic(key.first, key.second),
         s.offset_sum);
  write_family(out, "kafka_consumergroup_lag", "gauge",
               "High watermark minus the committed offset of a consumer group at a partition "
               "(kafka_exporter's).");
  out += lags;
  write_family(out, "kafka_consumergroup_lag_sum", "gauge",
               "Lag of a consumer group summed over a topic's partitions.");
  for (const auto& [key, s] : sums)
    line("kafka_consumergroup_lag_sum", group_topic(key.first, key.second), s.lag_sum);
  // A group known only by its committed offsets (a consumer that assigns
  // its partitions and commits) has 0 members: Kafka keeps such a group as
  // Empty, and kafka_exporter reports it so.
  std::map<std::string_view, int64_t> members;
  for (const auto& [id, committed] : offsets_) members[id] = 0;
  for (const auto& [id, g] : groups_) {
    if (g->state() == group_state::dead) continue;
    members[id] = static_cast<int64_t>(g->members().size());
  }
  for (const auto& [id, g] : modern_->groups()) {
    members[id] = static_cast<int64_t>(g.members().size());
  }
  write_family(out, "kafka_consumergroup_members", "gauge",
               "Members of a consumer group (kafka_exporter's).");
  for (const auto& [id, n] : members)
    line("kafka_consumergroup_members", fmt::format("consumergroup=\"{}\"", escape_label_value(id)),
         n);
}

}  // namespace sluice::broker::group
