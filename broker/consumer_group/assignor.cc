#include "broker/consumer_group/assignor.h"

#include <algorithm>
#include <set>
#include <utility>

namespace sluice::broker::consumer_group {
namespace {

using partition = std::pair<std::string, int32_t>;

// Who may own each partition: the members subscribed to its topic, as
// indexes into the member list (which is in member-id order).
struct eligibility {
  std::map<partition, std::vector<size_t>> members_of;
};

std::vector<const member_spec*> sorted_members(const std::vector<member_spec>& members) {
  std::vector<const member_spec*> out;
  out.reserve(members.size());
  for (const member_spec& m : members) out.push_back(&m);
  std::sort(out.begin(), out.end(),
            [](const member_spec* a, const member_spec* b) { return a->member_id < b->member_id; });
  return out;
}

eligibility eligible(const std::vector<const member_spec*>& members,
                     const topic_partition_counts& topics) {
  eligibility e;
  for (size_t i = 0; i < members.size(); ++i) {
    // A member may list a topic twice; count it once.
    std::set<std::string> subscribed(members[i]->subscribed_topics.begin(),
                                     members[i]->subscribed_topics.end());
    for (const std::string& topic : subscribed) {
      auto t = topics.find(topic);
      if (t == topics.end()) continue;
      for (int32_t p = 0; p < t->second; ++p) e.members_of[{topic, p}].push_back(i);
    }
  }
  return e;
}

group_assignment to_assignment(const std::vector<const member_spec*>& members,
                               const std::vector<std::set<partition>>& owned) {
  group_assignment out;
  for (size_t i = 0; i < members.size(); ++i) {
    topic_assignment& a = out[members[i]->member_id];
    for (const partition& p : owned[i]) a[p.first].push_back(p.second);  // sets are sorted
  }
  return out;
}

// The eligible member owning the fewest partitions (lowest index on ties).
size_t least_loaded(const std::vector<size_t>& candidates,
                    const std::vector<std::set<partition>>& owned) {
  size_t best = candidates.front();
  for (size_t c : candidates)
    if (owned[c].size() < owned[best].size()) best = c;
  return best;
}

}  // namespace

group_assignment assign_uniform(const std::vector<member_spec>& members,
                                const topic_partition_counts& topics) {
  const std::vector<const member_spec*> sorted = sorted_members(members);
  const eligibility e = eligible(sorted, topics);
  std::vector<std::set<partition>> owned(sorted.size());

  // 1. Stickiness: a member keeps what it owned and may still own. A
  //    partition claimed by two members' previous targets (possible only
  //    across a coordinator change) goes to the first.
  std::set<partition> taken;
  for (size_t i = 0; i < sorted.size(); ++i) {
    for (const auto& [topic, parts] : sorted[i]->previous) {
      for (int32_t p : parts) {
        auto it = e.members_of.find({topic, p});
        if (it == e.members_of.end() || taken.contains(it->first)) continue;
        if (!std::binary_search(it->second.begin(), it->second.end(), i)) continue;
        owned[i].insert(it->first);
        taken.insert(it->first);
      }
    }
  }

  // 2. The rest, most constrained first (fewest eligible members), each to
  //    the least loaded member that may take it.
  std::vector<const std::pair<const partition, std::vector<size_t>>*> rest;
  for (const auto& entry : e.members_of)
    if (!taken.contains(entry.first)) rest.push_back(&entry);
  std::stable_sort(rest.begin(), rest.end(), [](const auto* a, const auto* b) {
    return a->second.size() < b->second.size();
  });
  for (const auto* entry : rest) owned[least_loaded(entry->second, owned)].insert(entry->first);

  // 3. Balance: move a partition from a member to an eligible one owning at
  //    least two fewer, until no such move exists. Each move lowers the sum
  //    of squared counts, so this ends; only what must move does.
  for (bool moved = true; moved;) {
    moved = false;
    std::vector<size_t> order(sorted.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return owned[a].size() > owned[b].size(); });
    for (size_t from : order) {
      // Give away the highest partitions first, so kept ranges stay low.
      for (auto it = owned[from].rbegin(); it != owned[from].rend(); ++it) {
        const size_t to = least_loaded(e.members_of.at(*it), owned);
        if (owned[to].size() + 1 < owned[from].size()) {
          const partition p = *it;
          owned[from].erase(p);
          owned[to].insert(p);
          moved = true;
          break;
        }
      }
      if (moved) break;
    }
  }
  return to_assignment(sorted, owned);
}

group_assignment assign_range(const std::vector<member_spec>& members,
                              const topic_partition_counts& topics) {
  const std::vector<const member_spec*> sorted = sorted_members(members);
  std::vector<std::set<partition>> owned(sorted.size());
  for (const auto& [topic, count] : topics) {
    std::vector<size_t> subscribers;
    for (size_t i = 0; i < sorted.size(); ++i) {
      const auto& subs = sorted[i]->subscribed_topics;
      if (std::find(subs.begin(), subs.end(), topic) != subs.end()) subscribers.push_back(i);
    }
    if (subscribers.empty()) continue;
    const int32_t m = static_cast<int32_t>(subscribers.size());
    int32_t next = 0;
    for (int32_t k = 0; k < m; ++k) {
      const int32_t n = count / m + (k < count % m ? 1 : 0);
      for (int32_t j = 0; j < n; ++j)
        owned[subscribers[static_cast<size_t>(k)]].insert({topic, next++});
    }
  }
  return to_assignment(sorted, owned);
}

assign_fn find_assignor(std::string_view name) {
  if (name == "uniform") return &assign_uniform;
  if (name == "range") return &assign_range;
  return nullptr;
}

}  // namespace sluice::broker::consumer_group
