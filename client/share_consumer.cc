#include "client/share_consumer.h"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdio>
#include <limits>
#include <random>

#include "client/record_batch.h"
#include "protocol/messages/share_fetch.h"
#include "protocol/messages/share_group_describe.h"
#include "protocol/messages/share_group_heartbeat.h"

namespace sluice::client {

namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using protocol::error_code;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// A v1 member id is made by the client: any unique string; Kafka uses a
// random uuid, printed the same way here.
std::string random_member_id() {
  std::random_device rd;
  std::mt19937_64 gen((uint64_t{rd()} << 32) ^ rd());
  uint64_t hi = gen(), lo = gen();
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", unsigned(hi >> 32),
                unsigned((hi >> 16) & 0xffff), unsigned(hi & 0xffff), unsigned(lo >> 48),
                static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return buf;
}

client_error with_message(error_code code, const std::optional<std::string>& message,
                          const std::string& what) {
  return make_error(code, what + (message && !message->empty() ? ": " + *message : ""));
}

bool must_rejoin(error_code e) {
  return e == error_code::unknown_member_id || e == error_code::fenced_member_epoch;
}

bool session_lost(error_code e) {
  return e == error_code::share_session_not_found || e == error_code::invalid_share_session_epoch;
}

// Epochs after 0 run 1..INT32_MAX and wrap to 1 (0 would open a new session).
int32_t next_session_epoch(int32_t e) {
  return e == std::numeric_limits<int32_t>::max() ? 1 : e + 1;
}

}  // namespace

// What the heartbeats keep, shared by the consumer and its heartbeat loop.
// The loop holds it by shared_ptr, so it outlives a destroyed consumer until
// the loop next wakes and sees `stopped`; it never touches the consumer or
// the cluster, only the connection the consumer last used (`conn`).
class share_consumer::membership : public std::enable_shared_from_this<membership> {
 public:
  enum class kind { when_due, leave };

  membership(asio::any_io_executor executor, std::string group, std::vector<std::string> topics)
      : group_id(std::move(group)),
        topics(std::move(topics)),
        member_id(random_member_id()),
        wake_(std::move(executor)) {}

  bool due() const { return !joined || clock::now() >= next_heartbeat; }
  bool in_flight() const { return busy_; }

  // Sends a heartbeat on `c` if one is still due once it is this caller's
  // turn (or the leave: epoch -1, if still joined then). One at a time, so
  // answers, and the epochs they carry, apply in the order sent. The first
  // successful join starts the loop.
  awaitable<result<void>> heartbeat(std::shared_ptr<connection> c, kind k);

  // close() or destruction: the loop ends when it next wakes, and nothing but
  // the leave is sent from now on.
  void stop() {
    stopped = true;
    wake_.cancel();
  }

  std::string group_id;
  std::vector<std::string> topics;
  std::string member_id;
  int32_t member_epoch = 0;
  bool joined = false;
  bool stopped = false;
  std::chrono::milliseconds interval{5000};
  clock::time_point next_heartbeat{};
  std::map<topic_key, std::vector<int32_t>> assigned;
  std::map<topic_key, std::string> names;
  std::shared_ptr<connection> conn;  // the consumer's: the loop opens none

 private:
  awaitable<void> take_turn();
  void end_turn();
  awaitable<result<void>> learn_topic_names(const std::shared_ptr<connection>& c);
  static awaitable<void> loop(std::shared_ptr<membership> self);

  bool busy_ = false;  // a heartbeat (and its describe) is in flight
  std::vector<std::shared_ptr<asio::steady_timer>> turn_waiters_;
  asio::steady_timer wake_;  // the loop sleeps on it until the next heartbeat
  bool loop_running_ = false;
};

awaitable<void> share_consumer::membership::take_turn() {
  while (busy_) {
    auto t = std::make_shared<asio::steady_timer>(wake_.get_executor(), clock::time_point::max());
    turn_waiters_.push_back(t);
    co_await t->async_wait(use_tuple);
  }
  busy_ = true;
}

void share_consumer::membership::end_turn() {
  busy_ = false;
  for (auto& w : turn_waiters_) w->cancel();
  turn_waiters_.clear();
}

