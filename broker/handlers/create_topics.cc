// CreateTopics (19), v0-7 (v5+ flexible). One node: the replication factor must be 1 or -1
// (the default), manual assignments may name only this node, num_partitions
// -1 means num.partitions (v4, KIP-464). Configs are validated against the
// topic keys Sluice supports (topic_configs.h) and stored before the
// partitions are created, so log_manager opens them with the overrides.
// validate_only (v1+) runs every check and changes nothing. Partitions are
// created in slices on the event loop (creation_job) so that thousands of them
// do not stall other clients; the answer comes when all are created, or at
// timeout_ms (if > 0) with REQUEST_TIMED_OUT for the topics still in progress
// (they are completed afterwards, as in Kafka). A topic the broker cannot
// create whole (a full disk) is removed whole: no partial topic. v5+ answers each created (or
// validated) topic's partition count, replication factor and every config with its value and
// source, as DescribeConfigs would; v7 its topic id (zero for validate_only: nothing was created).
#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>
#include <optional>
#include <set>

#include "broker/api_table.h"
#include "broker/config.h"
#include "broker/error_mapping.h"
#include "broker/internal_topics.h"
#include "broker/topic_configs.h"
#include "broker/topic_table.h"
#include "protocol/message.h"
#include "protocol/messages/create_topics.h"

namespace sluice::broker {
namespace {

using protocol::create_topics_request;
using protocol::create_topics_response;
using protocol::error_code;
using result = create_topics_response::creatable_topic_result;

struct failure {
  error_code code;
  std::string message;
};

// The partition count, or why the topic cannot be created as asked.
std::variant<int32_t, failure> check(shard_services& shard,
                                     const create_topics_request::creatable_topic& t,
                                     topic_overrides& overrides) {
  const broker_config& cfg = shard.config();
  if (is_internal_topic(t.name)) {
    // Only the coordinators create these, with their fixed shape
    // (broker/internal_topics.h); Kafka answers a client that is not a super
    // user so, before any other check.
    return failure{error_code::topic_authorization_failed, internal_topic_refusal(t.name)};
  }
  if (!is_valid_topic_name(t.name)) {
    return failure{error_code::invalid_topic_exception, "illegal topic name '" + t.name + "'"};
  }
  if (shard.topics().partitions(t.name) || shard.topics().being_created(t.name)) {
    return failure{error_code::topic_already_exists, "topic '" + t.name + "' already exists"};
  }
  int32_t count = t.num_partitions == -1 ? cfg.num_partitions : t.num_partitions;
  if (!t.assignments.empty()) {
    if (t.num_partitions != -1 || t.replication_factor != -1) {
      return failure{error_code::invalid_request,
                     "both partition count/replication factor and assignments given"};
    }
    count = static_cast<int32_t>(t.assignments.size());
    for (const auto& a : t.assignments) {
      if (a.partition_index < 0 || a.partition_index >= count ||
          a.broker_ids != std::vector<int32_t>{cfg.node_id}) {
        return failure{error_code::invalid_replica_assignment, "partitions 0..n-1, each on node " +
                                                                   std::to_string(cfg.node_id) +
                                                                   " only (single-node broker)"};
      }
    }
  } else if (t.replication_factor != 1 && t.replication_factor != -1) {
    return failure{error_code::invalid_replication_factor,
                   "replication factor must be 1 (single-node broker)"};
  }
  if (count < 1) return failure{error_code::invalid_partitions, "partition count must be >= 1"};
  for (const auto& c : t.configs) {
    if (!c.value) continue;  // null: the default
    if (auto err = validate_topic_config(c.name, *c.value)) {
      return failure{error_code::invalid_config, *err};
    }
    overrides[c.name] = *c.value;
  }
  return count;
}

// The v5+ description of a topic about to exist with `count` partitions.
void describe_result(const broker_config& cfg, int32_t count, const topic_overrides& overrides,
                     result& r) {
  r.num_partitions = count;
  r.replication_factor = 1;
  auto& configs = r.configs.emplace();
  for (const topic_config_key& key : topic_config_keys()) {
    described_config d = describe_topic_config(cfg, overrides, key);
    auto& c = configs.emplace_back();
    c.name = std::string(key.name);
    c.value = std::move(d.value);
    c.read_only = key.read_only;
    c.config_source = d.source;
  }
}

}  // namespace

// Creates the request's topics in slices of at most slice_time on the event
// loop, yielding between slices (a zero-delay timer), so that a topic of
// thousands of partitions does not stall other clients. Answers once every
// topic is created or failed, or at timeout_ms (> 0) with REQUEST_TIMED_OUT
// for the topics not yet complete, which are still completed afterwards, as
// in Kafka. A topic that fails (a full disk) is removed whole, with its
// configs: no partial topic.
// Lifetime: shared by the handler and its pending timer. Thread: the shard's.
class creation_job : public std::enable_shared_from_this<creation_job> {
 public:
  static constexpr auto slice_time = std::chrono::milliseconds(5);

