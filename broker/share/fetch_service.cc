#include "broker/share/fetch_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <utility>

#include "broker/metrics.h"
#include "broker/share/coordinator.h"
#include "broker/share/requests.h"
#include "broker/topic_table.h"

namespace sluice::broker::share {
namespace {

using protocol::error_code;
using protocol::share_fetch_response;

constexpr uint64_t max_response_bytes = 8u << 20;

bool has_acknowledgements(const protocol::share_fetch_request& req) {
  return std::ranges::any_of(req.topics, [](const auto& t) {
    return std::ranges::any_of(t.partitions,
                               [](const auto& p) { return !p.acknowledgement_batches.empty(); });
  });
}

class fetch_op : public std::enable_shared_from_this<fetch_op> {
 public:
  fetch_op(coordinator& c, const request_context& ctx, protocol::share_fetch_request body,
           std::function<void(fetch_answer)> done)
      : c_(c), ctx_(ctx), body_(std::move(body)), done_(std::move(done)) {
    deadline_ = c_.shard().clock().steady_now() + std::chrono::milliseconds(body_.max_wait_ms);
  }

  void start() {
    if (!body_.group_id || body_.group_id->empty() || !body_.member_id ||
        body_.member_id->empty()) {
      return fail(error_code::invalid_request, "GroupId and MemberId are required.");
    }
    const int64_t now = c_.shard().clock().wall_clock_ms();
    share_group& g = c_.get_or_create(*body_.group_id);
    c_.expire_members(g, now);
    if (body_.share_session_epoch == 0 && has_acknowledgements(body_)) {
      return fail(error_code::invalid_request, "Acknowledgements need an open share session.");
    }
    const error_code session =
        advance_session(g, member(), body_.share_session_epoch, true, ctx_.connection_id);
    if (session != error_code::none) return fail(session, "");
    if (body_.share_session_epoch != -1) update_session_partitions(g);
    std::vector<partition_acks> acks;
    for (const auto& t : body_.topics) {
      for (const auto& p : t.partitions) {
        if (!p.acknowledgement_batches.empty()) {
          acks.push_back({t.topic_id, p.partition_index, &p.acknowledgement_batches});
        }
      }
    }
    auto outcome = apply_acknowledgements(c_, g, member(), acks, ctx_.api_version >= 2, now);
    ack_errors_ = std::move(outcome.errors);
    if (body_.share_session_epoch == -1) close_session(g, member(), now);
    // Write, durable, then acquire: the records an acknowledgement frees go
    // out in this same answer, with no further round trip.
    c_.persist(g, outcome.touched, [self = shared_from_this()](std::error_code ec) {
      if (ec) {
        spdlog::warn("event=share_state_write_failed error=\"{}\"", ec.message());
        for (auto& [key, e] : self->ack_errors_) {
          if (e == error_code::none) e = error_code::kafka_storage_error;
        }
      }
      self->try_fetch(false);
    });
  }

 private:
  const std::string& member() const { return *body_.member_id; }

  // Partitions named here join the member's session, forgotten ones leave.
  void update_session_partitions(share_group& g) {
    auto& parts = g.sessions()[member()].partitions;
    topic_table& topics = c_.shard().topics();
    for (const auto& t : body_.topics) {
      const std::string* name = topics.topic_name(t.topic_id);
      if (name == nullptr) continue;
      for (const auto& p : t.partitions) parts.insert({*name, p.partition_index});
    }
    for (const auto& f : body_.forgotten_topics_data) {
      const std::string* name = topics.topic_name(f.topic_id);
      if (name == nullptr) continue;
      for (int32_t p : f.partitions) parts.erase({*name, p});
    }
  }

  void fail(error_code e, std::string message) {
    fetch_answer a;
    a.body.error_code = e;
    if (!message.empty()) a.body.error_message = std::move(message);
    finish(std::move(a));
  }

