#include "broker/group/group.h"

#include <spdlog/spdlog.h>
#include <algorithm>
#include <stdexcept>

#include "protocol/consumer_protocol.h"

namespace sluice::broker::group {

using protocol::error_code;

const char* state_name(group_state s) {
  switch (s) {
    case group_state::empty:
      return "Empty";
    case group_state::preparing_rebalance:
      return "PreparingRebalance";
    case group_state::completing_rebalance:
      return "CompletingRebalance";
    case group_state::stable:
      return "Stable";
    case group_state::dead:
      return "Dead";
  }
  return "Unknown";
}

namespace {
// Kafka's valid transitions (GroupMetadata.validPreviousStates).
bool allowed(group_state from, group_state to) {
  using enum group_state;
  switch (to) {
    case preparing_rebalance:
      return from == stable || from == completing_rebalance || from == empty;
    case completing_rebalance:
      return from == preparing_rebalance;
    case stable:
      return from == completing_rebalance;
    case empty:
      return from == preparing_rebalance;
    case dead:
      return from != dead;
  }
  return false;
}
}  // namespace

consumer_group::consumer_group(std::string id, group_settings settings, timer_factory timers,
                               const clock_source& clock)
    : id_(std::move(id)), settings_(settings), timers_(std::move(timers)), clock_(clock) {}

void consumer_group::transition(group_state to) {
  if (!allowed(state_, to)) {
    // A coordinator bug, not a client error: never continue in an unknown state.
    throw std::logic_error(std::string("group transition ") + state_name(state_) + " -> " +
                           state_name(to));
  }
  spdlog::debug("event=group_state group={} from={} to={} generation={}", id_, state_name(state_),
                state_name(to), generation_);
  state_ = to;
  state_since_ms_ = clock_.wall_clock_ms();
}

std::string consumer_group::new_member_id(const std::string& client_id) {
  return (client_id.empty() ? std::string("member") : client_id) + "-" +
         std::to_string(generation_) + "-" + std::to_string(next_member_++) + "-" +
         std::to_string(clock_.steady_now().time_since_epoch().count() % 1000000007);
}

bool consumer_group::supports(const protocol::join_group_request& req,
                              const std::string& except) const {
  if (req.protocols.empty() || req.protocol_type.empty()) return false;
  const bool alone = members_.empty() || (members_.size() == 1 && members_.count(except) == 1);
  if (alone) return true;
  if (req.protocol_type != protocol_type_) return false;
  // Some protocol of the request must be supported by every other member.
  for (const auto& p : req.protocols) {
    bool all = std::all_of(members_.begin(), members_.end(), [&](const auto& kv) {
      return kv.first == except ||
             std::any_of(kv.second.protocols.begin(), kv.second.protocols.end(),
                         [&](const auto& q) { return q.name == p.name; });
    });
    if (all) return true;
  }
  return false;
}

std::string consumer_group::select_protocol() const {
  // Kafka: each member votes for its most preferred protocol among those all
  // support; the most votes wins. Candidates in the leader's order break ties.
  std::vector<std::string> candidates;
  for (const auto& p : members_.begin()->second.protocols) {
    bool all = std::all_of(members_.begin(), members_.end(), [&](const auto& kv) {
      return std::any_of(kv.second.protocols.begin(), kv.second.protocols.end(),
                         [&](const auto& q) { return q.name == p.name; });
    });
    if (all) candidates.push_back(p.name);
  }
  std::map<std::string, int> votes;
  for (const auto& [id, m] : members_) {
    for (const auto& p : m.protocols) {
      if (std::find(candidates.begin(), candidates.end(), p.name) != candidates.end()) {
        ++votes[p.name];
        break;
      }
    }
  }
  std::string best;
  int most = -1;
  for (const auto& c : candidates) {
    if (votes[c] > most) {
      most = votes[c];
      best = c;
    }
  }
  return best;
}

void consumer_group::touch(member& m) {
  const std::string id = m.id;
  m.session_timer = timers_(std::chrono::milliseconds(m.session_timeout_ms), [this, id] {
    auto it = members_.find(id);
    if (it == members_.end()) return;
    // A member parked in JoinGroup is covered by the rebalance timeout.
    if (it->second.awaiting_join) return touch(it->second);
    spdlog::info("event=group_member_expired group={} member={}", id_, id);
    remove_member(id);
  });
}

void consumer_group::join(const protocol::join_group_request& req, int16_t version,
                          const std::string& client_id, join_callback done,
                          const std::string& client_host) {
  // The join that changes membership stores it; a rejoin refreshes it.
  auto remember_host = [&](const std::string& member_id) {
    if (auto it = members_.find(member_id); it != members_.end() && !client_host.empty())
      it->second.client_host = client_host;
  };
  auto fail = [&](error_code e, std::string member_id = {}) {
    protocol::join_group_response r;
    r.error_code = e;
    r.member_id = std::move(member_id);
    done(std::move(r));
  };
  if (state_ == group_state::dead) return fail(error_code::coordinator_not_available);
  if (req.session_timeout_ms < settings_.min_session_timeout_ms ||
      req.session_timeout_ms > settings_.max_session_timeout_ms) {
    return fail(error_code::invalid_session_timeout);
  }
  if (req.member_id.empty()) {
    if (req.group_instance_id && static_members_.count(*req.group_instance_id)) {
      replace_static_member(req, version, client_id, std::move(done));
      return remember_host(static_members_[*req.group_instance_id]);
    }
    if (!supports(req)) return fail(error_code::inconsistent_group_protocol);
    std::string id = new_member_id(client_id);
    // Static members skip the MEMBER_ID_REQUIRED round trip (Kafka does too):
    // their instance id already identifies them.
    if (version >= 4 && !req.group_instance_id) {
      add_pending_member(id, req.session_timeout_ms);
      return fail(error_code::member_id_required, id);
    }
    add_member(req, id, client_id, std::move(done));
    return remember_host(id);
  }
  if (fenced(req.member_id, req.group_instance_id))
    return fail(error_code::fenced_instance_id, req.member_id);
  if (pending_members_.erase(req.member_id) > 0) {
    if (!supports(req)) return fail(error_code::inconsistent_group_protocol);
    add_member(req, req.member_id, client_id, std::move(done));
    return remember_host(req.member_id);
  }
  auto it = members_.find(req.member_id);
  if (it == members_.end()) return fail(error_code::unknown_member_id, req.member_id);
  member& back = it->second;
  if (!supports(req, req.member_id))
    return fail(error_code::inconsistent_group_protocol, req.member_id);
  const bool same = back.protocols == req.protocols;
  back.client_id = client_id;
  remember_host(req.member_id);
  back.session_timeout_ms = req.session_timeout_ms;
  back.rebalance_timeout_ms =
      req.rebalance_timeout_ms < 0 ? req.session_timeout_ms : req.rebalance_timeout_ms;
  back.protocols = req.protocols;
  touch(back);
  switch (state_) {
    case group_state::preparing_rebalance:
      back.awaiting_join = std::move(done);
      return try_complete_join();
    case group_state::completing_rebalance:
    case group_state::stable:
      if (same && (state_ == group_state::completing_rebalance || req.member_id != leader_)) {
        return done(join_answer(back));
      }
      back.awaiting_join = std::move(done);
      return prepare_rebalance();
    default:
      return fail(error_code::unknown_member_id, req.member_id);
  }
}

void consumer_group::add_member(const protocol::join_group_request& req,
                                const std::string& member_id, const std::string& client_id,
                                join_callback done) {
  if (members_.empty()) protocol_type_ = req.protocol_type;
  member& m = members_[member_id];
  m.id = member_id;
  m.group_instance_id = req.group_instance_id;
  if (m.group_instance_id) static_members_[*m.group_instance_id] = member_id;
  m.client_id = client_id;
  m.session_timeout_ms = req.session_timeout_ms;
  m.rebalance_timeout_ms =
      req.rebalance_timeout_ms < 0 ? req.session_timeout_ms : req.rebalance_timeout_ms;
  m.protocols = req.protocols;
  m.awaiting_join = std::move(done);
  touch(m);
  if (state_ == group_state::preparing_rebalance) return try_complete_join();
  prepare_rebalance();
}

void consumer_group::prepare_rebalance() {
  if (state_ == group_state::completing_rebalance) {
    for (auto& [id, m] : members_) {
      if (m.awaiting_sync) {
        protocol::sync_group_response r;
        r.error_code = error_code::rebalance_in_progress;
        std::exchange(m.awaiting_sync, nullptr)(std::move(r));
      }
    }
  }
  const bool initial = state_ == group_state::empty;
  transition(group_state::preparing_rebalance);
  int64_t delay = 0;
  for (const auto& [id, m] : members_) delay = std::max<int64_t>(delay, m.rebalance_timeout_ms);
  initial_delay_ = initial;
  if (initial) delay = std::min<int64_t>(delay, settings_.initial_rebalance_delay_ms);
  join_timer_ = timers_(std::chrono::milliseconds(delay), [this] {
    initial_delay_ = false;
    complete_join();
  });
  try_complete_join();
}

void consumer_group::try_complete_join() {
  if (state_ != group_state::preparing_rebalance || initial_delay_) return;
  const bool all = std::all_of(members_.begin(), members_.end(), [](const auto& kv) {
    return static_cast<bool>(kv.second.awaiting_join);
  });
  if (all && pending_members_.empty()) complete_join();
}

void consumer_group::complete_join() {
  if (state_ != group_state::preparing_rebalance) return;
  join_timer_.reset();
  // Dynamic members that did not rejoin in time are out; static ones stay
  // until their session timeout (they may be restarting).
  for (auto it = members_.begin(); it != members_.end();) {
    if (!it->second.awaiting_join && !it->second.group_instance_id) {
      spdlog::info("event=group_member_removed group={} member={} reason=no_rejoin", id_,
                   it->first);
      it = members_.erase(it);
    } else {
      ++it;
    }
  }
  const auto joined = [](const auto& kv) { return static_cast<bool>(kv.second.awaiting_join); };
  if (!members_.empty() && std::none_of(members_.begin(), members_.end(), joined)) {
    // Only static members that have not rejoined: nobody to answer yet, so
    // the round stays open for another rebalance timeout (as Kafka).
    int64_t delay = 0;
    for (const auto& [id, m] : members_) delay = std::max<int64_t>(delay, m.rebalance_timeout_ms);
    join_timer_ = timers_(std::chrono::milliseconds(delay), [this] { complete_join(); });
    return;
  }
  ++generation_;
  if (members_.empty()) {
    leader_.clear();
    protocol_.clear();
    transition(group_state::empty);
    persist();
    return;
  }
  if (auto l = members_.find(leader_); l == members_.end() || !l->second.awaiting_join) {
    leader_ = std::find_if(members_.begin(), members_.end(), joined)->first;
  }
  protocol_ = select_protocol();
  transition(group_state::completing_rebalance);
  spdlog::info("event=group_rebalanced group={} generation={} members={} protocol={}", id_,
               generation_, members_.size(), protocol_);
  for (auto& [id, m] : members_) {
    m.assignment.clear();
    if (!m.awaiting_join) continue;  // a static member still away
    auto answer = join_answer(m);
    touch(m);
    std::exchange(m.awaiting_join, nullptr)(std::move(answer));
  }
}

void consumer_group::add_pending_member(const std::string& id, int32_t session_timeout_ms) {
  pending_members_[id] = timers_(std::chrono::milliseconds(session_timeout_ms), [this, id] {
    spdlog::info("event=group_pending_member_expired group={} member={}", id_, id);
    pending_members_.erase(id);  // destroys this timer's handle: nothing below touches it
    try_complete_join();
  });
}

protocol::join_group_response consumer_group::join_answer(const member& m) const {
  protocol::join_group_response r;
  r.generation_id = generation_;
  r.protocol_type = protocol_type_;
  r.protocol_name = protocol_;
  r.leader = leader_;
  r.member_id = m.id;
  if (m.id == leader_) {
    for (const auto& [id, other] : members_) {
      auto& rm = r.members.emplace_back();
      rm.member_id = id;
      rm.group_instance_id = other.group_instance_id;
      for (const auto& p : other.protocols) {
        if (p.name == protocol_) rm.metadata = p.metadata;
      }
    }
  }
  return r;
}

void consumer_group::sync(const protocol::sync_group_request& req, sync_callback done) {
  protocol::sync_group_response r;
  auto it = members_.find(req.member_id);
  if (state_ == group_state::dead)
    r.error_code = error_code::coordinator_not_available;
  else if (fenced(req.member_id, req.group_instance_id))
    r.error_code = error_code::fenced_instance_id;
  else if (it == members_.end())
    r.error_code = error_code::unknown_member_id;
  else if (req.generation_id != generation_)
    r.error_code = error_code::illegal_generation;
  else if ((req.protocol_type && *req.protocol_type != protocol_type_) ||
           (req.protocol_name && *req.protocol_name != protocol_))
    r.error_code = error_code::inconsistent_group_protocol;  // v5+ names them
  else if (state_ == group_state::preparing_rebalance)
    r.error_code = error_code::rebalance_in_progress;
  if (r.error_code != error_code::none || state_ == group_state::empty) {
    if (r.error_code == error_code::none) r.error_code = error_code::unknown_member_id;
    return done(std::move(r));
  }
  member& m = it->second;
  touch(m);
  if (state_ == group_state::stable) {
    r.protocol_type = protocol_type_;
    r.protocol_name = protocol_;
    r.assignment = m.assignment;
    return done(std::move(r));
  }
  // CompletingRebalance.
  m.awaiting_sync = std::move(done);
  if (req.member_id != leader_) return;
  for (const auto& a : req.assignments) {
    if (auto mi = members_.find(a.member_id); mi != members_.end())
      mi->second.assignment = a.assignment;
  }
  if (persisting_generation_ == generation_) return;  // a repeated sync of the leader
  persisting_generation_ = generation_;
  // As Kafka: the assignments are handed out only once they are durable.
  persist([this, alive = std::weak_ptr<int>(alive_), gen = generation_](std::error_code ec) {
    if (!alive.expired()) complete_sync(gen, ec);
  });
}

void consumer_group::complete_sync(int32_t gen, std::error_code ec) {
  // A new round since then has answered the parked members already.
  if (state_ != group_state::completing_rebalance || generation_ != gen) return;
  persisting_generation_ = -1;
  if (ec) {
    spdlog::warn("event=group_assignment_not_stored group={} generation={} error=\"{}\"", id_, gen,
                 ec.message());
    for (auto& [id, mm] : members_) {
      if (!mm.awaiting_sync) continue;
      protocol::sync_group_response r;
      r.error_code = error_code::coordinator_not_available;
      std::exchange(mm.awaiting_sync, nullptr)(std::move(r));
    }
    return prepare_rebalance();
  }
  transition(group_state::stable);
  for (auto& [id, mm] : members_) {
    if (!mm.awaiting_sync) continue;
    protocol::sync_group_response ok;
    ok.protocol_type = protocol_type_;
    ok.protocol_name = protocol_;
    ok.assignment = mm.assignment;
    std::exchange(mm.awaiting_sync, nullptr)(std::move(ok));
  }
}

error_code consumer_group::heartbeat(const protocol::heartbeat_request& req) {
  if (state_ == group_state::dead) return error_code::coordinator_not_available;
  if (fenced(req.member_id, req.group_instance_id)) return error_code::fenced_instance_id;
  auto it = members_.find(req.member_id);
  if (it == members_.end()) return error_code::unknown_member_id;
  if (req.generation_id != generation_) return error_code::illegal_generation;
  touch(it->second);
  if (state_ == group_state::preparing_rebalance) return error_code::rebalance_in_progress;
  return error_code::none;
}

error_code consumer_group::leave(const std::string& requested_id,
                                 const std::optional<std::string>& instance_id) {
  if (state_ == group_state::dead) return error_code::coordinator_not_available;
  std::string member_id = requested_id;
  if (instance_id) {
    auto s = static_members_.find(*instance_id);
    if (s == static_members_.end()) return error_code::unknown_member_id;
    if (!member_id.empty() && s->second != member_id) return error_code::fenced_instance_id;
    member_id = s->second;
  }
  if (pending_members_.erase(member_id) > 0) {
    try_complete_join();
    return error_code::none;
  }
  if (!members_.count(member_id)) return error_code::unknown_member_id;
  spdlog::info("event=group_member_left group={} member={}", id_, member_id);
  remove_member(member_id);
  return error_code::none;
}

void consumer_group::remove_member(const std::string& member_id) {
  auto it = members_.find(member_id);
  if (it == members_.end()) return;
  member m = std::move(it->second);
  members_.erase(it);
  if (m.group_instance_id) {
    auto s = static_members_.find(*m.group_instance_id);
    if (s != static_members_.end() && s->second == member_id) static_members_.erase(s);
  }
  if (m.awaiting_join) {
    protocol::join_group_response r;
    r.error_code = error_code::unknown_member_id;
    m.awaiting_join(std::move(r));
  }
  if (m.awaiting_sync) {
    protocol::sync_group_response r;
    r.error_code = error_code::unknown_member_id;
    m.awaiting_sync(std::move(r));
  }
  if (member_id == leader_) leader_.clear();
  switch (state_) {
    case group_state::stable:
    case group_state::completing_rebalance:
      prepare_rebalance();
      break;
    case group_state::preparing_rebalance:
      if (members_.empty())
        complete_join();
      else
        try_complete_join();
      break;
    default:
      break;
  }
}

error_code consumer_group::validate_commit(int32_t generation, const std::string& member_id,
                                           const std::optional<std::string>& instance_id) const {
  // Kafka's order (ClassicGroup.validateOffsetCommit).
  if (state_ == group_state::dead) return error_code::coordinator_not_available;
  if (generation < 0 && state_ == group_state::empty) return error_code::none;
  if (generation >= 0 || !member_id.empty() || instance_id) {
    if (fenced(member_id, instance_id)) return error_code::fenced_instance_id;
    if (!members_.count(member_id)) return error_code::unknown_member_id;
    if (generation != generation_) return error_code::illegal_generation;
  } else if (state_ != group_state::empty) {
    return error_code::unknown_member_id;  // v0 (no member, no generation): only while Empty
  }
  if (state_ == group_state::completing_rebalance) return error_code::rebalance_in_progress;
  return error_code::none;
}

error_code consumer_group::remove() {
  if (state_ == group_state::dead) return error_code::group_id_not_found;
  if (state_ != group_state::empty) return error_code::non_empty_group;
  transition(group_state::dead);
  return error_code::none;
}

bool consumer_group::subscribes_to(std::string_view topic) const {
  for (const auto& [id, m] : members_) {
    for (const auto& p : m.protocols) {
      protocol::consumer_protocol_subscription sub;
      if (protocol::decode_consumer_protocol_subscription(p.metadata, sub)) return true;
      for (const auto& t : sub.topics) {
        if (t == topic) return true;
      }
    }
  }
  return false;
}

}  // namespace sluice::broker::group