  struct pending {
    size_t result_index = 0;
    std::string name;
    int32_t count = 0;
    size_t overrides = 0;
  };

  creation_job(shard_services& shard, request req, respond_fn respond, create_topics_response resp,
               std::vector<pending> todo, int32_t timeout_ms)
      : shard_(shard),
        req_(std::move(req)),
        respond_(std::move(respond)),
        resp_(std::move(resp)),
        todo_(std::move(todo)) {
    if (timeout_ms > 0) deadline_ = clock::now() + std::chrono::milliseconds(timeout_ms);
  }

  void run() {
    const auto slice_end = clock::now() + slice_time;
    while (next_ < todo_.size()) {
      const pending& t = todo_[next_];
      auto done = shard_.topics().create_some(t.name, slice_end);
      if (!done) {
        fail(t, done.error());
      } else if (*done) {
        created(t);
      } else {
        break;  // the slice is over
      }
      ++next_;
      if (clock::now() >= slice_end) break;
    }
    if (next_ == todo_.size()) return answer();
    if (deadline_ && clock::now() >= *deadline_ && respond_) {
      for (size_t i = next_; i < todo_.size(); ++i) {
        set_error(resp_.topics[todo_[i].result_index], error_code::request_timed_out,
                  "topic creation is still in progress");
      }
      answer();
    }
    timer_ = shard_.start_timer(std::chrono::milliseconds(0),
                                [self = shared_from_this()] { self->run(); });
  }

 private:
  using clock = std::chrono::steady_clock;

  static void set_error(result& r, error_code code, std::string message) {
    std::string name = std::move(r.name);
    r = result{};
    r.name = std::move(name);
    r.error_code = code;
    r.error_message = std::move(message);
  }

  void fail(const pending& t, std::error_code ec) {
    spdlog::warn("event=create_topic_failed topic={} partitions={} error=\"{}\"", t.name, t.count,
                 ec.message());
    // create_some removed every partition it had made: the configs go too.
    if (!shard_.topics().partitions(t.name)) (void)shard_.topics().configs().erase(t.name);
    if (respond_) set_error(resp_.topics[t.result_index], to_kafka_error(ec), ec.message());
  }

  void created(const pending& t) {
    apply_topic_config(shard_.topics(), shard_.config(), t.name);
    if (respond_) resp_.topics[t.result_index].topic_id = shard_.topics().topic_id_or_zero(t.name);
    spdlog::info("event=topic_created topic={} partitions={} overrides={} reason=create_topics",
                 t.name, t.count, t.overrides);
  }

  void answer() {
    if (!respond_) return;
    auto respond = std::move(respond_);
    respond_ = nullptr;
    respond(make_response(req_, resp_));
  }

  shard_services& shard_;
  request req_;
  respond_fn respond_;  // empty once answered
  create_topics_response resp_;
  std::vector<pending> todo_;
  size_t next_ = 0;
  std::optional<clock::time_point> deadline_;
  std::unique_ptr<timer_handle> timer_;
};

void handle_create_topics(shard_services& shard, request req, respond_fn respond) {
  const int16_t version = req.header.api_version;
  create_topics_request body;
  if (protocol::decode_message(req.body, version, body)) return respond(close_connection());

  std::multiset<std::string> names;
  for (const auto& t : body.topics) names.insert(t.name);

  create_topics_response resp;
  std::vector<creation_job::pending> todo;
  for (const auto& t : body.topics) {
    auto& r = resp.topics.emplace_back();
    r.name = t.name;
    auto fail = [&](error_code code, std::string message) {
      r = result{};
      r.name = t.name;
      r.error_code = code;
      r.error_message = std::move(message);
    };
    if (names.count(t.name) > 1) {
      fail(error_code::invalid_request, "topic named more than once in the request");
      continue;
    }
    topic_overrides overrides;
    auto checked = check(shard, t, overrides);
    if (auto* f = std::get_if<failure>(&checked)) {
      fail(f->code, f->message);
      continue;
    }
    const int32_t count = std::get<int32_t>(checked);
    if (version >= 5) describe_result(shard.config(), count, overrides, r);
    if (body.validate_only) continue;
    if (auto ec = shard.topics().configs().put(t.name, overrides)) {
      fail(to_kafka_error(ec), "storing the topic's configs failed: " + ec.message());
      continue;
    }
    if (auto ec = shard.topics().begin_create(t.name, count)) {
      spdlog::warn("event=create_topic_failed topic={} error=\"{}\"", t.name, ec.message());
      if (!shard.topics().partitions(t.name)) (void)shard.topics().configs().erase(t.name);
      fail(to_kafka_error(ec), ec.message());
      continue;
    }
    todo.push_back({resp.topics.size() - 1, t.name, count, overrides.size()});
  }
  // The first slice runs now: a small request is answered before this returns.
  auto job = std::make_shared<creation_job>(shard, std::move(req), std::move(respond),
                                            std::move(resp), std::move(todo), body.timeout_ms);
  job->run();
}

}  // namespace sluice::broker
