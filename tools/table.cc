#include "tools/table.h"

#include <algorithm>

namespace sluice::tools {
namespace {

std::string join_ints(const std::vector<int32_t>& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(v[i]);
  }
  return out;
}

std::string or_dash(const std::optional<int64_t>& v) { return v ? std::to_string(*v) : "-"; }
std::string or_dash(const std::string& s) { return s.empty() ? "-" : s; }

}  // namespace

std::string describe_topic_text(const topic_description& t) {
  std::string out = "Topic: " + t.name + "\tTopicId: " + t.topic_id +
                    "\tPartitionCount: " + std::to_string(t.partitions.size()) +
                    "\tReplicationFactor: " + std::to_string(t.replication_factor) + "\tConfigs: ";
  for (size_t i = 0; i < t.configs.size(); ++i) {
    if (i) out += ',';
    out += t.configs[i].first + "=" + t.configs[i].second;
  }
  out += '\n';
  for (const auto& p : t.partitions) {
    out += "\tTopic: " + t.name + "\tPartition: " + std::to_string(p.partition) +
           "\tLeader: " + (p.leader < 0 ? std::string("none") : std::to_string(p.leader)) +
           "\tReplicas: " + join_ints(p.replicas) + "\tIsr: " + join_ints(p.isr) + "\n";
  }
  return out;
}

std::string group_offsets_table(const std::vector<group_offset_row>& rows) {
  std::vector<std::vector<std::string>> cells;
  for (const auto& r : rows) {
    std::optional<int64_t> lag;
    if (r.current_offset && r.log_end_offset)
      lag = std::max<int64_t>(0, *r.log_end_offset - *r.current_offset);
    cells.push_back({r.group, r.topic, std::to_string(r.partition), or_dash(r.current_offset),
                     or_dash(r.log_end_offset), or_dash(lag), or_dash(r.consumer_id),
                     or_dash(r.host), or_dash(r.client_id)});
  }
  return format_columns({"GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG",
                         "CONSUMER-ID", "HOST", "CLIENT-ID"},
                        cells);
}

std::string reset_plan_table(const std::vector<plan_row>& rows) {
  std::vector<std::vector<std::string>> cells;
  for (const auto& r : rows)
    cells.push_back({r.group, r.topic, std::to_string(r.partition), std::to_string(r.new_offset)});
  return format_columns({"GROUP", "TOPIC", "PARTITION", "NEW-OFFSET"}, cells);
}

std::string format_columns(const std::vector<std::string>& header,
                           const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width(header.size());
  for (size_t c = 0; c < header.size(); ++c) width[c] = header[c].size();
  for (const auto& row : rows)
    for (size_t c = 0; c < row.size() && c < width.size(); ++c)
      width[c] = std::max(width[c], row[c].size());
  std::string out;
  auto line = [&](const std::vector<std::string>& cells) {
    for (size_t c = 0; c < cells.size(); ++c) {
      out += cells[c];
      if (c + 1 < cells.size()) out.append(width[c] - cells[c].size() + 1, ' ');
    }
    out += '\n';
  };
  line(header);
  for (const auto& row : rows) line(row);
  return out;
}

}  // namespace sluice::tools
