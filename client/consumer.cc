#include "client/consumer.h"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <deque>
#include <limits>
#include <set>

#include "client/admin.h"
#include "client/record_batch.h"
#include "protocol/messages/fetch.h"
#include "protocol/uuid.h"

namespace sluice::client {
namespace asio = boost::asio;
using protocol::error_code;
namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

std::string where(const topic_partition& tp) {
  return "topic '" + tp.topic + "' partition " + std::to_string(tp.partition);
}

bool leader_may_have_moved(error_code e) {
  return e == error_code::not_leader_or_follower || e == error_code::unknown_topic_or_partition ||
         e == error_code::leader_not_available || e == error_code::fenced_leader_epoch ||
         e == error_code::unknown_leader_epoch || e == error_code::kafka_storage_error;
}

}  // namespace

// State shared by poll() and the per-broker fetch loops (which hold a
// shared_ptr to it, so it outlives a consumer destroyed mid-fetch).
class consumer::impl : public std::enable_shared_from_this<impl> {
 public:
  struct partition_state {
    int64_t position = 0;
    std::optional<int64_t> high_watermark;
    std::optional<int64_t> last_stable_offset;  // read_committed's end
    uint64_t epoch = 0;    // bumped by seek(): answers to older fetches are dropped
    bool stopped = false;  // OFFSET_OUT_OF_RANGE with no reset policy: until seek()
  };

  impl(cluster& c, consumer_config config)
      : cluster_(c), config_(std::move(config)), data_ready_(c.executor()), space_(c.executor()) {}

  awaitable<void> ensure_fetchers();
  awaitable<void> fetch_loop(std::shared_ptr<impl> self, int32_t node, uint64_t generation);
  awaitable<result<int64_t>> resolve(const topic_partition& tp, start_position start);
  void process(const protocol::fetch_response& response,
               const std::map<topic_partition, std::pair<int64_t, uint64_t>>& asked,
               std::vector<std::pair<topic_partition, int64_t>>& resets);
  std::vector<consumer_record> take();

  cluster& cluster_;
  consumer_config config_;
  std::map<topic_partition, partition_state> parts_;
  std::deque<consumer_record> buffer_;
  std::optional<client_error> pending_error_;
  std::set<int32_t> fetching_nodes_;
  uint64_t generation_ = 0;  // bumped by assign/unassign: old fetch loops stop
  asio::steady_timer data_ready_;
  asio::steady_timer space_;
};

consumer::consumer(cluster& c, consumer_config config)
    : impl_(std::make_shared<impl>(c, std::move(config))) {}

consumer::~consumer() { unassign(); }

awaitable<result<int64_t>> consumer::impl::resolve(const topic_partition& tp,
                                                   start_position start) {
  using kind = start_position::kind;
  if (start.from == kind::offset) {
    if (start.value < 0)
      co_return make_error(error_code::invalid_request,
                           where(tp) + ": negative offset " + std::to_string(start.value));
    co_return start.value;
  }
  admin a(cluster_);
  std::map<topic_partition, int64_t> ask;
  const int64_t ts = start.from == kind::earliest    ? earliest_offset_timestamp
                     : start.from == kind::timestamp ? start.value
                                                     : latest_offset_timestamp;
  ask[tp] = ts;
  auto listed = co_await a.list_offsets(ask, static_cast<int8_t>(config_.isolation));
  if (!listed) co_return std::move(listed).error();
  auto it = listed->find(tp);
  if (it == listed->end())
    co_return make_error(error_code::unknown_topic_or_partition,
                         where(tp) + ": no ListOffsets answer");
  if (!it->second.error.ok())
    co_return client_error{it->second.error.code, it->second.error.message};
  int64_t offset = it->second.offset;
  if (start.from == kind::timestamp && offset < 0) {
    // No record at or after the time: start at the end, as Kafka's
    // offsetsForTimes users do.
    auto end = co_await resolve(tp, start_position::latest());
    if (!end) co_return end;
    offset = *end;
  }
  if (start.from == kind::from_end) {
    auto first = co_await resolve(tp, start_position::earliest());
    if (!first) co_return first;
    offset = std::max(*first, offset - std::max<int64_t>(0, start.value));
  }
  co_return offset;
}

