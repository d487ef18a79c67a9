// One share-group member (KIP-932) on librdkafka 2.15.1's share consumer API,
// in explicit acknowledgement mode, driven by test_rdkafka_share.py. Several
// run side by side as separate processes so that one can be SIGKILLed.
//
// Usage: rdkafka_share_member BOOTSTRAP GROUP TOPIC [--work-ms N] [--one] [--hold] [--async]
//   --work-ms N  "work" N ms on each record before accepting it
//   --one        max.poll.records=1 and at most one record in flight: any
//                extra record a poll returns is released at once, unworked
//   --hold       acknowledge nothing: report the first batch, then keep the
//                records (and the membership) until killed
//   --async      no commit: the acknowledgements ride on the next poll's
//                ShareFetch, and "accepted" is printed from the
//                acknowledgement-commit callback once the broker confirmed
// Until SIGTERM or SIGINT it polls, accepts each record and commits the
// acknowledgements synchronously. Lines on stdout, one per event:
//   ready | got P O DC V | accepted P O DC V | released P O | held P O DC V
//   commit-error P ERR | poll-error ERR | closed
// "accepted" is printed only after the broker confirmed the acknowledgement
// of that record's partition. Exit code 0 after a clean close.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "rdkafka_current.h"

namespace {

using rdkafka_current::set;

volatile sig_atomic_t stop = 0;
void on_signal(int) { stop = 1; }

struct record {
  int32_t partition;
  int64_t offset;
  int16_t delivery_count;
  std::string value;
};

record describe(const rd_kafka_message_t* m) {
  return {m->partition, m->offset, rd_kafka_message_delivery_count(m),
          std::string(static_cast<const char*>(m->payload), m->len)};
}

void print(const char* what, const record& r) {
  std::printf("%s %d %lld %d %s\n", what, r.partition, static_cast<long long>(r.offset),
              r.delivery_count, r.value.c_str());
}

// Commits the acknowledgements made since the last commit; prints "accepted"
// for the records of each partition the broker confirmed.
void commit(rd_kafka_share_t* share, const std::vector<record>& accepted) {
  rd_kafka_topic_partition_list_t* parts = nullptr;
  rd_kafka_error_t* error = rd_kafka_share_commit_sync(share, 10000, &parts);
  if (error) {
    std::printf("commit-error -1 %s\n", rd_kafka_error_name(error));
    rd_kafka_error_destroy(error);
    if (parts) rd_kafka_topic_partition_list_destroy(parts);
    return;
  }
  for (const record& r : accepted) {
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR__NOENT;  // no result for the partition
    for (int i = 0; parts && i < parts->cnt; ++i)
      if (parts->elems[i].partition == r.partition) err = parts->elems[i].err;
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
      print("accepted", r);
    else
      std::printf("commit-error %d %s\n", r.partition, rd_kafka_err2name(err));
  }
  if (parts) rd_kafka_topic_partition_list_destroy(parts);
}

// --async: the records acknowledged and not yet confirmed, by (partition, offset).
std::map<std::pair<int32_t, int64_t>, record> unconfirmed;

void on_commit(rd_kafka_share_t*, rd_kafka_share_partition_offsets_list_t* partitions,
               rd_kafka_resp_err_t err, void*) {
  for (size_t i = 0; partitions && i < rd_kafka_share_partition_offsets_list_count(partitions);
       ++i) {
    const auto* po = rd_kafka_share_partition_offsets_list_get(partitions, i);
    const int32_t partition = rd_kafka_share_partition_offsets_partition(po)->partition;
    const int64_t* offsets = rd_kafka_share_partition_offsets_offsets(po);
    for (size_t j = 0; j < rd_kafka_share_partition_offsets_offsets_cnt(po); ++j) {
      auto it = unconfirmed.find({partition, offsets[j]});
      if (it == unconfirmed.end()) continue;
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
        print("accepted", it->second);
      else
        std::printf("commit-error %d %s\n", partition, rd_kafka_err2name(err));
      unconfirmed.erase(it);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s BOOTSTRAP GROUP TOPIC [--work-ms N] [--one] [--hold]\n",
                 argv[0]);
    return 2;
  }
  int work_ms = 0;
  bool one = false, hold = false, async = false;
  for (int i = 4; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--work-ms") && i + 1 < argc)
      work_ms = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--one"))
      one = true;
    else if (!std::strcmp(argv[i], "--hold"))
      hold = true;
    else if (!std::strcmp(argv[i], "--async"))
      async = true;
  }
  rdkafka_current::require_version();
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  signal(SIGTERM, on_signal);
  signal(SIGINT, on_signal);

  rd_kafka_conf_t* conf = rdkafka_current::base_conf(argv[1]);
  set(conf, "group.id", argv[2]);
  set(conf, "share.acknowledgement.mode", "explicit");
  if (one) set(conf, "max.poll.records", "1");
  char err[512];
  rd_kafka_share_t* share = rd_kafka_share_consumer_new(conf, err, sizeof err);
  if (!share) {
    std::fprintf(stderr, "FAIL: share consumer: %s\n", err);
    return 2;
  }
  if (async) {
    if (rd_kafka_error_t* e =
            rd_kafka_share_set_acknowledgement_commit_cb(share, on_commit, nullptr)) {
      std::fprintf(stderr, "FAIL: commit callback: %s\n", rd_kafka_error_string(e));
      return 2;
    }
  }
  rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, argv[3], RD_KAFKA_PARTITION_UA);
  rd_kafka_resp_err_t serr = rd_kafka_share_subscribe(share, topics);
  rd_kafka_topic_partition_list_destroy(topics);
  if (serr) {
    std::fprintf(stderr, "FAIL: subscribe: %s\n", rd_kafka_err2str(serr));
    return 2;
  }
  std::printf("ready\n");