awaitable<result<void>> share_consumer::membership::heartbeat(std::shared_ptr<connection> c,
                                                              kind k) {
  const bool leave = k == kind::leave;
  co_await take_turn();
  struct turn_guard {
    membership& m;
    ~turn_guard() { m.end_turn(); }
  } guard{*this};
  // The other heartbeater may have sent one while this waited; a stopped
  // member never rejoins; a member that is not in the group has no leaving.
  if (leave ? !joined : (stopped || !due())) co_return result<void>{};
  protocol::share_group_heartbeat_request req;
  req.group_id = group_id;
  req.member_id = member_id;
  req.member_epoch = leave ? -1 : member_epoch;
  if (!joined && !leave) req.subscribed_topic_names = topics;
  auto resp = co_await c->call(req);
  // The loop re-arms for whatever this answer makes the next heartbeat.
  wake_.cancel();
  if (leave) {
    joined = false;
    member_epoch = 0;
  }
  if (!resp) co_return std::move(resp).error();
  if (resp->error_code != error_code::none) {
    if (must_rejoin(resp->error_code) && !leave) {
      // Rejoin with a fresh epoch and the subscription: the loop at once,
      // or poll() if it comes first.
      joined = false;
      member_epoch = 0;
      assigned.clear();
      next_heartbeat = {};
      co_return result<void>{};
    }
    co_return with_message(resp->error_code, resp->error_message,
                           "share group '" + group_id + "' heartbeat");
  }
  if (leave) co_return result<void>{};
  joined = true;
  member_epoch = resp->member_epoch;
  if (resp->heartbeat_interval_ms > 0)
    interval = std::chrono::milliseconds(resp->heartbeat_interval_ms);
  next_heartbeat = clock::now() + interval;
  if (!loop_running_ && !stopped) {
    loop_running_ = true;
    asio::co_spawn(wake_.get_executor(), loop(shared_from_this()), asio::detached);
  }
  if (resp->assignment && !stopped) {
    assigned.clear();
    for (const auto& t : resp->assignment->topic_partitions)
      assigned[t.topic_id.bytes] = t.partitions;
    co_return co_await learn_topic_names(c);
  }
  co_return result<void>{};
}

// The share APIs name topics by id; ShareGroupDescribe lists this member's
// assignment by id and name (docs/share-groups.md "Topic ids").
awaitable<result<void>> share_consumer::membership::learn_topic_names(
    const std::shared_ptr<connection>& c) {
  bool all_known = std::all_of(assigned.begin(), assigned.end(),
                               [&](const auto& a) { return names.contains(a.first); });
  if (all_known) co_return result<void>{};
  protocol::share_group_describe_request req;
  req.group_ids = {group_id};
  auto resp = co_await c->call(req);
  if (!resp) co_return std::move(resp).error();
  for (const auto& g : resp->groups) {
    if (g.error_code != error_code::none)
      co_return with_message(g.error_code, g.error_message,
                             "describe share group '" + group_id + "'");
    for (const auto& m : g.members)
      for (const auto& t : m.assignment) names[t.topic_id.bytes] = t.topic_name;
  }
  co_return result<void>{};
}

// Heartbeats when due whether or not poll() runs. A failed heartbeat (the
// connection broke, the coordinator is away) is tried again an interval
// later; poll(), finding it due, reconnects and reports the error.
awaitable<void> share_consumer::membership::loop(std::shared_ptr<membership> self) {
  clock::time_point not_before{};
  while (!self->stopped) {
    self->wake_.expires_at(std::max(self->next_heartbeat, not_before));
    co_await self->wake_.async_wait(use_tuple);
    if (self->stopped) break;
    // Woken early by an answer poll() got: sleep again until the new time.
    if (!self->due() || clock::now() < not_before) continue;
    auto c = self->conn;
    bool sent = false;
    if (c && c->is_open()) sent = static_cast<bool>(co_await self->heartbeat(c, kind::when_due));
    if (!sent) not_before = clock::now() + self->interval;
  }
  self->loop_running_ = false;
}

share_consumer::share_consumer(cluster& c, share_config config)
    : cluster_(c),
      config_(std::move(config)),
      m_(std::make_shared<membership>(c.executor(), config_.group_id, config_.topics)) {}