awaitable<result<int64_t>> consumer::resolve(const topic_partition& tp, start_position start) {
  auto keep = impl_;
  co_return co_await keep->resolve(tp, start);
}

awaitable<result<void>> consumer::assign(std::vector<partition_assignment> partitions) {
  auto keep = impl_;
  std::map<topic_partition, impl::partition_state> next;
  for (auto& pa : partitions) {
    auto offset = co_await keep->resolve(pa.partition, pa.start);
    if (!offset) co_return std::move(offset).error();
    next[pa.partition].position = *offset;
  }
  unassign();
  keep->parts_ = std::move(next);
  co_return result<void>{};
}

void consumer::unassign() {
  ++impl_->generation_;
  impl_->parts_.clear();
  impl_->buffer_.clear();
  impl_->pending_error_.reset();
  impl_->fetching_nodes_.clear();
  impl_->space_.cancel();
}

std::vector<topic_partition> consumer::assignment() const {
  std::vector<topic_partition> out;
  for (auto& [tp, s] : impl_->parts_) out.push_back(tp);
  return out;
}

std::optional<int64_t> consumer::position(const topic_partition& tp) const {
  auto it = impl_->parts_.find(tp);
  if (it == impl_->parts_.end()) return std::nullopt;
  // Fetching runs ahead of poll(): a record still buffered is not consumed.
  for (auto& r : impl_->buffer_)
    if (r.partition == tp.partition && r.topic == tp.topic) return r.offset;
  return it->second.position;
}

std::optional<int64_t> consumer::high_watermark(const topic_partition& tp) const {
  auto it = impl_->parts_.find(tp);
  if (it == impl_->parts_.end()) return std::nullopt;
  return it->second.high_watermark;
}

std::optional<int64_t> consumer::end_offset(const topic_partition& tp) const {
  auto it = impl_->parts_.find(tp);
  if (it == impl_->parts_.end()) return std::nullopt;
  if (impl_->config_.isolation == isolation_level::read_committed)
    return it->second.last_stable_offset;
  return it->second.high_watermark;
}

bool consumer::at_end() const {
  for (auto& [tp, s] : impl_->parts_) {
    auto end = end_offset(tp);
    if (!end || s.position < *end) return false;
  }
  return impl_->buffer_.empty();
}

void consumer::seek(const topic_partition& tp, int64_t offset) {
  auto it = impl_->parts_.find(tp);
  if (it == impl_->parts_.end()) return;
  it->second.position = offset;
  it->second.stopped = false;
  ++it->second.epoch;
  std::erase_if(impl_->buffer_, [&](const consumer_record& r) {
    return r.partition == tp.partition && r.topic == tp.topic;
  });
}

std::vector<consumer_record> consumer::impl::take() {
  const size_t n = std::min(buffer_.size(), config_.max_poll_records);
  std::vector<consumer_record> out(
      std::make_move_iterator(buffer_.begin()),
      std::make_move_iterator(buffer_.begin() + static_cast<ptrdiff_t>(n)));
  buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<ptrdiff_t>(n));
  // Positions already moved past buffered records when they were fetched; a
  // record handed out is "consumed". Fetch loops waiting for room go on.
  space_.cancel();
  return out;
}

awaitable<result<std::vector<consumer_record>>> consumer::poll(std::chrono::milliseconds timeout) {
  auto keep = impl_;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (keep->pending_error_) co_return *std::exchange(keep->pending_error_, std::nullopt);
    if (!keep->buffer_.empty()) co_return keep->take();
    co_await keep->ensure_fetchers();
    if (keep->pending_error_ || !keep->buffer_.empty()) continue;
    if (std::chrono::steady_clock::now() >= deadline) co_return std::vector<consumer_record>{};
    keep->data_ready_.expires_at(deadline);
    co_await keep->data_ready_.async_wait(use_tuple);
  }
}

