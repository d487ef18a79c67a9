#include "client/group_member.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "client/admin.h"
#include "protocol/consumer_protocol.h"
#include "protocol/messages/heartbeat.h"
#include "protocol/messages/join_group.h"
#include "protocol/messages/leave_group.h"
#include "protocol/messages/offset_commit.h"
#include "protocol/messages/offset_fetch.h"
#include "protocol/messages/sync_group.h"

namespace sluice::client {
namespace asio = boost::asio;
using protocol::error_code;
using clock = std::chrono::steady_clock;
namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
// JoinGroup round trips before join() gives up (each may wait a rebalance out).
constexpr int max_join_attempts = 10;

bool coordinator_moved(error_code e) {
  return e == error_code::not_coordinator || e == error_code::coordinator_not_available ||
         e == error_code::network_exception || e == error_code::request_timed_out;
}

}  // namespace

// Runs on the cluster's executor; owns the underlying consumer and a
// connection of its own to the coordinator, whose request timeout covers a
// whole rebalance (JoinGroup is answered only when the group has re-formed).
class group_member::impl {
 public:
  impl(cluster& c, group_config config)
      : cluster_(c), config_(std::move(config)), consumer_(c, config_.fetch) {}

  awaitable<result<void>> ensure_coordinator();
  awaitable<result<void>> join();
  awaitable<result<void>> heartbeat();
  awaitable<result<void>> commit(std::map<topic_partition, int64_t> offsets);
  awaitable<result<void>> revoke();
  awaitable<result<std::map<std::string, std::vector<std::byte>>>> leader_assign(
      const protocol::join_group_response& joined);
  awaitable<result<void>> take_assignment(std::vector<topic_partition> partitions);
  std::map<topic_partition, int64_t> positions() const;

  cluster& cluster_;
  group_config config_;
  client::consumer consumer_;
  std::vector<std::string> topics_;
  std::string member_id_;
  int32_t generation_ = -1;
  bool needs_join_ = true;
  std::vector<topic_partition> assignment_;
  std::shared_ptr<connection> coordinator_;
  clock::time_point last_heartbeat_{};
  clock::time_point last_commit_ = clock::now();
  partitions_callback on_assigned_;
  partitions_callback on_revoked_;
};

group_member::group_member(cluster& c, group_config config)
    : impl_(std::make_unique<impl>(c, std::move(config))) {}
group_member::~group_member() = default;

void group_member::subscribe(std::vector<std::string> topics) {
  std::ranges::sort(topics);
  if (topics != impl_->topics_) impl_->needs_join_ = true;
  impl_->topics_ = std::move(topics);
}
void group_member::on_assigned(partitions_callback cb) { impl_->on_assigned_ = std::move(cb); }
void group_member::on_revoked(partitions_callback cb) { impl_->on_revoked_ = std::move(cb); }
std::vector<topic_partition> group_member::assignment() const { return impl_->assignment_; }
const std::string& group_member::member_id() const noexcept { return impl_->member_id_; }
int32_t group_member::generation() const noexcept { return impl_->generation_; }
client::consumer& group_member::consumer() { return impl_->consumer_; }

awaitable<result<void>> group_member::impl::ensure_coordinator() {
  if (coordinator_ && coordinator_->is_open()) co_return result<void>{};
  admin a(cluster_);
  std::optional<client_error> last;
  for (int attempt = 0; attempt <= cluster_.config().retries; ++attempt) {
    auto found = co_await a.find_coordinator(config_.group_id);
    if (found) {
      auto cfg = cluster_.config();
      cfg.request_timeout =
          std::max(cfg.request_timeout, config_.rebalance_timeout + std::chrono::seconds(5));
      broker_address address{found->host, static_cast<uint16_t>(found->port)};
      auto conn = co_await connection::connect(cluster_.executor(), address, found->node_id, cfg);
      if (conn) {
        coordinator_ = std::move(*conn);
        co_return result<void>{};
      }
      last = conn.error();
    } else {
      last = found.error();
      if (!last->retriable()) break;
    }
    asio::steady_timer pause(cluster_.executor(), cluster_.config().retry_backoff);
    co_await pause.async_wait(use_tuple);
  }
  co_return *last;
}

std::map<topic_partition, int64_t> group_member::impl::positions() const {
  std::map<topic_partition, int64_t> out;
  for (auto& tp : assignment_)
    if (auto p = consumer_.position(tp)) out[tp] = *p;
  return out;
}