  // Acquires what it can; answers if anything was acquired, the request
  // does not fetch, or `last` (the deadline passed), and waits otherwise.
  void try_fetch(bool last) {
    if (finished_) return;
    share_group& g = c_.get_or_create(*body_.group_id);
    const int64_t now = c_.shard().clock().wall_clock_ms();
    c_.expire_members(g, now);
    topic_table& topics = c_.shard().topics();
    fetch_answer a;
    a.body.acquisition_lock_timeout_ms =
        static_cast<int32_t>(c_.settings_for(g.id()).partition.lock_duration_ms);
    std::map<partition_key, share_fetch_response::partition_data> parts;
    auto slot = [&](const protocol::uuid& id, int32_t p) -> share_fetch_response::partition_data& {
      auto [it, fresh] = parts.try_emplace(key_of(id, p));
      auto& pd = it->second;
      pd.partition_index = p;
      // Empty, not null, when nothing is acquired: librdkafka 2.15.1 fails
      // to parse a null record set (__BAD_MSG), failing the
      // acknowledgements the same answer confirms.
      if (fresh) pd.records = protocol::record_set::of({});
      return pd;
    };
    for (const auto& t : body_.topics) {
      for (const auto& p : t.partitions) {
        auto& pd = slot(t.topic_id, p.partition_index);
        if (auto it = ack_errors_.find(key_of(t.topic_id, p.partition_index));
            it != ack_errors_.end()) {
          pd.acknowledge_error_code = it->second;
        }
        if (topics.topic_name(t.topic_id) == nullptr) pd.error_code = error_code::unknown_topic_id;
      }
    }
    bool any = false;
    auto session = g.sessions().find(member());
    // A v2 request carrying RENEW acknowledgements only renews (KIP-1222).
    const bool fetching = body_.share_session_epoch != -1 && !body_.is_renew_ack;
    if (session != g.sessions().end() && fetching) {
      const int32_t cap = std::min(body_.max_records > 0 ? body_.max_records : INT32_MAX,
                                   c_.settings().member_max_acquired_records);
      int32_t budget = cap - g.acquired_by(member());
      uint64_t bytes_left = std::min<uint64_t>(
          body_.max_bytes > 0 ? static_cast<uint64_t>(body_.max_bytes) : max_response_bytes,
          max_response_bytes);
      for (const auto& tp : session->second.partitions) {
        if (budget <= 0) break;
        error_code e = error_code::none;
        auto got = acquire_records(c_, g, tp, member(), budget, bytes_left, now, e);
        const protocol::uuid id = topics.topic_id_or_zero(tp.first);
        if (e != error_code::none) {
          slot(id, tp.second).error_code = e;
          continue;
        }
        if (!got.records) continue;
        auto& pd = slot(id, tp.second);
        for (size_t i = 0; i < got.ranges.size(); ++i) {
          const auto [first, last] = got.ranges[i];
          pd.acquired.push_back({first, last, got.delivery_counts[i]});
          budget -= static_cast<int32_t>(last - first + 1);
        }
        const uint32_t length = got.records->length;
        bytes_left -= std::min<uint64_t>(bytes_left, length);
        c_.shard().metrics().add_bytes_out(tp.first, length);
        pd.records = protocol::record_set::external({a.slices.size(), length});
        a.slices.push_back(std::move(*got.records));
        any = true;
      }
    }
    if (!any && fetching && !last && body_.max_wait_ms > 0) return wait(g);
    for (auto& [key, pd] : parts) {
      const protocol::uuid id = uuid_of(key);
      if (a.body.responses.empty() || !(a.body.responses.back().topic_id == id)) {
        a.body.responses.emplace_back().topic_id = id;
      }
      a.body.responses.back().partitions.push_back(std::move(pd));
    }
    // Records an expired lock archived at the delivery limit: durable (and
    // dead-lettered) before the answer, like an acknowledgement.
    auto answer = std::make_shared<fetch_answer>(std::move(a));
    c_.persist(g, {}, [self = shared_from_this(), answer](std::error_code ec) {
      if (ec) spdlog::warn("event=share_state_write_failed error=\"{}\"", ec.message());
      self->finish(std::move(*answer));
    });
  }

  // Waits for the next event that may let this member acquire, or the
  // deadline. The group's waiter fires once, so it is taken again each time.
  void wait(share_group& g) {
    std::weak_ptr<fetch_op> weak = shared_from_this();
    if (group_waiter_ == 0) {
      group_waiter_ = g.wait_for_change([weak] {
        if (auto self = weak.lock()) {
          self->group_waiter_ = 0;
          self->wake();
        }
      });
    }
    if (deadline_timer_) return;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline_ - c_.shard().clock().steady_now());
    deadline_timer_ =
        c_.shard().start_timer(std::max(left, std::chrono::milliseconds(0)),
                               [self = shared_from_this()] { self->try_fetch(true); });
    topic_table& topics = c_.shard().topics();
    auto session = g.sessions().find(member());
    if (session == g.sessions().end()) return;
    for (const auto& [topic, partition] : session->second.partitions) {
      log::partition_log* p = topics.get(topic, partition);
      if (p == nullptr) continue;
      watches_.emplace_back(p, topics.watch(p, [weak] {
        if (auto self = weak.lock()) self->wake();
      }));
    }
  }

