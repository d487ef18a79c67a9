// ConsumerGroupHeartbeat's logic (Kafka's consumerGroupHeartbeat): validate,
// find or create the member, update its subscription, bump the group epoch
// when the subscriptions or the subscribed topics changed, recompute the
// target assignment when the group epoch moved past it, reconcile the
// member. All of it on a copy of the group; the answer carries the records.
#include <algorithm>
#include <regex>

#include "broker/consumer_group/modern_group.h"

namespace sluice::broker::consumer_group {
namespace {

using protocol::error_code;

heartbeat_outcome failed(error_code e, std::string message) {
  heartbeat_outcome out;
  out.error = e;
  out.message = std::move(message);
  return out;
}

bool compiles(const std::string& pattern) {
  try {
    std::regex re(pattern, std::regex::ECMAScript);
    return true;
  } catch (const std::regex_error&) {
    return false;
  }
}

// Kafka's throwIfConsumerGroupHeartbeatRequestIsInvalid, as of 4.x: regex
// subscriptions are served.
std::optional<heartbeat_outcome> invalid(const heartbeat_input& in, const settings& s) {
  if (in.instance_id && in.instance_id->empty()) {
    return failed(error_code::invalid_request, "InstanceId can't be empty.");
  }
  if (in.rack_id && in.rack_id->empty()) {
    return failed(error_code::invalid_request, "RackId can't be empty.");
  }
  if (in.member_epoch > 0 || in.member_epoch == -1) {
    if (in.member_id.empty())
      return failed(error_code::invalid_request, "MemberId can't be empty.");
  } else if (in.member_epoch == 0) {
    if (in.rebalance_timeout_ms == -1) {
      return failed(error_code::invalid_request,
                    "RebalanceTimeoutMs must be provided in first request.");
    }
    if (in.owned && !in.owned->empty()) {
      return failed(error_code::invalid_request,
                    "TopicPartitions must be empty when (re-)joining.");
    }
    const bool names = in.subscribed_topic_names && !in.subscribed_topic_names->empty();
    const bool regex = in.subscribed_topic_regex && !in.subscribed_topic_regex->empty();
    if (!names && !regex) {
      return failed(error_code::invalid_request,
                    "SubscribedTopicNames or SubscribedTopicRegex must be set in first request.");
    }
  } else if (in.member_epoch == -2) {
    if (in.member_id.empty())
      return failed(error_code::invalid_request, "MemberId can't be empty.");
    if (!in.instance_id) return failed(error_code::invalid_request, "InstanceId can't be null.");
  } else {
    return failed(error_code::invalid_request, "MemberEpoch is invalid.");
  }
  if (in.server_assignor &&
      std::find(s.assignors.begin(), s.assignors.end(), *in.server_assignor) == s.assignors.end()) {
    std::string names;
    for (const auto& a : s.assignors) names += (names.empty() ? "" : ", ") + a;
    return failed(error_code::unsupported_assignor,
                  "ServerAssignor " + *in.server_assignor +
                      " is not supported. Supported assignors: " + names + ".");
  }
  if (in.subscribed_topic_regex && !in.subscribed_topic_regex->empty() &&
      !compiles(*in.subscribed_topic_regex)) {
    return failed(error_code::invalid_regular_expression,
                  "SubscribedTopicRegex " + *in.subscribed_topic_regex + " is not valid.");
  }
  return std::nullopt;
}

std::optional<heartbeat_outcome> epoch_invalid(const member& m, const heartbeat_input& in) {
  const int32_t known = m.current.member_epoch;
  if (in.member_epoch > known) {
    return failed(
        error_code::fenced_member_epoch,
        "The consumer group member has a greater member epoch (" + std::to_string(in.member_epoch) +
            ") than the one known by the group "
            "coordinator (" +
            std::to_string(known) + "). The member must abandon all its partitions and rejoin.");
  }
  if (in.member_epoch < known) {
    // The answer that bumped its epoch may have been lost: the previous
    // epoch is accepted while the member owns only partitions it still has.
    bool subset = in.owned.has_value();
    if (in.owned) {
      for (const auto& [t, parts] : *in.owned) {
        auto it = m.current.assigned.find(t);
        for (int32_t p : parts) {
          if (it == m.current.assigned.end() ||
              !std::binary_search(it->second.begin(), it->second.end(), p)) {
            subset = false;
          }
        }
      }
    }
    if (in.member_epoch != m.current.previous_member_epoch || !subset) {
      return failed(error_code::fenced_member_epoch,
                    "The consumer group member has a smaller member epoch (" +
                        std::to_string(in.member_epoch) +
                        ") than the one known by the group "
                        "coordinator (" +
                        std::to_string(known) +
                        "). The member must abandon all its partitions and rejoin.");
    }
  }
  return std::nullopt;
}

std::string generated_member_id(const std::string& group, int32_t epoch, size_t n) {
  // v0 clients may leave the id to the coordinator; unique within the group.
  return "sluice-" + group + "-" + std::to_string(epoch) + "-" + std::to_string(n);
}

}  // namespace

heartbeat_outcome modern_group::heartbeat(const heartbeat_input& in,
                                          const topic_partition_counts& topics, const settings& s,
                                          int64_t) const {
  if (auto bad = invalid(in, s)) return *bad;
  modern_group next = *this;

  // Leaving: -1 for good, -2 a static member that will come back.
  if (in.member_epoch < 0) {
    const member* m = find_member(in.member_id);
    if (m == nullptr && in.instance_id) m = find_static(*in.instance_id);
    if (m == nullptr) {
      return failed(error_code::unknown_member_id,
                    "Member " + in.member_id + " is not a member of group " + id_ + ".");
    }
    std::string id;
    for (const auto& [k, v] : members_) {
      if (&v == m) id = k;
    }
    if (in.instance_id && id != in.member_id) {
      return failed(error_code::fenced_instance_id, "Static member " + in.member_id +
                                                        " with instance id " + *in.instance_id +
                                                        " was fenced by member " + id + ".");
    }
    if (in.member_epoch == -2) {
      auto& c = next.members_.at(id).current;
      c.member_epoch = -2;
      c.pending_revocation.clear();
    } else {
      next.remove_member(id);
      next.group_epoch_ += 1;
    }
    heartbeat_outcome out;
    out.member_id = in.member_id;
    out.member_epoch = in.member_epoch;
    out.records = diff(next);
    return out;
  }

  std::string id = in.member_id;
  const member* known = nullptr;
  bool bump = false;
  if (in.member_epoch == 0) {
    if (id.empty()) id = generated_member_id(id_, group_epoch_, members_.size());
    const member* holder = in.instance_id ? find_static(*in.instance_id) : nullptr;
    const bool present = members_.count(id) != 0 || holder != nullptr;
    if (!present && static_cast<int64_t>(members_.size()) >= s.max_size) {
      return failed(error_code::group_max_size_reached,
                    "The consumer group has reached its maximum capacity of " +
                        std::to_string(s.max_size) + " members.");
    }
    if (holder != nullptr && holder != find_member(id)) {
      if (holder->current.member_epoch != -2) {
        return failed(error_code::unreleased_instance_id,
                      "Static member " + id + " with instance id " + *in.instance_id +
                          " cannot join the group because the instance id is owned by another "
                          "member.");
      }
      // The instance comes back under a new member id: it takes over the
      // old member's assignment, at epoch 0, without a new group epoch.
      std::string old_id;
      for (const auto& [k, v] : members_) {
        if (&v == holder) old_id = k;
      }
      member replaced = *holder;
      replaced.current.member_epoch = 0;
      replaced.current.previous_member_epoch = 0;
      auto target = next.target_.find(old_id);
      std::optional<topic_assignment> moved;
      if (target != next.target_.end()) moved = target->second;
      next.remove_member(old_id);
      next.members_[id] = std::move(replaced);
      if (moved) next.target_[id] = *moved;
      known = nullptr;
    } else if (auto it = next.members_.find(id); it != next.members_.end()) {
      // Rejoining under its id (after FENCED_MEMBER_EPOCH, or a lost
      // answer): it owns nothing now and reconciles from scratch.
      known = find_member(id);
      it->second.current = current_assignment{};
    } else {
      next.members_[id] = member{};
      bump = true;  // a new member
    }
  } else {
    const member* m = nullptr;
    if (in.instance_id) {
      m = find_static(*in.instance_id);
      if (m == nullptr) {
        return failed(error_code::unknown_member_id,
                      "Instance id " + *in.instance_id + " is unknown.");
      }
      if (m != find_member(id)) {
        return failed(error_code::fenced_instance_id, "Static member " + id + " with instance id " +
                                                          *in.instance_id +
                                                          " was fenced by another member.");
      }
    } else {
      m = find_member(id);
      if (m == nullptr) {
        return failed(error_code::unknown_member_id,
                      "Member " + id + " is not a member of group " + id_ + ".");
      }
    }
    if (auto bad = epoch_invalid(*m, in)) return *bad;
    known = m;
  }

  member& m = next.members_.at(id);
  member_metadata& meta = m.meta;
  if (in.instance_id) meta.instance_id = in.instance_id;
  if (in.rack_id) meta.rack_id = in.rack_id;
  if (in.rebalance_timeout_ms != -1) meta.rebalance_timeout_ms = in.rebalance_timeout_ms;
  if (in.server_assignor) meta.server_assignor = in.server_assignor;
  if (in.subscribed_topic_names) {
    std::vector<std::string> names = *in.subscribed_topic_names;
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    if (names != meta.subscribed_topic_names) bump = true;
    meta.subscribed_topic_names = std::move(names);
  }
  if (in.subscribed_topic_regex) {
    // An empty pattern clears the regex subscription.
    std::optional<std::string> regex;
    if (!in.subscribed_topic_regex->empty()) regex = in.subscribed_topic_regex;
    if (regex != meta.subscribed_topic_regex) bump = true;
    meta.subscribed_topic_regex = std::move(regex);
  }
  meta.client_id = in.client_id;
  meta.client_host = in.client_host;

  // The subscribed topics' partition counts, including topics a regex now
  // matches: re-evaluated on every heartbeat (Kafka refreshes them
  // periodically), so a new topic or new partitions move the group epoch.
  topic_partition_counts subscription = next.compute_subscription(topics);
  if (subscription != next.subscription_) {
    next.subscription_ = std::move(subscription);
    bump = true;
  }
  if (bump) next.group_epoch_ += 1;
  if (next.group_epoch_ > next.assignment_epoch_) next.compute_target(s, topics);
  next.reconcile(id, in.owned);

  heartbeat_outcome out;
  out.member_id = id;
  out.member_epoch = m.current.member_epoch;
  const bool names_or_regex = in.subscribed_topic_names || in.subscribed_topic_regex;
  const bool full =
      in.member_epoch == 0 || (in.rebalance_timeout_ms != -1 && names_or_regex && in.owned);
  if (full || known == nullptr || known->current.assigned != m.current.assigned) {
    out.assignment = m.current.assigned;
  }
  out.records = diff(next);
  return out;
}

std::vector<cg_record> modern_group::expire(int64_t now_ms, const settings& s) const {
  modern_group next = *this;
  bool fenced = false;
  for (const auto& [id, m] : members_) {
    const bool session =
        m.last_heartbeat_ms >= 0 && now_ms - m.last_heartbeat_ms > s.session_timeout_ms;
    const bool revocation = m.revocation_deadline_ms >= 0 && now_ms > m.revocation_deadline_ms;
    if (session || revocation) {
      next.remove_member(id);
      fenced = true;
    }
  }
  if (!fenced) return {};
  next.group_epoch_ += 1;
  return diff(next);
}

}  // namespace sluice::broker::consumer_group