awaitable<result<void>> group_member::impl::commit(std::map<topic_partition, int64_t> offsets) {
  if (offsets.empty()) co_return result<void>{};
  if (auto c = co_await ensure_coordinator(); !c) co_return c;
  protocol::offset_commit_request request;
  request.group_id = config_.group_id;
  request.generation_id = generation_;
  request.member_id = member_id_;
  for (auto& [tp, offset] : offsets) {
    if (request.topics.empty() || request.topics.back().name != tp.topic)
      request.topics.push_back({tp.topic, {}});
    protocol::offset_commit_request::offset_commit_request_partition p;
    p.partition_index = tp.partition;
    p.committed_offset = offset;
    request.topics.back().partitions.push_back(p);
  }
  auto response = co_await coordinator_->call(request);
  if (!response) co_return std::move(response).error();
  last_commit_ = clock::now();
  for (auto& t : response->topics)
    for (auto& p : t.partitions)
      if (p.error_code != error_code::none) {
        if (p.error_code == error_code::rebalance_in_progress ||
            p.error_code == error_code::illegal_generation ||
            p.error_code == error_code::unknown_member_id)
          needs_join_ = true;
        co_return make_error(p.error_code, "commit for group '" + config_.group_id + "' topic '" +
                                               t.name + "' partition " +
                                               std::to_string(p.partition_index));
      }
  co_return result<void>{};
}

awaitable<result<void>> group_member::impl::revoke() {
  if (assignment_.empty()) co_return result<void>{};
  if (on_revoked_) on_revoked_(assignment_);
  result<void> committed;
  if (config_.enable_auto_commit && generation_ >= 0) committed = co_await commit(positions());
  consumer_.unassign();
  assignment_.clear();
  // A failed commit during a rebalance is expected (the generation moved on);
  // records since the last commit are then read again by the next owner.
  (void)committed;
  co_return result<void>{};
}

awaitable<result<std::map<std::string, std::vector<std::byte>>>> group_member::impl::leader_assign(
    const protocol::join_group_response& joined) {
  subscriptions_map subscriptions;
  std::vector<std::string> all_topics;
  for (auto& m : joined.members) {
    protocol::consumer_protocol_subscription sub;
    if (auto ec = protocol::decode_consumer_protocol_subscription(m.metadata, sub))
      co_return make_error(
          error_code::inconsistent_group_protocol,
          "member " + m.member_id + " sent an unreadable subscription: " + ec.message());
    subscriptions[m.member_id] = sub.topics;
    all_topics.insert(all_topics.end(), sub.topics.begin(), sub.topics.end());
  }
  std::ranges::sort(all_topics);
  all_topics.erase(std::unique(all_topics.begin(), all_topics.end()), all_topics.end());
  if (auto r = co_await cluster_.refresh_metadata(all_topics); !r) co_return std::move(r).error();
  std::map<std::string, int32_t> counts;
  for (auto& t : all_topics) {
    auto it = cluster_.topics().find(t);
    if (it != cluster_.topics().end() && it->second.error == error_code::none)
      counts[t] = static_cast<int32_t>(it->second.partitions.size());
  }
  const std::string chosen = joined.protocol_name.value_or("");
  auto kind = parse_assignor(chosen);
  if (!kind)
    co_return make_error(error_code::inconsistent_group_protocol,
                         "the group chose assignor '" + chosen + "'");
  std::map<std::string, std::vector<std::byte>> out;
  for (auto& [member, tps] : assign(*kind, subscriptions, counts)) {
    protocol::consumer_protocol_assignment a;
    for (auto& tp : tps) {
      if (a.assigned_partitions.empty() || a.assigned_partitions.back().topic != tp.topic)
        a.assigned_partitions.push_back({tp.topic, {}});
      a.assigned_partitions.back().partitions.push_back(tp.partition);
    }
    if (auto ec = protocol::encode_consumer_protocol_assignment(a, 0, out[member]))
      co_return make_error(error_code::invalid_request,
                           "cannot encode an assignment: " + ec.message());
  }
  co_return out;
}