share_consumer::~share_consumer() { m_->stop(); }

const std::string& share_consumer::member_id() const noexcept { return m_->member_id; }
int32_t share_consumer::member_epoch() const noexcept { return m_->member_epoch; }

awaitable<result<std::shared_ptr<connection>>> share_consumer::conn() {
  if (m_->conn && m_->conn->is_open()) co_return m_->conn;
  auto c = co_await cluster_.any_connection();
  if (!c) co_return std::move(c).error();
  // A new connection is a new share session: the old one's acquisitions are
  // released by the broker when it times out.
  if (m_->conn) {
    forget_session();
    pending_.clear();
    delivered_.clear();
  }
  m_->conn = *c;
  co_return m_->conn;
}

awaitable<void> share_consumer::wait(std::chrono::milliseconds d) {
  asio::steady_timer t(cluster_.executor(), d);
  co_await t.async_wait(use_tuple);
}

void share_consumer::accept_delivered() {
  for (auto& [tp, offset] : delivered_) pending_[tp].try_emplace(offset, ack_type::accept);
  delivered_.clear();
}

void share_consumer::acknowledge(const share_record& record, ack_type type) {
  pending_[{record.topic, record.partition}][record.offset] = type;
}

std::vector<protocol::acknowledgement_batch> share_consumer::batches_of(
    const topic_partition& tp) const {
  std::vector<protocol::acknowledgement_batch> out;
  auto it = pending_.find(tp);
  if (it == pending_.end()) return out;
  for (const auto& [offset, type] : it->second) {
    // Runs of consecutive offsets with one type travel as one batch.
    if (!out.empty() && out.back().last_offset + 1 == offset &&
        out.back().acknowledge_types[0] == static_cast<int8_t>(type)) {
      out.back().last_offset = offset;
      continue;
    }
    out.push_back({offset, offset, {static_cast<int8_t>(type)}});
  }
  return out;
}

result<share_consumer::topic_key> share_consumer::id_of(const std::string& topic) const {
  for (const auto& [id, name] : m_->names)
    if (name == topic) return id;
  return make_error(error_code::unknown_topic_id, "no topic id known for '" + topic + "'");
}

std::vector<topic_partition> share_consumer::assignment() const {
  std::vector<topic_partition> out;
  for (const auto& [id, parts] : m_->assigned) {
    auto name = m_->names.find(id);
    if (name == m_->names.end()) continue;
    for (int32_t p : parts) out.emplace_back(name->second, p);
  }
  return out;
}

