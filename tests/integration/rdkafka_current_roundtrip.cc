// librdkafka 2.15.1 with its default configuration (it negotiates the newest
// versions it knows) against a running sluice-broker, driven by
// test_rdkafka_current_roundtrip.py:
//   - CreateTopics: a topic of 3 partitions;
//   - a producer sends 1,000 keyed records with a header; every delivery
//     report is a success with a partition and an offset;
//   - a group consumer (subscribe, classic protocol) reads each record once,
//     byte-exact, where its delivery report put it, and commits;
//   - the committed offsets equal the end offsets; a second consumer of the
//     group reads only the records produced after the commit.
// Prints "versions ..." (the highest version of each request it sent); the
// script checks those. Exit code 0 when every check passed.
//
// Usage: rdkafka_current_roundtrip BOOTSTRAP
#include <chrono>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "rdkafka_current.h"

namespace {

using rdkafka_current::set;
using clock_type = std::chrono::steady_clock;

constexpr const char* topic = "roundtrip";
constexpr int partitions = 3;
constexpr int records = 1000;
constexpr int later_records = 10;

struct delivery {
  bool reported = false;
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
  int32_t partition = -1;
  int64_t offset = -1;
};

std::string key_of(int id) { return "key-" + std::to_string(id % 50); }
std::string value_of(int id) {
  std::string v = "value-" + std::to_string(id) + "-";
  v.append(static_cast<size_t>(100 + id % 300), static_cast<char>('a' + id % 26));
  return v;
}

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void*) {
  auto* d = static_cast<delivery*>(m->_private);
  d->reported = true;
  d->err = m->err;
  d->partition = m->partition;
  d->offset = m->offset;
}

void create_topic(rd_kafka_t* rk) {
  char err[512];
  rd_kafka_queue_t* q = rd_kafka_queue_new(rk);
  rd_kafka_NewTopic_t* t = rd_kafka_NewTopic_new(topic, partitions, 1, err, sizeof err);
  rd_kafka_CreateTopics(rk, &t, 1, nullptr, q);
  rd_kafka_NewTopic_destroy(t);
  rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 15000);
  CHECK(ev && rd_kafka_event_error(ev) == 0, "CreateTopics: %s",
        ev ? rd_kafka_event_error_string(ev) : "no result in 15 s");
  if (ev) {
    size_t n = 0;
    const rd_kafka_topic_result_t** r =
        rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
    CHECK(n == 1 && rd_kafka_topic_result_error(r[0]) == 0, "create %s: %s", topic,
          n ? rd_kafka_topic_result_error_string(r[0]) : "no result");
    rd_kafka_event_destroy(ev);
  }
  rd_kafka_queue_destroy(q);
}

// Sends records [first, first + count) and waits for their delivery reports.
void produce(rd_kafka_t* rk, std::vector<delivery>& reports, int first, int count) {
  for (int id = first; id < first + count; ++id) {
    std::string k = key_of(id), v = value_of(id), h = std::to_string(id);
    rd_kafka_resp_err_t err;
    do {
      err = rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_KEY(k.data(), k.size()),
                              RD_KAFKA_V_VALUE(v.data(), v.size()),
                              RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                              RD_KAFKA_V_HEADER("id", h.data(), static_cast<ssize_t>(h.size())),
                              RD_KAFKA_V_OPAQUE(&reports[id]), RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) rd_kafka_poll(rk, 10);
    } while (err == RD_KAFKA_RESP_ERR__QUEUE_FULL);
    CHECK(err == 0, "producev %d: %s", id, rd_kafka_err2str(err));
  }
  CHECK(rd_kafka_flush(rk, 20000) == 0, "flush within 20 s");
  for (int id = first; id < first + count; ++id) {
    const delivery& d = reports[id];
    CHECK(d.reported && d.err == 0 && d.partition >= 0 && d.offset >= 0,
          "record %d delivered: reported %d err %s partition %d offset %lld", id, d.reported,
          rd_kafka_err2name(d.err), d.partition, static_cast<long long>(d.offset));
  }
}

rd_kafka_t* consumer(const char* bootstrap, rdkafka_current::versions& versions) {
  rd_kafka_conf_t* conf = rdkafka_current::base_conf(bootstrap);
  versions.attach(conf);
  set(conf, "group.id", "roundtrip-group");
  set(conf, "auto.offset.reset", "earliest");
  set(conf, "enable.auto.commit", "false");
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  if (!rk) {
    std::fprintf(stderr, "FAIL: consumer: %s\n", err);
    std::exit(2);
  }
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t* sub = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(sub, topic, RD_KAFKA_PARTITION_UA);
  CHECK(rd_kafka_subscribe(rk, sub) == 0, "subscribe");
  rd_kafka_topic_partition_list_destroy(sub);
  return rk;
}

