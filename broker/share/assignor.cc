#include "broker/share/assignor.h"

#include <algorithm>
#include <set>

namespace sluice::broker::share {

assignment_map assign(const subscriptions& members, const partitions_fn& partitions_of) {
  assignment_map out;
  for (const auto& [id, topics] : members) out[id];
  std::map<std::string, std::vector<std::string>> subscribers;  // topic -> members, id order
  for (const auto& [id, topics] : members) {
    for (const auto& t : std::set<std::string>(topics.begin(), topics.end())) {
      subscribers[t].push_back(id);
    }
  }
  for (const auto& [topic, ids] : subscribers) {
    auto parts = partitions_of(topic);
    if (!parts || parts->empty()) continue;
    std::sort(parts->begin(), parts->end());
    const size_t m = ids.size();
    const size_t p = parts->size();
    if (m <= p) {
      for (size_t i = 0; i < p; ++i) out[ids[i % m]][topic].push_back((*parts)[i]);
    } else {
      for (size_t j = 0; j < m; ++j) out[ids[j]][topic].push_back((*parts)[j % p]);
    }
  }
  return out;
}

}  // namespace sluice::broker::share
