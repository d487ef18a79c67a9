// A librdkafka client (its C API, as a C program would use it) against a
// running sluice-broker, driven by rdkafka_interop.py:
//
//   for acks in 0, 1, all: produce keyed records (1 KiB, plus some of 1 MiB)
//   with the default partitioner to a topic of 8 partitions, then read all 8
//   partitions back from the beginning (legacy consumer API: no group) and
//   check that every record is byte-exact, on the partition its delivery
//   report named (and, for acks 1 and all, at that offset), and that all
//   records with one key are on one partition.
//
// Usage: rdkafka_interop BOOTSTRAP. Exit code 0 when every check passed.
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace {

constexpr int partitions = 8;
constexpr int small_records = 400;
constexpr int large_records = 6;
constexpr size_t small_size = 1024;
constexpr size_t large_size = 1 << 20;
constexpr int keys = 40;

struct delivery {
  bool reported = false;
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
  int32_t partition = -1;
  int64_t offset = -1;
};

int failures = 0;
#define CHECK(cond, ...)                                          \
  do {                                                            \
    if (!(cond)) {                                                \
      if (++failures <= 20) {                                     \
        std::fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
        std::fprintf(stderr, __VA_ARGS__);                        \
        std::fprintf(stderr, "\n");                               \
      }                                                           \
    }                                                             \
  } while (0)

size_t size_of(int id) { return id < large_records ? large_size : small_size; }
std::string key_of(int id) { return "key-" + std::to_string(id % keys); }

// "%010d;" then a pattern that depends on the id, so any mix-up shows.
std::string value_of(int id) {
  std::string v(size_of(id), '\0');
  std::snprintf(v.data(), 12, "%010d;", id);
  for (size_t j = 11; j < v.size(); ++j) v[j] = static_cast<char>((id * 31 + j * 7) & 0xff);
  return v;
}

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void*) {
  auto* d = static_cast<delivery*>(m->_private);
  d->reported = true;
  d->err = m->err;
  d->partition = m->partition;
  d->offset = m->offset;
}

rd_kafka_conf_t* base_conf(const char* bootstrap) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, err, sizeof err);
  rd_kafka_conf_set(conf, "socket.timeout.ms", "10000", err, sizeof err);
  return conf;
}

bool set(rd_kafka_conf_t* conf, const char* k, const char* v) {
  char err[512];
  if (rd_kafka_conf_set(conf, k, v, err, sizeof err) != RD_KAFKA_CONF_OK) {
    std::fprintf(stderr, "config %s=%s: %s\n", k, v, err);
    return false;
  }
  return true;
}