// Reads until `want` records arrived (or 30 s); checks each against what
// was produced; returns the ids read, in order.
std::vector<int> consume(rd_kafka_t* rk, const std::vector<delivery>& reports, int want) {
  std::vector<int> ids;
  auto deadline = clock_type::now() + std::chrono::seconds(30);
  while (static_cast<int>(ids.size()) < want && clock_type::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 200);
    if (!m) continue;
    if (m->err) {
      CHECK(m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF, "consume error: %s",
            rd_kafka_message_errstr(m));
      rd_kafka_message_destroy(m);
      continue;
    }
    rd_kafka_headers_t* hdrs = nullptr;
    const void* hv = nullptr;
    size_t hlen = 0;
    int id = -1;
    if (rd_kafka_message_headers(m, &hdrs) == 0 &&
        rd_kafka_header_get_last(hdrs, "id", &hv, &hlen) == 0)
      id = std::atoi(std::string(static_cast<const char*>(hv), hlen).c_str());
    CHECK(id >= 0 && id < static_cast<int>(reports.size()), "header id of offset %lld",
          static_cast<long long>(m->offset));
    if (id >= 0 && id < static_cast<int>(reports.size())) {
      std::string k(static_cast<const char*>(m->key), m->key_len);
      std::string v(static_cast<const char*>(m->payload), m->len);
      CHECK(k == key_of(id) && v == value_of(id), "record %d byte-exact", id);
      CHECK(m->partition == reports[id].partition && m->offset == reports[id].offset,
            "record %d at %d/%lld, delivered to %d/%lld", id, m->partition,
            static_cast<long long>(m->offset), reports[id].partition,
            static_cast<long long>(reports[id].offset));
      ids.push_back(id);
    }
    rd_kafka_message_destroy(m);
  }
  CHECK(static_cast<int>(ids.size()) == want, "read %zu of %d records", ids.size(), want);
  return ids;
}

void check_committed(rd_kafka_t* rk) {
  rd_kafka_topic_partition_list_t* parts = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; ++p) rd_kafka_topic_partition_list_add(parts, topic, p);
  CHECK(rd_kafka_committed(rk, parts, 10000) == 0, "committed()");
  for (int p = 0; p < partitions; ++p) {
    int64_t low = -1, high = -1;
    CHECK(rd_kafka_query_watermark_offsets(rk, topic, p, &low, &high, 10000) == 0, "watermarks");
    CHECK(parts->elems[p].offset == high, "partition %d committed %lld, end offset %lld", p,
          static_cast<long long>(parts->elems[p].offset), static_cast<long long>(high));
  }
  rd_kafka_topic_partition_list_destroy(parts);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s HOST:PORT\n", argv[0]);
    return 2;
  }
  rdkafka_current::require_version();
  rdkafka_current::versions versions;
  rd_kafka_conf_t* conf = rdkafka_current::base_conf(argv[1]);
  versions.attach(conf);
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  char err[512];
  rd_kafka_t* producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!producer) {
    std::fprintf(stderr, "FAIL: producer: %s\n", err);
    return 2;
  }
  create_topic(producer);
  std::vector<delivery> reports(records + later_records);
  produce(producer, reports, 0, records);

  rd_kafka_t* first = consumer(argv[1], versions);
  std::vector<int> ids = consume(first, reports, records);
  std::map<int, int> seen;
  for (int id : ids) ++seen[id];
  CHECK(static_cast<int>(seen.size()) == records, "%zu distinct records of %d", seen.size(),
        records);
  CHECK(rd_kafka_commit(first, nullptr, 0) == 0, "commit");
  check_committed(first);
  CHECK(rd_kafka_consumer_close(first) == 0, "close");
  rd_kafka_destroy(first);
  std::printf("produced and consumed %d records; committed offsets are the end offsets\n", records);

  produce(producer, reports, records, later_records);
  rd_kafka_t* second = consumer(argv[1], versions);
  std::vector<int> later = consume(second, reports, later_records);
  for (int id : later)
    CHECK(id >= records, "the second consumer resumes after the commit: it read record %d", id);
  // Nothing more may come: the group must not re-read what was committed.
  rd_kafka_message_t* extra = rd_kafka_consumer_poll(second, 1500);
  CHECK(!extra || extra->err, "no record after the %d new ones", later_records);
  if (extra) rd_kafka_message_destroy(extra);
  CHECK(rd_kafka_consumer_close(second) == 0, "close");
  rd_kafka_destroy(second);
  rd_kafka_destroy(producer);
  std::printf("a second group member read only the %d records produced after the commit\n",
              later_records);

  versions.print();
  if (rdkafka_current::failures) {
    std::fprintf(stderr, "%d check(s) failed\n", rdkafka_current::failures);
    return 1;
  }
  std::printf("OK\n");
  return 0;
}