awaitable<void> consumer::impl::ensure_fetchers() {
  std::set<int32_t> nodes;
  std::vector<topic_partition> tps;
  for (auto& [tp, s] : parts_)
    if (!s.stopped) tps.push_back(tp);
  const uint64_t generation = generation_;
  for (auto& tp : tps) {
    auto leader = co_await cluster_.leader_for(tp);
    if (generation != generation_) co_return;
    if (!leader) {
      if (!leader.error().retriable()) pending_error_ = leader.error();
      continue;
    }
    nodes.insert(*leader);
  }
  for (int32_t node : nodes)
    if (fetching_nodes_.insert(node).second)
      asio::co_spawn(cluster_.executor(), fetch_loop(shared_from_this(), node, generation),
                     asio::detached);
}

awaitable<void> consumer::impl::fetch_loop(std::shared_ptr<impl> self, int32_t node,
                                           uint64_t generation) {
  int failures = 0;
  while (generation == generation_) {
    // Partitions this broker leads, from the cached metadata.
    std::map<topic_partition, std::pair<int64_t, uint64_t>> asked;
    protocol::fetch_request request;
    request.max_wait_ms = static_cast<int32_t>(config_.fetch_max_wait.count());
    request.min_bytes = config_.fetch_min_bytes;
    request.max_bytes = config_.fetch_max_bytes;
    request.isolation_level = static_cast<int8_t>(config_.isolation);  // v4+
    for (auto& [tp, s] : parts_) {
      if (s.stopped) continue;
      auto t = cluster_.topics().find(tp.topic);
      if (t == cluster_.topics().end()) continue;
      auto p =
          std::ranges::find(t->second.partitions, tp.partition, &partition_metadata::partition);
      if (p == t->second.partitions.end() || p->leader != node) continue;
      asked[tp] = {s.position, s.epoch};
      // Name and id both: the connection's Fetch version (v13+ by id, the
      // id from Metadata v10+) decides which one goes on the wire.
      if (request.topics.empty() || request.topics.back().topic != tp.topic)
        request.topics.push_back({tp.topic, {}, t->second.topic_id});
      protocol::fetch_request::fetch_partition fp;
      fp.partition = tp.partition;
      fp.fetch_offset = s.position;
      fp.partition_max_bytes = config_.max_partition_fetch_bytes;
      request.topics.back().partitions.push_back(fp);
    }
    if (asked.empty()) break;
    if (buffer_.size() >= config_.max_buffered_records) {
      // Full: wait for poll() to take records (it cancels space_).
      space_.expires_after(std::chrono::seconds(1));
      co_await space_.async_wait(use_tuple);
      continue;
    }
    auto conn = co_await cluster_.connection_for(node);
    std::optional<client_error> failed;
    std::vector<std::pair<topic_partition, int64_t>> resets;
    if (!conn) {
      failed = conn.error();
    } else {
      // Fetch v13+ names topics by id only: a topic without one (a broker
      // whose Metadata has no ids) keeps the request at v12.
      const bool all_ids = std::ranges::none_of(
          request.topics, [](const auto& t) { return protocol::is_zero(t.topic_id); });
      auto response = co_await (*conn)->call_framed(
          request, all_ids ? std::numeric_limits<int16_t>::max()
                           : int16_t{protocol::fetch_first_topic_id_version - 1});
      if (generation != generation_) break;
      if (!response)
        failed = response.error();
      else
        process(response->body, asked, resets);
    }
    if (failed) {
      // A lost or refused connection (a broker restarting) or a timeout is
      // not the caller's problem, as with Kafka's consumer: fetch again with
      // growing back-off, at the same positions, until the broker is back or
      // the partitions moved. Only errors retrying cannot cure reach poll().
      if (!failed->retriable()) {
        pending_error_ = *failed;
        data_ready_.cancel();
        break;
      }
      ++failures;
      (void)co_await cluster_.refresh_metadata();
      if (generation != generation_) break;
      asio::steady_timer pause(cluster_.executor(),
                               retry_backoff_for(failures, cluster_.config().retry_backoff,
                                                 cluster_.config().retry_backoff_max));
      co_await pause.async_wait(use_tuple);
      continue;
    }
    failures = 0;
    for (auto& [tp, ts] : resets) {
      auto offset =
          co_await resolve(tp, ts == earliest_offset_timestamp ? start_position::earliest()
                                                               : start_position::latest());
      if (generation != generation_) break;
      auto it = parts_.find(tp);
      if (it == parts_.end()) continue;
      if (!offset) {
        pending_error_ = offset.error();
        continue;
      }
      it->second.position = *offset;
      ++it->second.epoch;
    }
    data_ready_.cancel();
  }
  if (generation == generation_) fetching_nodes_.erase(node);
  data_ready_.cancel();
  (void)self;
}