  // Tries again once the waking event's own work is done (the write that
  // woke it may still be completing its other callbacks).
  void wake() {
    if (finished_ || retry_timer_) return;
    retry_timer_ =
        c_.shard().start_timer(std::chrono::milliseconds(0), [self = shared_from_this()] {
          self->retry_timer_.reset();
          self->try_fetch(false);
        });
  }

  void finish(fetch_answer a) {
    if (finished_) return;
    finished_ = true;
    deadline_timer_.reset();
    retry_timer_.reset();
    for (auto [p, id] : watches_) c_.shard().topics().unwatch(p, id);
    watches_.clear();
    if (group_waiter_ != 0 && body_.group_id) {
      if (share_group* g = c_.find(*body_.group_id)) g->cancel_wait(group_waiter_);
      group_waiter_ = 0;
    }
    auto done = std::move(done_);
    done(std::move(a));
  }

  coordinator& c_;
  request_context ctx_;
  protocol::share_fetch_request body_;
  std::function<void(fetch_answer)> done_;
  std::chrono::steady_clock::time_point deadline_;
  std::map<partition_key, error_code> ack_errors_;
  bool finished_ = false;
  uint64_t group_waiter_ = 0;
  std::unique_ptr<timer_handle> deadline_timer_;
  std::unique_ptr<timer_handle> retry_timer_;
  std::vector<std::pair<log::partition_log*, uint64_t>> watches_;
};

}  // namespace

void fetch(coordinator& c, const request_context& ctx, protocol::share_fetch_request req,
           std::function<void(fetch_answer)> done) {
  std::make_shared<fetch_op>(c, ctx, std::move(req), std::move(done))->start();
}

void acknowledge(coordinator& c, const request_context& ctx,
                 protocol::share_acknowledge_request req,
                 std::function<void(protocol::share_acknowledge_response)> done) {
  protocol::share_acknowledge_response resp;
  if (!req.group_id || req.group_id->empty() || !req.member_id || req.member_id->empty()) {
    resp.error_code = error_code::invalid_request;
    resp.error_message = "GroupId and MemberId are required.";
    return done(std::move(resp));
  }
  const int64_t now = c.shard().clock().wall_clock_ms();
  share_group& g = c.get_or_create(*req.group_id);
  c.expire_members(g, now);
  const std::string& member = *req.member_id;
  resp.error_code = advance_session(g, member, req.share_session_epoch, false, ctx.connection_id);
  if (resp.error_code != error_code::none) return done(std::move(resp));
  std::vector<partition_acks> acks;
  for (const auto& t : req.topics) {
    for (const auto& p : t.partitions) {
      acks.push_back({t.topic_id, p.partition_index, &p.acknowledgement_batches});
    }
  }
  auto outcome = apply_acknowledgements(c, g, member, acks, ctx.api_version >= 2, now);
  if (req.share_session_epoch == -1) close_session(g, member, now);
  if (ctx.api_version >= 2) {
    resp.acquisition_lock_timeout_ms =
        static_cast<int32_t>(c.settings_for(g.id()).partition.lock_duration_ms);
  }
  for (const auto& [key, e] : outcome.errors) {
    const protocol::uuid id = uuid_of(key);
    if (resp.responses.empty() || !(resp.responses.back().topic_id == id)) {
      resp.responses.emplace_back().topic_id = id;
    }
    auto& pd = resp.responses.back().partitions.emplace_back();
    pd.partition_index = key.second;
    pd.error_code = e;
  }
  c.persist(g, outcome.touched,
            [resp = std::move(resp), done = std::move(done)](std::error_code ec) mutable {
              if (ec) {
                spdlog::warn("event=share_state_write_failed error=\"{}\"", ec.message());
                // The acknowledgements did not become durable.
                for (auto& t : resp.responses) {
                  for (auto& p : t.partitions) {
                    if (p.error_code == error_code::none) {
                      p.error_code = error_code::kafka_storage_error;
                    }
                  }
                }
              }
              done(std::move(resp));
            });
}

}  // namespace sluice::broker::share
