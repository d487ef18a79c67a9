#include "broker/consumer_group/modern_group.h"

#include <algorithm>
#include <regex>
#include <set>

namespace sluice::broker::consumer_group {
namespace {

using protocol::error_code;

bool holds(const topic_assignment& a, const std::string& topic, int32_t p) {
  auto it = a.find(topic);
  return it != a.end() && std::binary_search(it->second.begin(), it->second.end(), p);
}

// Sorted, deduplicated, without empty topics: the one shape every
// assignment has here, so that == means "the same partitions".
topic_assignment normalized(topic_assignment a) {
  for (auto it = a.begin(); it != a.end();) {
    auto& v = it->second;
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    it = v.empty() ? a.erase(it) : std::next(it);
  }
  return a;
}

// Whether the member still reports owning any of `partitions`. A heartbeat
// that did not send its owned partitions (null: unchanged) still owns them.
bool owns_any(const std::optional<topic_assignment>& owned, const topic_assignment& partitions) {
  if (!owned) return true;
  for (const auto& [topic, parts] : *owned) {
    for (int32_t p : parts) {
      if (holds(partitions, topic, p)) return true;
    }
  }
  return false;
}

// KIP-848's regex is RE2/J, matched against the whole topic name; Sluice
// uses std::regex's ECMAScript grammar, also whole-name (docs/groups.md).
std::optional<std::regex> compile(const std::string& pattern) {
  try {
    return std::regex(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error&) {
    return std::nullopt;
  }
}

void update_epoch(current_assignment& c, int32_t epoch) {
  c.previous_member_epoch = c.member_epoch;
  c.member_epoch = epoch;
}

}  // namespace

const char* modern_group::state_name() const {
  if (members_.empty()) return "Empty";
  if (group_epoch_ > assignment_epoch_) return "Assigning";
  for (const auto& [id, m] : members_) {
    if (m.current.member_epoch != assignment_epoch_ || m.current.state != member_state::stable) {
      return "Reconciling";
    }
  }
  return "Stable";
}

std::string modern_group::assignor_name(const settings& s) const {
  std::map<std::string, int> votes;
  for (const auto& [id, m] : members_) {
    if (m.meta.server_assignor) ++votes[*m.meta.server_assignor];
  }
  std::string best;
  int most = 0;
  for (const auto& [name, n] : votes) {
    if (n > most) best = name, most = n;
  }
  if (!best.empty()) return best;
  return s.assignors.empty() ? "uniform" : s.assignors.front();
}

const member* modern_group::find_member(const std::string& member_id) const {
  auto it = members_.find(member_id);
  return it == members_.end() ? nullptr : &it->second;
}

const member* modern_group::find_static(const std::string& instance_id) const {
  for (const auto& [id, m] : members_) {
    if (m.meta.instance_id == instance_id) return &m;
  }
  return nullptr;
}

std::vector<std::string> modern_group::resolve(const member_metadata& m,
                                               const topic_partition_counts& topics) {
  std::set<std::string> out;
  for (const auto& t : m.subscribed_topic_names) {
    if (topics.count(t) != 0) out.insert(t);
  }
  if (m.subscribed_topic_regex && !m.subscribed_topic_regex->empty()) {
    if (auto re = compile(*m.subscribed_topic_regex)) {
      for (const auto& [t, n] : topics) {
        // Internal topics never match a pattern, as in Kafka.
        if (t.rfind("__", 0) != 0 && std::regex_match(t, *re)) out.insert(t);
      }
    }
  }
  return {out.begin(), out.end()};
}

topic_partition_counts modern_group::compute_subscription(
    const topic_partition_counts& topics) const {
  topic_partition_counts out;
  for (const auto& [id, m] : members_) {
    for (const auto& t : resolve(m.meta, topics)) out[t] = topics.at(t);
  }
  return out;
}

void modern_group::compute_target(const settings& s, const topic_partition_counts& topics) {
  assign_fn fn = find_assignor(assignor_name(s));
  if (fn == nullptr) fn = find_assignor("uniform");
  std::vector<member_spec> specs;
  for (const auto& [id, m] : members_) {
    member_spec spec;
    spec.member_id = id;
    spec.subscribed_topics = resolve(m.meta, topics);
    if (auto it = target_.find(id); it != target_.end()) spec.previous = it->second;
    specs.push_back(std::move(spec));
  }
  const group_assignment result = fn(specs, subscription_);
  target_.clear();
  for (const auto& [id, a] : result) {
    if (members_.count(id) == 0) continue;
    topic_assignment t = normalized(a);
    if (!t.empty()) target_[id] = std::move(t);
  }
  assignment_epoch_ = group_epoch_;
}

void modern_group::reconcile(const std::string& self,
                             const std::optional<topic_assignment>& owned) {
  current_assignment& c = members_.at(self).current;
  if (c.state == member_state::stable && c.member_epoch == assignment_epoch_) return;
  int32_t epoch = c.member_epoch;
  if (c.state == member_state::unrevoked_partitions) {
    if (owns_any(owned, c.pending_revocation)) return;  // still revoking
    epoch = c.member_epoch + 1;
  }
  static const topic_assignment none;
  auto tit = target_.find(self);
  const topic_assignment& target = tit == target_.end() ? none : tit->second;
  // Held by another member, as assigned or still being revoked.
  auto held_elsewhere = [&](const std::string& topic, int32_t p) {
    for (const auto& [id, other] : members_) {
      if (id == self) continue;
      if (holds(other.current.assigned, topic, p) ||
          holds(other.current.pending_revocation, topic, p)) {
        return true;
      }
    }
    return false;
  };
  std::set<std::string> topics;
  for (const auto& [t, p] : target) topics.insert(t);
  for (const auto& [t, p] : c.assigned) topics.insert(t);
  topic_assignment keep, revoke, add;
  bool unreleased = false;
  for (const auto& t : topics) {
    for (int32_t p : c.assigned.count(t) ? c.assigned.at(t) : std::vector<int32_t>{}) {
      (holds(target, t, p) ? keep : revoke)[t].push_back(p);
    }
    for (int32_t p : target.count(t) ? target.at(t) : std::vector<int32_t>{}) {
      if (holds(c.assigned, t, p)) continue;
      if (held_elsewhere(t, p)) {
        unreleased = true;
      } else {
        add[t].push_back(p);
      }
    }
  }
  if (!revoke.empty() && owns_any(owned, revoke)) {
    c.state = member_state::unrevoked_partitions;
    update_epoch(c, epoch);
    c.assigned = std::move(keep);
    c.pending_revocation = std::move(revoke);
    return;
  }
  for (auto& [t, parts] : add) {
    auto& v = keep[t];
    v.insert(v.end(), parts.begin(), parts.end());
  }
  c.state = unreleased ? member_state::unreleased_partitions : member_state::stable;
  update_epoch(c, assignment_epoch_);
  c.assigned = normalized(std::move(keep));
  c.pending_revocation.clear();
}

void modern_group::remove_member(const std::string& member_id) {
  members_.erase(member_id);
  target_.erase(member_id);
}

protocol::error_code modern_group::validate_offset_commit(const std::string& member_id,
                                                          int32_t member_epoch) const {
  // An admin or standalone commit (no member) to a group without members.
  if (member_epoch < 0 && members_.empty()) return error_code::none;
  const member* m = find_member(member_id);
  if (m == nullptr) return error_code::unknown_member_id;
  // Any other epoch is stale, newer or older (Kafka's validateMemberEpoch).
  return member_epoch == m->current.member_epoch ? error_code::none
                                                 : error_code::stale_member_epoch;
}

}  // namespace sluice::broker::consumer_group
