#include "client/share_consumer.h"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
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

share_consumer::share_consumer(cluster& c, share_config config)
    : cluster_(c), config_(std::move(config)), member_id_(random_member_id()) {}

share_consumer::~share_consumer() = default;

awaitable<result<std::shared_ptr<connection>>> share_consumer::conn() {
  if (conn_ && conn_->is_open()) co_return conn_;
  auto c = co_await cluster_.any_connection();
  if (!c) co_return std::move(c).error();
  // A new connection is a new share session: the old one's acquisitions are
  // released by the broker when it times out.
  if (conn_) {
    forget_session();
    pending_.clear();
    delivered_.clear();
  }
  conn_ = *c;
  co_return conn_;
}

awaitable<void> share_consumer::wait(std::chrono::milliseconds d) {
  asio::steady_timer t(cluster_.executor(), d);
  co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
}

awaitable<result<void>> share_consumer::heartbeat(bool leave) {
  auto c = co_await conn();
  if (!c) co_return std::move(c).error();
  protocol::share_group_heartbeat_request req;
  req.group_id = config_.group_id;
  req.member_id = member_id_;
  req.member_epoch = leave ? -1 : member_epoch_;
  if (!joined_ && !leave) req.subscribed_topic_names = config_.topics;
  auto resp = co_await (*c)->call(req);
  if (!resp) co_return std::move(resp).error();
  if (resp->error_code != error_code::none) {
    if (must_rejoin(resp->error_code) && !leave) {
      // Rejoin on the next poll with a fresh epoch and the subscription.
      joined_ = false;
      member_epoch_ = 0;
      assigned_.clear();
      next_heartbeat_ = {};
      co_return result<void>{};
    }
    co_return with_message(resp->error_code, resp->error_message,
                           "share group '" + config_.group_id + "' heartbeat");
  }
  if (leave) co_return result<void>{};
  joined_ = true;
  member_epoch_ = resp->member_epoch;
  if (resp->heartbeat_interval_ms > 0)
    heartbeat_interval_ = std::chrono::milliseconds(resp->heartbeat_interval_ms);
  next_heartbeat_ = clock::now() + heartbeat_interval_;
  if (resp->assignment) {
    assigned_.clear();
    for (const auto& t : resp->assignment->topic_partitions)
      assigned_[t.topic_id.bytes] = t.partitions;
    co_return co_await learn_topic_names();
  }
  co_return result<void>{};
}

// The share APIs name topics by id; ShareGroupDescribe lists this member's
// assignment by id and name (docs/share-groups.md "Topic ids").
awaitable<result<void>> share_consumer::learn_topic_names() {
  bool all_known = std::all_of(assigned_.begin(), assigned_.end(),
                               [&](const auto& a) { return names_.contains(a.first); });
  if (all_known) co_return result<void>{};
  auto c = co_await conn();
  if (!c) co_return std::move(c).error();
  protocol::share_group_describe_request req;
  req.group_ids = {config_.group_id};
  auto resp = co_await (*c)->call(req);
  if (!resp) co_return std::move(resp).error();
  for (const auto& g : resp->groups) {
    if (g.error_code != error_code::none)
      co_return with_message(g.error_code, g.error_message,
                             "describe share group '" + config_.group_id + "'");
    for (const auto& m : g.members)
      for (const auto& t : m.assignment) names_[t.topic_id.bytes] = t.topic_name;
  }
  co_return result<void>{};
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
  for (const auto& [id, name] : names_)
    if (name == topic) return id;
  return make_error(error_code::unknown_topic_id, "no topic id known for '" + topic + "'");
}

std::vector<topic_partition> share_consumer::assignment() const {
  std::vector<topic_partition> out;
  for (const auto& [id, parts] : assigned_) {
    auto name = names_.find(id);
    if (name == names_.end()) continue;
    for (int32_t p : parts) out.emplace_back(name->second, p);
  }
  return out;
}

awaitable<result<std::vector<share_record>>> share_consumer::poll(
    std::chrono::milliseconds timeout) {
  std::vector<share_record> out;
  ack_errors_.clear();
  if (!joined_ || clock::now() >= next_heartbeat_) {
    if (auto r = co_await heartbeat(false); !r) co_return std::move(r).error();
  }
  if (!config_.explicit_acknowledgement) accept_delivered();
  auto until_heartbeat =
      std::chrono::duration_cast<std::chrono::milliseconds>(next_heartbeat_ - clock::now());
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
  req.member_id = member_id_;
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
    auto name = names_.find(t.topic_id.bytes);
    if (name == names_.end()) continue;  // not asked for: nothing acquired by us
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
  if (joined_) {
    auto left = co_await heartbeat(true);
    joined_ = false;
    member_epoch_ = 0;
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
  req.member_id = member_id_;
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
        auto name = names_.find(t.topic_id.bytes);
        co_return with_message(p.error_code, p.error_message,
                               what + " on " + (name == names_.end() ? "?" : name->second) + "-" +
                                   std::to_string(p.partition_index));
      }
  co_return result<void>{};
}

void share_consumer::forget_session() {
  session_epoch_ = 0;
  session_parts_.clear();
}

}  // namespace sluice::client