awaitable<result<std::vector<share_record>>> share_consumer::poll(
    std::chrono::milliseconds timeout) {
  std::vector<share_record> out;
  ack_errors_.clear();
  if (m_->stopped)
    co_return make_error(error_code::invalid_request,
                         "the share consumer of group '" + config_.group_id + "' is closed");
  if (m_->due()) {
    auto c = co_await conn();
    if (!c) co_return std::move(c).error();
    if (auto r = co_await m_->heartbeat(*c, membership::kind::when_due); !r)
      co_return std::move(r).error();
  }
  if (!config_.explicit_acknowledgement) accept_delivered();
  // A due heartbeat would be answered only after this fetch: wait no longer.
  auto until_heartbeat =
      std::chrono::duration_cast<std::chrono::milliseconds>(m_->next_heartbeat - clock::now());
  auto max_wait = std::clamp(until_heartbeat, 0ms, timeout);

  // Fetch from every assigned partition; acknowledge on those with pending
  // acknowledgements even when no longer assigned; forget the rest.
  std::set<topic_partition> wanted;
  for (const auto& tp : assignment()) wanted.insert(tp);
  if (session_epoch_ != 0)  // a session's first request may not acknowledge
    for (const auto& [tp, offsets] : pending_)
      if (!offsets.empty()) wanted.insert(tp);
  if (wanted.empty()) {
    co_await wait(std::max(max_wait, 1ms));
    co_return out;
  }
  protocol::share_fetch_request req;
  req.group_id = config_.group_id;
  req.member_id = m_->member_id;
  req.share_session_epoch = session_epoch_;
  req.max_wait_ms = static_cast<int32_t>(max_wait.count());
  req.min_bytes = 1;
  req.max_bytes = config_.max_bytes;
  req.max_records = config_.max_records;
  req.batch_size = config_.max_records;
  std::map<topic_key, size_t> topic_index;
  for (const auto& tp : wanted) {
    auto id = id_of(tp.topic);
    if (!id) co_return std::move(id).error();
    auto [it, fresh] = topic_index.try_emplace(*id, req.topics.size());
    if (fresh) req.topics.push_back({protocol::uuid{*id}, {}});
    protocol::share_fetch_request::fetch_partition p;
    p.partition_index = tp.partition;
    if (session_epoch_ != 0) p.acknowledgement_batches = batches_of(tp);
    req.topics[it->second].partitions.push_back(std::move(p));
  }
  for (const auto& tp : session_parts_) {
    if (wanted.contains(tp)) continue;
    auto id = id_of(tp.topic);
    if (!id) continue;
    req.forgotten_topics_data.push_back({protocol::uuid{*id}, {tp.partition}});
  }
  auto c = co_await conn();
  if (!c) co_return std::move(c).error();
  auto resp = co_await (*c)->call_framed(req);
  if (!resp) co_return std::move(resp).error();
  // Sent: whatever the answer says about them, these are no longer pending.
  pending_.clear();
  const auto& body = resp->body;
  if (body.error_code != error_code::none) {
    if (session_lost(body.error_code)) {
      forget_session();  // the broker released what it held; open a new one
      co_return out;
    }
    co_return with_message(body.error_code, body.error_message, "share fetch");
  }
  session_epoch_ = next_session_epoch(session_epoch_);
  session_parts_ = std::move(wanted);
  for (const auto& t : body.responses) {
    auto name = m_->names.find(t.topic_id.bytes);
    if (name == m_->names.end()) continue;  // not asked for: nothing acquired by us
    for (const auto& p : t.partitions) {
      topic_partition tp{name->second, p.partition_index};
      if (p.acknowledge_error_code != error_code::none)
        ack_errors_.push_back(
            with_message(p.acknowledge_error_code, p.acknowledge_error_message,
                         "acknowledge " + tp.topic + "-" + std::to_string(tp.partition)));
      if (p.error_code != error_code::none) {
        if (p.error_code == error_code::unknown_topic_or_partition) continue;  // reassigned
        co_return with_message(p.error_code, p.error_message,
                               "share fetch " + tp.topic + "-" + std::to_string(tp.partition));
      }
      if (p.acquired.empty() || p.records.is_null() || p.records.size() == 0) continue;
      auto decoded = decode_batches(p.records.bytes(), tp.topic, tp.partition, 0);
      if (!decoded) co_return std::move(decoded).error();
      for (auto& r : decoded->records) {
        auto range = std::find_if(p.acquired.begin(), p.acquired.end(), [&](const auto& a) {
          return a.first_offset <= r.offset && r.offset <= a.last_offset;
        });
        if (range == p.acquired.end()) continue;  // in the batch, not ours
        share_record s;
        static_cast<consumer_record&>(s) = std::move(r);
        s.delivery_count = range->delivery_count;
        delivered_.emplace_back(tp, s.offset);
        out.push_back(std::move(s));
      }
    }
  }
  co_return out;
}

awaitable<result<void>> share_consumer::commit() {
  if (!config_.explicit_acknowledgement) accept_delivered();
  if (pending_.empty() || session_epoch_ == 0) {
    pending_.clear();  // no session: the broker already released those records
    co_return result<void>{};
  }
  auto req = acknowledge_request(session_epoch_, pending_batches());
  pending_.clear();
  co_return co_await send_acknowledge(req, "share acknowledge");
}

