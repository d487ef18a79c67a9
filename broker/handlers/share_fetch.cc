// ShareFetch (78), v1-2: acknowledges, then acquires records for the member
// (broker/share/requests.h). Acknowledgements are durable before the answer
// (and before anything is acquired). When nothing can be acquired the request
// waits up to max_wait_ms, trying again every poll interval: records become
// available by produce, by another member's RELEASE, by a lock expiring or a
// member leaving, and only the first wakes a watcher.
//
// A v2 request with IsRenewAck set only acknowledges (RENEW extends locks)
// and fetches nothing, as Kafka's broker does.
//
// Fair dispatch: a member gets at most min(MaxRecords,
// sluice.share.member.max.acquired.records) minus what it already holds, so a
// worker that acknowledges quickly gets proportionally more.
#include "protocol/messages/share_fetch.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <list>
#include <map>

#include "broker/metrics.h"
#include "broker/share/handlers.h"
#include "broker/share/requests.h"
#include "broker/topic_table.h"
#include "protocol/message.h"

namespace sluice::broker {
namespace {

using protocol::error_code;
using protocol::share_fetch_response;

constexpr std::chrono::milliseconds poll_interval{50};
constexpr uint64_t max_response_bytes = 8u << 20;

class share_fetch_op : public std::enable_shared_from_this<share_fetch_op> {
 public:
  share_fetch_op(shard_services& shard, request req, protocol::share_fetch_request body,
                 respond_fn respond)
      : shard_(shard), req_(std::move(req)), body_(std::move(body)), respond_(std::move(respond)) {
    deadline_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(body_.max_wait_ms);
  }

  void start() {
    share::coordinator* c = share::coordinator_of(shard_);
    if (c == nullptr) return fail(error_code::coordinator_not_available, "");
    if (!body_.group_id || body_.group_id->empty() || !body_.member_id ||
        body_.member_id->empty()) {
      return fail(error_code::invalid_request, "GroupId and MemberId are required.");
    }
    const int64_t now = share::wall_clock_ms();
    share::share_group& g = c->get_or_create(*body_.group_id);
    c->expire_members(g, now);
    const bool has_acks = std::ranges::any_of(body_.topics, [](const auto& t) {
      return std::ranges::any_of(t.partitions,
                                 [](const auto& p) { return !p.acknowledgement_batches.empty(); });
    });
    if (body_.share_session_epoch == 0 && has_acks) {
      return fail(error_code::invalid_request, "Acknowledgements need an open share session.");
    }
    const error_code session =
        share::advance_session(g, member(), body_.share_session_epoch, true, req_.connection_id);
    if (session != error_code::none) return fail(session, "");
    // Session partitions: those named here join, forgotten ones leave.
    if (body_.share_session_epoch != -1) {
      auto& parts = g.sessions()[member()].partitions;
      for (const auto& t : body_.topics) {
        auto name = shard_.topics().topic_name(t.topic_id);
        for (const auto& p : t.partitions) {
          if (name) parts.insert({*name, p.partition_index});
        }
      }
      for (const auto& f : body_.forgotten_topics_data) {
        auto name = shard_.topics().topic_name(f.topic_id);
        for (int32_t p : f.partitions) {
          if (name) parts.erase({*name, p});
        }
      }
    }
    std::vector<share::partition_acks> acks;
    for (const auto& t : body_.topics) {
      for (const auto& p : t.partitions) {
        if (!p.acknowledgement_batches.empty()) {
          acks.push_back({t.topic_id, p.partition_index, &p.acknowledgement_batches});
        }
      }
    }
    auto outcome =
        share::apply_acknowledgements(*c, g, member(), acks, req_.header.api_version >= 2, now);
    ack_errors_ = std::move(outcome.errors);
    if (body_.share_session_epoch == -1) share::close_session(g, member(), now);
    c->persist(g, outcome.touched, [self = shared_from_this()](std::error_code ec) {
      if (ec) {
        spdlog::warn("event=share_state_write_failed error=\"{}\"", ec.message());
        for (auto& [key, e] : self->ack_errors_) {
          if (e == error_code::none) e = error_code::kafka_storage_error;
        }
      }
      self->try_fetch();
    });
  }

 private:
  const std::string& member() const { return *body_.member_id; }

  void fail(error_code e, std::string message) {
    share_fetch_response resp;
    resp.error_code = e;
    if (!message.empty()) resp.error_message = std::move(message);
    respond_(make_response(req_, resp));
  }