void consumer::impl::process(const protocol::fetch_response& response,
                             const std::map<topic_partition, std::pair<int64_t, uint64_t>>& asked,
                             std::vector<std::pair<topic_partition, int64_t>>& resets) {
  std::set<std::string> refresh;
  for (auto& t : response.responses) {
    // Fetch v13+ answers by topic id only.
    const std::string* name = &t.topic;
    if (name->empty()) {
      if (protocol::is_zero(t.topic_id)) continue;
      auto known = std::ranges::find_if(
          cluster_.topics(), [&](const auto& e) { return e.second.topic_id == t.topic_id; });
      if (known == cluster_.topics().end()) continue;  // recreated or deleted since
      name = &known->first;
    }
    for (auto& p : t.partitions) {
      topic_partition tp{*name, p.partition_index};
      auto a = asked.find(tp);
      auto s = parts_.find(tp);
      if (a == asked.end() || s == parts_.end()) continue;
      auto& state = s->second;
      // A seek since the request: this answer is for an old position.
      if (state.epoch != a->second.second || state.position != a->second.first) continue;
      if (p.error_code == error_code::offset_out_of_range) {
        if (config_.auto_offset_reset == offset_reset::none) {
          state.stopped = true;
          pending_error_ = make_error(error_code::offset_out_of_range,
                                      where(tp) + " offset " + std::to_string(state.position));
        } else {
          resets.push_back({tp, config_.auto_offset_reset == offset_reset::earliest
                                    ? earliest_offset_timestamp
                                    : latest_offset_timestamp});
        }
        continue;
      }
      if (p.error_code != error_code::none) {
        if (leader_may_have_moved(p.error_code) || protocol::is_retriable(p.error_code)) {
          refresh.insert(tp.topic);
        } else {
          state.stopped = true;
          pending_error_ = make_error(p.error_code, where(tp));
        }
        continue;
      }
      state.high_watermark = p.high_watermark;
      const bool committed_only = config_.isolation == isolation_level::read_committed;
      // A broker that does not know the LSO (-1) has no transactions to hide.
      if (committed_only)
        state.last_stable_offset =
            p.last_stable_offset >= 0 ? p.last_stable_offset : p.high_watermark;
      if (p.records.is_null() || p.records.size() == 0) continue;
      std::vector<aborted_transaction> aborted;
      if (committed_only && p.aborted_transactions)
        for (auto& a : *p.aborted_transactions) aborted.push_back({a.producer_id, a.first_offset});
      auto decoded = decode_batches(p.records.bytes(), tp.topic, tp.partition, state.position,
                                    config_.check_crcs, committed_only ? &aborted : nullptr);
      if (!decoded) {
        state.stopped = true;
        pending_error_ = std::move(decoded).error();
        continue;
      }
      for (auto& r : decoded->records) buffer_.push_back(std::move(r));
      if (decoded->next_offset && *decoded->next_offset > state.position)
        state.position = *decoded->next_offset;
    }
  }
  if (!refresh.empty()) {
    // The next loop pass reads the refreshed cache; leadership may have moved
    // to another broker, whose loop ensure_fetchers() starts.
    std::vector<std::string> topics(refresh.begin(), refresh.end());
    asio::co_spawn(
        cluster_.executor(),
        [self = shared_from_this(), topics]() mutable -> awaitable<void> {
          (void)co_await self->cluster_.refresh_metadata(std::move(topics));
        },
        asio::detached);
  }
}

}  // namespace sluice::client