awaitable<result<void>> group_member::impl::take_assignment(
    std::vector<topic_partition> partitions) {
  std::vector<partition_assignment> starts;
  if (!partitions.empty()) {
    protocol::offset_fetch_request request;
    request.group_id = config_.group_id;
    for (auto& tp : partitions) {
      if (request.topics->empty() || request.topics->back().name != tp.topic)
        request.topics->push_back({tp.topic, {}});
      request.topics->back().partition_indexes.push_back(tp.partition);
    }
    // v9: a classic member sends no member id and epoch -1 (KIP-848 only).
    request.groups.push_back({config_.group_id, std::nullopt, -1, request.topics});  // v8+
    auto response = co_await coordinator_->call(request);
    if (!response) co_return std::move(response).error();
    auto group = protocol::single_group(*response, config_.group_id);
    if (group.error_code != error_code::none)
      co_return make_error(group.error_code, "OffsetFetch for group '" + config_.group_id + "'");
    std::map<topic_partition, int64_t> committed;
    for (auto& t : group.topics)
      for (auto& p : t.partitions)
        if (p.error_code == error_code::none && p.committed_offset >= 0)
          committed[{t.name, p.partition_index}] = p.committed_offset;
    for (auto& tp : partitions) {
      auto it = committed.find(tp);
      if (it != committed.end()) {
        starts.push_back({tp, start_position::at(it->second)});
      } else if (config_.auto_offset_reset == offset_reset::none) {
        co_return make_error(error_code::offset_out_of_range,
                             "group '" + config_.group_id +
                                 "' has no committed offset for topic '" + tp.topic +
                                 "' partition " + std::to_string(tp.partition));
      } else {
        starts.push_back({tp, config_.auto_offset_reset == offset_reset::earliest
                                  ? start_position::earliest()
                                  : start_position::latest()});
      }
    }
  }
  if (auto r = co_await consumer_.assign(std::move(starts)); !r) co_return r;
  assignment_ = std::move(partitions);
  if (on_assigned_) on_assigned_(assignment_);
  co_return result<void>{};
}

awaitable<result<void>> group_member::impl::join() {
  if (auto r = co_await revoke(); !r) co_return r;
  std::optional<client_error> last;
  for (int attempt = 0; attempt < max_join_attempts; ++attempt) {
    if (last) {
      asio::steady_timer pause(cluster_.executor(), cluster_.config().retry_backoff);
      co_await pause.async_wait(use_tuple);
    }
    if (auto c = co_await ensure_coordinator(); !c) co_return c;
    protocol::join_group_request request;
    request.group_id = config_.group_id;
    request.session_timeout_ms = static_cast<int32_t>(config_.session_timeout.count());
    request.rebalance_timeout_ms = static_cast<int32_t>(config_.rebalance_timeout.count());
    request.member_id = member_id_;
    request.protocol_type = std::string(protocol::consumer_protocol_type);
    protocol::consumer_protocol_subscription sub;
    sub.topics = topics_;
    std::vector<std::byte> metadata;
    if (auto ec = protocol::encode_consumer_protocol_subscription(sub, 0, metadata))
      co_return make_error(error_code::invalid_request,
                           "cannot encode a subscription: " + ec.message());
    for (auto a : config_.assignors)
      request.protocols.push_back({std::string(assignor_name(a)), metadata});
    auto joined = co_await coordinator_->call(request);
    if (!joined) {
      last = joined.error();
      if (coordinator_moved(last->code)) coordinator_.reset();
      if (!last->retriable()) co_return *last;
      continue;
    }
    const auto e = joined->error_code;
    if (e == error_code::member_id_required) {  // KIP-394: rejoin with the id given
      member_id_ = joined->member_id;
      last.reset();
      continue;
    }
    if (e == error_code::unknown_member_id || e == error_code::illegal_generation) {
      member_id_.clear();
      last = make_error(e, "group '" + config_.group_id + "'");
      continue;
    }
    if (e != error_code::none) {
      last = make_error(e, "JoinGroup for group '" + config_.group_id + "'");
      if (coordinator_moved(e)) coordinator_.reset();
      if (!protocol::is_retriable(e) && e != error_code::rebalance_in_progress) co_return *last;
      continue;
    }
    member_id_ = joined->member_id;
    generation_ = joined->generation_id;
    protocol::sync_group_request sync;
    sync.group_id = config_.group_id;
    sync.generation_id = generation_;
    sync.member_id = member_id_;
    if (joined->leader == member_id_) {
      auto plan = co_await leader_assign(*joined);
      if (!plan) co_return std::move(plan).error();
      for (auto& [member, bytes] : *plan) sync.assignments.push_back({member, std::move(bytes)});
    }
    auto synced = co_await coordinator_->call(sync);
    if (!synced) {
      last = synced.error();
      if (coordinator_moved(last->code)) coordinator_.reset();
      continue;
    }
    if (synced->error_code != error_code::none) {
      last = make_error(synced->error_code, "SyncGroup for group '" + config_.group_id + "'");
      if (synced->error_code == error_code::unknown_member_id) member_id_.clear();
      continue;
    }
    std::vector<topic_partition> mine;
    if (!synced->assignment.empty()) {
      protocol::consumer_protocol_assignment a;
      if (auto ec = protocol::decode_consumer_protocol_assignment(synced->assignment, a))
        co_return make_error(error_code::inconsistent_group_protocol,
                             "unreadable assignment: " + ec.message());
      for (auto& t : a.assigned_partitions)
        for (int32_t p : t.partitions) mine.push_back({t.topic, p});
    }
    std::ranges::sort(mine);
    needs_join_ = false;
    last_heartbeat_ = clock::now();
    co_return co_await take_assignment(std::move(mine));
  }
  co_return *last;
}

