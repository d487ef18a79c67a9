#include "tests/integration/stress_clients.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace stress {
namespace {

// Every error a client reported, by role and name; one lock, taken only on
// errors and checks.
struct error_log {
  std::mutex mu;
  std::map<std::string, long> expected, unexpected;
};
error_log errors;

// Which clients may see errors: only those that touch churn topics, and
// only the errors a deleted or not-yet-created topic gives.
bool expected_error(bool churn, rd_kafka_resp_err_t e) {
  if (!churn) return false;
  switch (e) {
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
    case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS:
    case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT:
      return true;
    default:
      return false;
  }
}

void on_error_cb(rd_kafka_t*, int err, const char* reason, void* opaque) {
  note_error(*static_cast<const client_role*>(opaque), static_cast<rd_kafka_resp_err_t>(err),
             reason);
}

}  // namespace

void note_error(const client_role& role, rd_kafka_resp_err_t e, const char* reason) {
  const bool ok = expected_error(role.churn, e);
  const std::string key = std::string(role.name) + ": " + rd_kafka_err2name(e);
  std::lock_guard lock(errors.mu);
  if (ok) {
    ++errors.expected[key];
  } else if (errors.unexpected[key]++ == 0) {
    std::fprintf(stderr, "unexpected error: %s: %s\n", key.c_str(), reason);
  }
}

void note_expected(const client_role& role, const std::string& what) {
  std::lock_guard lock(errors.mu);
  ++errors.expected[std::string(role.name) + ": " + what];
}

bool report_errors() {
  std::lock_guard lock(errors.mu);
  for (const auto& [what, n] : errors.expected) std::printf("expected %s x%ld\n", what.c_str(), n);
  for (const auto& [what, n] : errors.unexpected) {
    std::printf("UNEXPECTED %s x%ld\n", what.c_str(), n);
  }
  return errors.unexpected.empty();
}

rd_kafka_conf_t* base_conf(const std::string& bootstrap, client_role* role) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), err, sizeof err);
  rd_kafka_conf_set_error_cb(conf, on_error_cb);
  rd_kafka_conf_set_opaque(conf, role);
  return conf;
}

void set(rd_kafka_conf_t* conf, const char* k, const char* v) {
  char err[512];
  if (rd_kafka_conf_set(conf, k, v, err, sizeof err) != RD_KAFKA_CONF_OK) {
    std::fprintf(stderr, "config %s=%s: %s\n", k, v, err);
    std::exit(2);
  }
}

rd_kafka_t* make_client(rd_kafka_type_t type, rd_kafka_conf_t* conf) {
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(type, conf, err, sizeof err);
  if (rk == nullptr) {
    std::fprintf(stderr, "rd_kafka_new: %s\n", err);
    std::exit(2);
  }
  return rk;
}

// librdkafka 2.0.2 can hang in rd_kafka_destroy after a topic it used was
// deleted: a broker thread waits forever for a partition reference the
// library leaked (confluentinc/librdkafka#3007, #4362), while the broker is
// idle (the stacks sanitize_stress.py takes of a hang show both). Clients
// of churn topics are destroyed on a thread of their own and, when that
// hangs, left behind and counted, rather than stalling the run.
void destroy_churn_client(rd_kafka_t* rk, const client_role& role) {
  auto done = std::make_shared<std::promise<void>>();
  std::future<void> destroyed = done->get_future();
  std::thread([rk, done] {
    rd_kafka_destroy(rk);
    done->set_value();
  }).detach();
  if (destroyed.wait_for(std::chrono::seconds(20)) == std::future_status::timeout) {
    note_expected(role, "rd_kafka_destroy hung (librdkafka)");
  }
}

rd_kafka_resp_err_t admin_topic(rd_kafka_t* rk, const std::string& name, int partitions,
                                bool create) {
  char err[512];
  rd_kafka_queue_t* q = rd_kafka_queue_new(rk);
  if (create) {
    rd_kafka_NewTopic_t* t = rd_kafka_NewTopic_new(name.c_str(), partitions, 1, err, sizeof err);
    rd_kafka_CreateTopics(rk, &t, 1, nullptr, q);
    rd_kafka_NewTopic_destroy(t);
  } else {
    rd_kafka_DeleteTopic_t* t = rd_kafka_DeleteTopic_new(name.c_str());
    rd_kafka_DeleteTopics(rk, &t, 1, nullptr, q);
    rd_kafka_DeleteTopic_destroy(t);
  }
  rd_kafka_resp_err_t result = RD_KAFKA_RESP_ERR__TIMED_OUT;
  if (rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 30000)) {
    result = rd_kafka_event_error(ev);
    size_t n = 0;
    const rd_kafka_topic_result_t** r =
        create ? rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n)
               : rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(ev), &n);
    if (result == RD_KAFKA_RESP_ERR_NO_ERROR && n == 1) result = rd_kafka_topic_result_error(r[0]);
    rd_kafka_event_destroy(ev);
  }
  rd_kafka_queue_destroy(q);
  return result;
}

}  // namespace stress
