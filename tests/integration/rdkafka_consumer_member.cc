// One member of a KIP-848 consumer group (group.protocol=consumer) on
// librdkafka 2.15.1, driven by test_rdkafka_consumer_group.py. Several run side
// by side as separate processes so that one can be SIGKILLed.
//
// Usage: rdkafka_consumer_member BOOTSTRAP GROUP SUBSCRIPTION [--assignor NAME]
//                                [--instance-id ID]
//   SUBSCRIPTION  a topic name, or a regular expression starting with "^"
//                 (librdkafka sends it to the broker as SubscribedTopicRegex)
// Offsets are committed synchronously every 100 ms and before partitions are
// revoked, so a record reported as "rec" is consumed exactly once by the group
// unless its member dies before the next commit. Lines on stdout:
//   ready | assigned T:P,T:P | revoked T:P,... | rec T P O V | commit-error E
//   error E | closed
#include <signal.h>

#include <chrono>
#include <cstring>
#include <string>

#include "rdkafka_current.h"

namespace {

using rdkafka_current::set;

volatile sig_atomic_t stop = 0;
void on_signal(int) { stop = 1; }

std::string list(const rd_kafka_topic_partition_list_t* parts) {
  std::string out;
  for (int i = 0; i < parts->cnt; ++i) {
    if (!out.empty()) out += ",";
    out += std::string(parts->elems[i].topic) + ":" + std::to_string(parts->elems[i].partition);
  }
  return out.empty() ? "-" : out;
}

void commit(rd_kafka_t* rk) {
  rd_kafka_resp_err_t err = rd_kafka_commit(rk, nullptr, 0);
  // _NO_OFFSET: nothing consumed since the last commit.
  if (err && err != RD_KAFKA_RESP_ERR__NO_OFFSET)
    std::printf("commit-error %s\n", rd_kafka_err2name(err));
}

void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts,
                  void*) {
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    std::printf("assigned %s\n", list(parts).c_str());
    if (rd_kafka_error_t* e = rd_kafka_incremental_assign(rk, parts)) {
      std::printf("error assign %s\n", rd_kafka_error_string(e));
      rd_kafka_error_destroy(e);
    }
  } else {
    // Commit what was consumed before giving the partitions up, so the next
    // owner starts after it.
    commit(rk);
    std::printf("revoked %s\n", list(parts).c_str());
    if (rd_kafka_error_t* e = rd_kafka_incremental_unassign(rk, parts)) {
      std::printf("error unassign %s\n", rd_kafka_error_string(e));
      rd_kafka_error_destroy(e);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s BOOTSTRAP GROUP SUBSCRIPTION [--assignor NAME]\n", argv[0]);
    return 2;
  }
  rdkafka_current::require_version();
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  signal(SIGTERM, on_signal);
  signal(SIGINT, on_signal);

  rd_kafka_conf_t* conf = rdkafka_current::base_conf(argv[1]);
  set(conf, "group.id", argv[2]);
  set(conf, "group.protocol", "consumer");
  set(conf, "enable.auto.commit", "false");
  set(conf, "auto.offset.reset", "earliest");
  // New topics matching a regex are found through metadata refreshes.
  set(conf, "topic.metadata.refresh.interval.ms", "1000");
  for (int i = 4; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--assignor"))
      set(conf, "group.remote.assignor", argv[i + 1]);
    else if (!std::strcmp(argv[i], "--instance-id"))
      set(conf, "group.instance.id", argv[i + 1]);
  }
  rd_kafka_conf_set_rebalance_cb(conf, on_rebalance);
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  if (!rk) {
    std::fprintf(stderr, "FAIL: consumer: %s\n", err);
    return 2;
  }
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, argv[3], RD_KAFKA_PARTITION_UA);
  rd_kafka_resp_err_t serr = rd_kafka_subscribe(rk, topics);
  rd_kafka_topic_partition_list_destroy(topics);
  if (serr) {
    std::fprintf(stderr, "FAIL: subscribe: %s\n", rd_kafka_err2str(serr));
    return 2;
  }
  std::printf("ready\n");

  auto last_commit = std::chrono::steady_clock::now();
  std::string last_error;
  while (!stop) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 100);
    if (m && m->err) {
      // Printed once per distinct error so a persistent one does not flood.
      std::string e = std::string(rd_kafka_err2name(m->err)) + " " + rd_kafka_message_errstr(m);
      if (e != last_error && m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
        std::printf("error %s\n", e.c_str());
      last_error = e;
    } else if (m) {
      std::printf("rec %s %d %lld %.*s\n", rd_kafka_topic_name(m->rkt), m->partition,
                  static_cast<long long>(m->offset), static_cast<int>(m->len),
                  static_cast<const char*>(m->payload));
    }
    if (m) rd_kafka_message_destroy(m);
    auto now = std::chrono::steady_clock::now();
    if (now - last_commit > std::chrono::milliseconds(100)) {
      commit(rk);
      last_commit = now;
    }
  }
  commit(rk);
  rd_kafka_resp_err_t cerr = rd_kafka_consumer_close(rk);
  if (cerr) std::printf("error close %s\n", rd_kafka_err2name(cerr));
  rd_kafka_destroy(rk);
  std::printf("closed\n");
  return rdkafka_current::failures == 0 ? 0 : 1;
}
