#include "client/assignor.h"

#include <algorithm>
#include <set>

namespace sluice::client {
namespace {

// topic -> sorted member ids subscribed to it.
std::map<std::string, std::vector<std::string>> members_per_topic(const subscriptions_map& subs) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& [member, topics] : subs)  // std::map: members in id order
    for (const auto& t : std::set<std::string>(topics.begin(), topics.end()))
      out[t].push_back(member);
  return out;
}

assignment_map empty_for(const subscriptions_map& subs) {
  assignment_map out;
  for (const auto& [member, topics] : subs) out[member];
  return out;
}

}  // namespace

std::string_view assignor_name(assignor_kind a) noexcept {
  return a == assignor_kind::range ? "range" : "roundrobin";
}

std::optional<assignor_kind> parse_assignor(std::string_view name) noexcept {
  if (name == "range") return assignor_kind::range;
  if (name == "roundrobin") return assignor_kind::roundrobin;
  return std::nullopt;
}

assignment_map assign_range(const subscriptions_map& subscriptions,
                            const std::map<std::string, int32_t>& partitions_per_topic) {
  assignment_map out = empty_for(subscriptions);
  for (const auto& [topic, members] : members_per_topic(subscriptions)) {
    auto count = partitions_per_topic.find(topic);
    if (count == partitions_per_topic.end() || count->second <= 0) continue;
    const int32_t n = static_cast<int32_t>(members.size());
    const int32_t per_member = count->second / n;
    const int32_t extra = count->second % n;
    for (int32_t i = 0; i < n; ++i) {
      const int32_t start = per_member * i + std::min(i, extra);
      const int32_t length = per_member + (i < extra ? 1 : 0);
      for (int32_t p = start; p < start + length; ++p) out[members[i]].push_back({topic, p});
    }
  }
  return out;
}

assignment_map assign_roundrobin(const subscriptions_map& subscriptions,
                                 const std::map<std::string, int32_t>& partitions_per_topic) {
  assignment_map out = empty_for(subscriptions);
  if (subscriptions.empty()) return out;
  std::vector<std::string> members;
  for (const auto& [member, topics] : subscriptions) members.push_back(member);
  const auto subscribed = members_per_topic(subscriptions);
  size_t next = 0;  // the circular iterator over sorted members
  for (const auto& [topic, who] : subscribed) {
    auto count = partitions_per_topic.find(topic);
    if (count == partitions_per_topic.end()) continue;
    for (int32_t p = 0; p < count->second; ++p) {
      // Advance to the next member subscribed to this topic.
      while (!std::binary_search(who.begin(), who.end(), members[next % members.size()])) ++next;
      out[members[next % members.size()]].push_back({topic, p});
      ++next;
    }
  }
  return out;
}

assignment_map assign(assignor_kind a, const subscriptions_map& subscriptions,
                      const std::map<std::string, int32_t>& partitions_per_topic) {
  return a == assignor_kind::range ? assign_range(subscriptions, partitions_per_topic)
                                   : assign_roundrobin(subscriptions, partitions_per_topic);
}

}  // namespace sluice::client
