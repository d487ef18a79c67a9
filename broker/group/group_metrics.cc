// The coordinator's families on the Prometheus page (docs/groups.md
// "Metrics"). Read when the page is rendered, so a scrape costs nothing
// between scrapes; groups with no member (only committed offsets) are
// included, since their lag is what an operator looks for.
#include <fmt/format.h>

#include <algorithm>
#include <iterator>

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
}

}  // namespace sluice::broker::group