awaitable<result<void>> group_member::impl::heartbeat() {
  if (auto c = co_await ensure_coordinator(); !c) co_return c;
  protocol::heartbeat_request request;
  request.group_id = config_.group_id;
  request.generation_id = generation_;
  request.member_id = member_id_;
  auto response = co_await coordinator_->call(request);
  last_heartbeat_ = clock::now();
  if (!response) {
    if (coordinator_moved(response.error().code)) coordinator_.reset();
    co_return std::move(response).error();
  }
  switch (response->error_code) {
    case error_code::none:
      break;
    case error_code::rebalance_in_progress:
      needs_join_ = true;
      break;
    case error_code::unknown_member_id:
    case error_code::fenced_instance_id:
      member_id_.clear();
      [[fallthrough]];
    case error_code::illegal_generation:
      needs_join_ = true;
      break;
    case error_code::not_coordinator:
    case error_code::coordinator_not_available:
      coordinator_.reset();
      break;
    default:
      co_return make_error(response->error_code, "Heartbeat for group '" + config_.group_id + "'");
  }
  co_return result<void>{};
}

awaitable<result<std::vector<consumer_record>>> group_member::poll(
    std::chrono::milliseconds timeout) {
  auto& m = *impl_;
  if (m.config_.group_id.empty())
    co_return make_error(error_code::invalid_group_id, "group_config.group_id is empty");
  if (m.topics_.empty())
    co_return make_error(error_code::invalid_request, "subscribe() to at least one topic first");
  const auto deadline = clock::now() + timeout;
  while (true) {
    if (m.needs_join_) {
      if (auto r = co_await m.join(); !r) {
        if (!r.error().retriable()) co_return std::move(r).error();
        m.needs_join_ = true;
      }
    }
    if (clock::now() - m.last_heartbeat_ >= m.config_.heartbeat_interval) {
      auto hb = co_await m.heartbeat();
      if (!hb && !hb.error().retriable()) co_return std::move(hb).error();
      if (m.needs_join_) continue;
    }
    if (m.config_.enable_auto_commit &&
        clock::now() - m.last_commit_ >= m.config_.auto_commit_interval) {
      (void)co_await m.commit(m.positions());
      m.last_commit_ = clock::now();
      if (m.needs_join_) continue;
    }
    const auto now = clock::now();
    if (now >= deadline) co_return std::vector<consumer_record>{};
    const auto until_heartbeat = m.last_heartbeat_ + m.config_.heartbeat_interval - now;
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::min<clock::duration>(deadline - now, until_heartbeat));
    auto records = co_await m.consumer_.poll(std::max(wait, std::chrono::milliseconds(1)));
    if (!records) co_return records;
    if (!records->empty()) co_return records;
  }
}

awaitable<result<void>> group_member::commit() {
  co_return co_await impl_->commit(impl_->positions());
}

awaitable<result<void>> group_member::commit(std::map<topic_partition, int64_t> offsets) {
  co_return co_await impl_->commit(std::move(offsets));
}

awaitable<result<void>> group_member::close() {
  auto& m = *impl_;
  result<void> committed;
  if (m.config_.enable_auto_commit && m.generation_ >= 0)
    committed = co_await m.commit(m.positions());
  if (!m.assignment_.empty() && m.on_revoked_) m.on_revoked_(m.assignment_);
  m.consumer_.unassign();
  m.assignment_.clear();
  if (!m.member_id_.empty() && m.coordinator_ && m.coordinator_->is_open()) {
    protocol::leave_group_request request;
    request.group_id = m.config_.group_id;
    request.member_id = m.member_id_;                                       // v0-2
    request.members.push_back({m.member_id_, std::nullopt, std::nullopt});  // v3+
    auto left = co_await m.coordinator_->call(request);
    if (!left && committed) committed = std::move(left).error();
  }
  m.member_id_.clear();
  m.generation_ = -1;
  m.needs_join_ = true;
  if (m.coordinator_) m.coordinator_->close();
  m.coordinator_.reset();
  co_return committed;
}

}  // namespace sluice::client
