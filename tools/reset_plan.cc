#include "tools/reset_plan.h"

#include <algorithm>
#include <charconv>

namespace sluice::tools {
namespace {

template <class T>
std::optional<T> whole_int(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
    text.remove_suffix(1);
  T v{};
  if (text.empty()) return std::nullopt;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return v;
}

std::string name(const topic_partition& tp) {
  return tp.topic + "-" + std::to_string(tp.partition);
}

}  // namespace

result<std::vector<planned_offset>> plan_reset(const reset_spec& spec,
                                               const std::vector<partition_offsets>& partitions) {
  std::vector<planned_offset> plan;
  for (const auto& p : partitions) {
    int64_t target = 0;
    if (std::holds_alternative<reset::to_earliest>(spec)) {
      target = p.log_start_offset;
    } else if (std::holds_alternative<reset::to_latest>(spec)) {
      target = p.log_end_offset;
    } else if (std::holds_alternative<reset::to_current>(spec)) {
      // Kafka resets a partition without a commit to the log end offset here.
      target = p.committed.value_or(p.log_end_offset);
    } else if (auto* o = std::get_if<reset::to_offset>(&spec)) {
      target = o->offset;
    } else if (auto* s = std::get_if<reset::shift_by>(&spec)) {
      if (!p.committed)
        return fail("cannot shift the offset of " + name(p.tp) +
                    ": the group has no committed offset there");
      target = *p.committed + s->delta;
    } else if (std::holds_alternative<reset::to_time>(spec)) {
      target = p.offset_for_time && *p.offset_for_time >= 0 ? *p.offset_for_time : p.log_end_offset;
    } else if (auto* f = std::get_if<reset::from_file>(&spec)) {
      auto it = f->offsets.find(p.tp);
      if (it == f->offsets.end()) continue;  // the file leaves this partition as it is
      target = it->second;
    }
    plan.push_back({p.tp, std::clamp(target, p.log_start_offset, p.log_end_offset)});
  }
  return plan;
}

result<reset::from_file> parse_reset_csv(std::string_view text) {
  reset::from_file out;
  size_t line_no = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos || line[0] == '#') continue;
    std::vector<std::string_view> cols;
    for (size_t start = 0;;) {
      size_t comma = line.find(',', start);
      cols.push_back(line.substr(start, comma - start));
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    if (cols.size() == 4) cols.erase(cols.begin());  // group,topic,partition,offset
    auto partition = cols.size() == 3 ? whole_int<int32_t>(cols[1]) : std::nullopt;
    auto offset = cols.size() == 3 ? whole_int<int64_t>(cols[2]) : std::nullopt;
    if (!partition || !offset || *partition < 0 || *offset < 0 || cols[0].empty()) {
      if (line_no == 1 && cols.size() >= 3 && !whole_int<int64_t>(cols.back())) continue;  // header
      return fail("reset file line " + std::to_string(line_no) +
                  ": expected topic,partition,offset, got '" + std::string(line) + "'");
    }
    out.offsets[{std::string(cols[0]), *partition}] = *offset;
  }
  if (out.offsets.empty()) return fail("reset file holds no topic,partition,offset line");
  return out;
}

result<topic_selection> parse_topic_selection(std::string_view text) {
  topic_selection sel;
  size_t colon = text.find(':');
  sel.topic = std::string(text.substr(0, colon));
  if (sel.topic.empty()) return usage("empty topic in '" + std::string(text) + "'");
  if (colon == std::string_view::npos) return sel;
  std::string_view rest = text.substr(colon + 1);
  for (size_t start = 0;;) {
    size_t comma = rest.find(',', start);
    auto p = whole_int<int32_t>(rest.substr(start, comma - start));
    if (!p || *p < 0)
      return usage("bad partition list in '" + std::string(text) + "': expected topic:0,1,2");
    sel.partitions.push_back(*p);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return sel;
}

}  // namespace sluice::tools