void run_case(const char* bootstrap, const char* acks) {
  const std::string topic = std::string("interop-acks-") + acks;
  const int total = small_records + large_records;
  std::vector<delivery> dr(total);
  char err[512];

  rd_kafka_conf_t* pconf = base_conf(bootstrap);
  set(pconf, "acks", acks);
  set(pconf, "linger.ms", "5");
  // A 1 MiB value plus record and batch overhead: above the 1,000,000 default.
  set(pconf, "message.max.bytes", "2097152");
  rd_kafka_conf_set_dr_msg_cb(pconf, on_delivery);
  rd_kafka_t* producer = rd_kafka_new(RD_KAFKA_PRODUCER, pconf, err, sizeof err);
  CHECK(producer != nullptr, "producer: %s", err);
  if (producer == nullptr) return;
  for (int id = 0; id < total; ++id) {
    const std::string key = key_of(id);
    const std::string value = value_of(id);
    rd_kafka_resp_err_t e;
    do {
      e = rd_kafka_producev(
          producer, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_KEY(key.data(), key.size()),
          RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_OPAQUE(&dr[id]), RD_KAFKA_V_END);
      if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL) rd_kafka_poll(producer, 100);
    } while (e == RD_KAFKA_RESP_ERR__QUEUE_FULL);
    CHECK(e == RD_KAFKA_RESP_ERR_NO_ERROR, "produce %d: %s", id, rd_kafka_err2str(e));
    rd_kafka_poll(producer, 0);
  }
  CHECK(rd_kafka_flush(producer, 30000) == RD_KAFKA_RESP_ERR_NO_ERROR, "flush timed out");
  rd_kafka_destroy(producer);

  std::map<std::string, std::set<int32_t>> key_partitions;
  for (int id = 0; id < total; ++id) {
    CHECK(dr[id].reported && dr[id].err == RD_KAFKA_RESP_ERR_NO_ERROR, "acks=%s record %d: %s",
          acks, id, rd_kafka_err2str(dr[id].err));
    CHECK(dr[id].partition >= 0 && dr[id].partition < partitions, "record %d partition %d", id,
          dr[id].partition);
    key_partitions[key_of(id)].insert(dr[id].partition);
  }
  for (const auto& [key, ps] : key_partitions) {
    CHECK(ps.size() == 1, "acks=%s: key %s went to %zu partitions", acks, key.c_str(), ps.size());
  }

  rd_kafka_conf_t* cconf = base_conf(bootstrap);
  set(cconf, "fetch.message.max.bytes", "2097152");
  rd_kafka_t* consumer = rd_kafka_new(RD_KAFKA_CONSUMER, cconf, err, sizeof err);
  CHECK(consumer != nullptr, "consumer: %s", err);
  if (consumer == nullptr) return;
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(consumer, topic.c_str(), nullptr);
  rd_kafka_queue_t* queue = rd_kafka_queue_new(consumer);
  for (int p = 0; p < partitions; ++p) {
    CHECK(rd_kafka_consume_start_queue(rkt, p, RD_KAFKA_OFFSET_BEGINNING, queue) == 0,
          "consume_start %d: %s", p, rd_kafka_err2str(rd_kafka_last_error()));
  }
  std::vector<int> seen(total, 0);
  int got = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (got < total && std::chrono::steady_clock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consume_queue(queue, 500);
    if (m == nullptr) continue;
    if (m->err) {
      if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        CHECK(false, "consume: %s", rd_kafka_message_errstr(m));
      }
      rd_kafka_message_destroy(m);
      continue;
    }
    int id = -1;
    if (m->len >= 11) std::sscanf(static_cast<const char*>(m->payload), "%10d;", &id);
    CHECK(id >= 0 && id < total, "acks=%s: unknown record at %d/%lld", acks, m->partition,
          static_cast<long long>(m->offset));
    if (id >= 0 && id < total) {
      ++seen[id];
      ++got;
      const std::string want = value_of(id);
      const std::string key = key_of(id);
      CHECK(m->len == want.size() && std::memcmp(m->payload, want.data(), want.size()) == 0,
            "acks=%s record %d: value differs (%zu bytes)", acks, id, m->len);
      CHECK(m->key_len == key.size() && std::memcmp(m->key, key.data(), key.size()) == 0,
            "acks=%s record %d: key differs", acks, id);
      CHECK(m->partition == dr[id].partition,
            "acks=%s record %d with %s: on partition %d, delivery report said %d", acks, id,
            key.c_str(), m->partition, dr[id].partition);
      if (std::strcmp(acks, "0") != 0) {
        CHECK(m->offset == dr[id].offset, "acks=%s record %d: offset %lld, reported %lld", acks, id,
              static_cast<long long>(m->offset), static_cast<long long>(dr[id].offset));
      }
    }
    rd_kafka_message_destroy(m);
  }
  for (int id = 0; id < total; ++id) {
    CHECK(seen[id] == 1, "acks=%s record %d read %d times", acks, id, seen[id]);
  }
  for (int p = 0; p < partitions; ++p) rd_kafka_consume_stop(rkt, p);
  rd_kafka_queue_destroy(queue);
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(consumer);
  std::printf(
      "acks=%s: %d records (%d of 1 MiB) over %zu keys, all where the delivery report "
      "said\n",
      acks, got, large_records, key_partitions.size());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s BOOTSTRAP\n", argv[0]);
    return 2;
  }
  std::printf("librdkafka %s\n", rd_kafka_version_str());
  for (const char* acks : {"0", "1", "all"}) run_case(argv[1], acks);
  if (failures > 0) std::fprintf(stderr, "%d checks failed\n", failures);
  return failures == 0 ? 0 : 1;
}