  void try_fetch() {
    timer_.reset();
    share::coordinator* c = share::coordinator_of(shard_);
    if (c == nullptr) return fail(error_code::coordinator_not_available, "");
    share::share_group& g = c->get_or_create(*body_.group_id);
    const int64_t now = share::wall_clock_ms();
    c->expire_members(g, now);
    share_fetch_response resp;
    resp.acquisition_lock_timeout_ms =
        static_cast<int32_t>(c->settings_for(g.id()).partition.lock_duration_ms);
    std::map<share::partition_key, share_fetch_response::partition_data> parts;
    auto slot = [&](const protocol::uuid& id, int32_t p) -> share_fetch_response::partition_data& {
      auto& pd = parts[share::key_of(id, p)];
      pd.partition_index = p;
      return pd;
    };
    for (const auto& t : body_.topics) {
      for (const auto& p : t.partitions) {
        auto& pd = slot(t.topic_id, p.partition_index);
        if (auto it = ack_errors_.find(share::key_of(t.topic_id, p.partition_index));
            it != ack_errors_.end()) {
          pd.acknowledge_error_code = it->second;
        }
        if (!shard_.topics().topic_name(t.topic_id)) {
          pd.error_code = error_code::unknown_topic_id;
        }
      }
    }
    bool any = false;
    auto session = g.sessions().find(member());
    // A v2 request carrying RENEW acknowledgements only renews (KIP-1222).
    const bool fetching = body_.share_session_epoch != -1 && !body_.is_renew_ack;
    if (session != g.sessions().end() && fetching) {
      const int32_t cap = std::min(body_.max_records > 0 ? body_.max_records : INT32_MAX,
                                   c->settings().member_max_acquired_records);
      int32_t budget = cap - g.acquired_by(member());
      uint64_t bytes_left = std::min<uint64_t>(
          body_.max_bytes > 0 ? static_cast<uint64_t>(body_.max_bytes) : max_response_bytes,
          max_response_bytes);
      for (const auto& tp : session->second.partitions) {
        if (budget <= 0) break;
        error_code e = error_code::none;
        auto got = share::acquire_records(*c, g, tp, member(), budget, bytes_left, now, e);
        const protocol::uuid id = shard_.topics().topic_id_or_zero(tp.first);
        if (e != error_code::none) {
          slot(id, tp.second).error_code = e;
          continue;
        }
        if (got.ranges.empty()) continue;
        auto& pd = slot(id, tp.second);
        for (size_t i = 0; i < got.ranges.size(); ++i) {
          const auto [first, last] = got.ranges[i];
          pd.acquired.push_back({first, last, got.delivery_counts[i]});
          budget -= static_cast<int32_t>(last - first + 1);
        }
        bytes_left -= std::min<uint64_t>(bytes_left, got.records.size());
        shard_.metrics().add_bytes_out(tp.first, got.records.size());
        buffers_.push_back(std::move(got.records));
        pd.records = protocol::record_set::of(buffers_.back());
        any = true;
      }
    }
    if (!any && fetching && std::chrono::steady_clock::now() + poll_interval < deadline_) {
      timer_ =
          shard_.start_timer(poll_interval, [self = shared_from_this()] { self->try_fetch(); });
      return;
    }
    for (auto& [key, pd] : parts) {
      const protocol::uuid id = share::uuid_of(key);
      if (resp.responses.empty() || !(resp.responses.back().topic_id == id)) {
        resp.responses.emplace_back().topic_id = id;
      }
      resp.responses.back().partitions.push_back(std::move(pd));
    }
    auto answer = std::make_shared<response>(make_response(req_, resp));  // copies the records
    buffers_.clear();
    // Records an expired lock archived at the delivery limit: durable (and
    // dead-lettered) before the answer, like an acknowledgement.
    c->persist(g, {}, [respond = respond_, answer](std::error_code ec) {
      if (ec) spdlog::warn("event=share_state_write_failed error=\"{}\"", ec.message());
      respond(std::move(*answer));
    });
  }

  shard_services& shard_;
  request req_;
  protocol::share_fetch_request body_;
  respond_fn respond_;
  std::chrono::steady_clock::time_point deadline_;
  std::map<share::partition_key, error_code> ack_errors_;
  std::unique_ptr<timer_handle> timer_;
  std::list<bytes> buffers_;
};

}  // namespace

void handle_share_fetch(shard_services& shard, request req, respond_fn respond) {
  protocol::share_fetch_request body;
  if (protocol::decode_message(req.body, req.header.api_version, body)) {
    return respond(close_connection());
  }
  auto op =
      std::make_shared<share_fetch_op>(shard, std::move(req), std::move(body), std::move(respond));
  op->start();
}

}  // namespace sluice::broker