  std::string last_poll_error;
  while (!stop) {
    rd_kafka_messages_t* batch = nullptr;
    rd_kafka_error_t* error = rd_kafka_share_poll(share, 200, &batch);
    if (error) {
      // Printed once per distinct error so a persistent one does not flood.
      std::string e = std::string(rd_kafka_error_name(error)) + " " + rd_kafka_error_string(error);
      if (e != last_poll_error) std::printf("poll-error %s\n", e.c_str());
      last_poll_error = e;
      bool fatal = rd_kafka_error_is_fatal(error);
      rd_kafka_error_destroy(error);
      if (fatal) return 3;
      continue;
    }
    size_t n = rd_kafka_messages_count(batch);
    if (n == 0) {
      rd_kafka_messages_destroy(batch);
      continue;
    }
    std::vector<record> accepted;
    for (size_t i = 0; i < n; ++i) {
      rd_kafka_message_t* m = rd_kafka_messages_get(batch, i);
      if (m->err) {
        std::printf("poll-error %s %s (record %d %lld)\n", rd_kafka_err2name(m->err),
                    rd_kafka_message_errstr(m), m->partition, static_cast<long long>(m->offset));
        rd_kafka_share_acknowledge_type(share, m, RD_KAFKA_SHARE_ACKNOWLEDGE_TYPE_RELEASE);
        continue;
      }
      record r = describe(m);
      if (hold) {
        print("held", r);
        continue;
      }
      if (one && i > 0) {
        rd_kafka_share_acknowledge_type(share, m, RD_KAFKA_SHARE_ACKNOWLEDGE_TYPE_RELEASE);
        std::printf("released %d %lld\n", r.partition, static_cast<long long>(r.offset));
        continue;
      }
      print("got", r);
      if (work_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(work_ms));
      rd_kafka_resp_err_t aerr =
          rd_kafka_share_acknowledge_type(share, m, RD_KAFKA_SHARE_ACKNOWLEDGE_TYPE_ACCEPT);
      if (aerr)
        std::printf("commit-error %d %s\n", r.partition, rd_kafka_err2name(aerr));
      else
        accepted.push_back(r);
    }
    rd_kafka_messages_destroy(batch);
    if (hold) {
      // Keep the records acquired and the member alive until the test kills us.
      while (!stop) std::this_thread::sleep_for(std::chrono::milliseconds(50));
      return 0;
    }
    if (async) {
      for (const record& r : accepted) unconfirmed[{r.partition, r.offset}] = r;
    } else {
      commit(share, accepted);
    }
  }

  if (rd_kafka_error_t* e = rd_kafka_share_consumer_close(share)) {
    std::printf("close-error %s\n", rd_kafka_error_string(e));
    rd_kafka_error_destroy(e);
  }
  if (rd_kafka_error_t* e = rd_kafka_share_destroy(share)) rd_kafka_error_destroy(e);
  std::printf("closed\n");
  return rdkafka_current::failures == 0 ? 0 : 1;
}