awaitable<result<void>> share_consumer::renew(const share_record& record) {
  // Copied before the first suspension (docs/client.md "Known limits").
  const topic_partition tp{record.topic, record.partition};
  const std::string what = "renew offset " + std::to_string(record.offset);
  std::map<topic_partition, std::vector<protocol::acknowledgement_batch>> acks;
  acks[tp].push_back(
      {record.offset, record.offset, {static_cast<int8_t>(protocol::acknowledge_type::renew)}});
  if (auto id = id_of(tp.topic); !id) co_return std::move(id).error();
  auto c = co_await conn();
  if (!c) co_return std::move(c).error();
  // RENEW before v2 is INVALID_REQUEST at the broker: refuse it here instead.
  auto version = (*c)->version_for(protocol::api_key::share_acknowledge);
  if (!version) co_return std::move(version).error();
  if (*version < 2)
    co_return make_error(error_code::unsupported_version,
                         what + ": RENEW needs ShareAcknowledge v2 (KIP-1222); " +
                             (*c)->describe() + " serves it up to v" + std::to_string(*version));
  if (session_epoch_ == 0)  // the session is gone, and with it every lock it held
    co_return make_error(error_code::invalid_record_state, what + ": no share session holds it");
  auto req = acknowledge_request(session_epoch_, acks);
  req.is_renew_ack = true;
  co_return co_await send_acknowledge(req, what);
}

awaitable<result<void>> share_consumer::close() {
  if (!config_.explicit_acknowledgement) accept_delivered();
  result<void> outcome;
  if (session_epoch_ != 0) {
    // Epoch -1 applies the acknowledgements, then closes the session: what
    // this member still holds becomes available to the others.
    auto req = acknowledge_request(-1, pending_batches());
    outcome = co_await send_acknowledge(req, "close share session");
  }
  pending_.clear();
  forget_session();
  m_->stop();
  // A heartbeat in flight (perhaps a rejoin) is answered before the leave.
  if (m_->joined || m_->in_flight()) {
    result<void> left;
    if (auto c = co_await conn(); !c)
      left = std::move(c).error();
    else
      left = co_await m_->heartbeat(*c, membership::kind::leave);
    if (!left && outcome) outcome = std::move(left).error();
  }
  co_return outcome;
}

std::map<topic_partition, std::vector<protocol::acknowledgement_batch>>
share_consumer::pending_batches() const {
  std::map<topic_partition, std::vector<protocol::acknowledgement_batch>> out;
  for (const auto& [tp, offsets] : pending_)
    if (!offsets.empty()) out[tp] = batches_of(tp);
  return out;
}

protocol::share_acknowledge_request share_consumer::acknowledge_request(
    int32_t epoch,
    const std::map<topic_partition, std::vector<protocol::acknowledgement_batch>>& acks) const {
  protocol::share_acknowledge_request req;
  req.group_id = config_.group_id;
  req.member_id = m_->member_id;
  req.share_session_epoch = epoch;
  std::map<topic_key, size_t> topic_index;
  for (const auto& [tp, batches] : acks) {
    auto id = id_of(tp.topic);
    if (!id) continue;  // never fetched from, so nothing of it is held
    auto [it, fresh] = topic_index.try_emplace(*id, req.topics.size());
    if (fresh) req.topics.push_back({protocol::uuid{*id}, {}});
    req.topics[it->second].partitions.push_back({tp.partition, batches});
  }
  return req;
}

awaitable<result<void>> share_consumer::send_acknowledge(
    const protocol::share_acknowledge_request& req, std::string what) {
  auto c = co_await conn();
  if (!c) co_return std::move(c).error();
  auto resp = co_await (*c)->call(req);
  if (!resp) co_return std::move(resp).error();
  if (resp->error_code != error_code::none) {
    if (session_lost(resp->error_code)) forget_session();
    co_return with_message(resp->error_code, resp->error_message, what);
  }
  if (req.share_session_epoch != -1) session_epoch_ = next_session_epoch(session_epoch_);
  for (const auto& t : resp->responses)
    for (const auto& p : t.partitions)
      if (p.error_code != error_code::none) {
        auto name = m_->names.find(t.topic_id.bytes);
        co_return with_message(p.error_code, p.error_message,
                               what + " on " + (name == m_->names.end() ? "?" : name->second) +
                                   "-" + std::to_string(p.partition_index));
      }
  co_return result<void>{};
}

void share_consumer::forget_session() {
  session_epoch_ = 0;
  session_parts_.clear();
}

}  // namespace sluice::client
