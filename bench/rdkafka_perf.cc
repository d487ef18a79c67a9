// rdkafka_perf: an end-to-end producer/consumer benchmark over librdkafka's
// C API, in the spirit of librdkafka's rdkafka_performance. run_broker_bench.sh
// starts a broker and calls it once per case; it prints one line of
// key=value fields for the script to tabulate.
//
//   rdkafka_perf produce --brokers H:P --topic T --size 1024 --count N --acks 1|all
//   rdkafka_perf consume --brokers H:P --topic T --count N
//
// Produce sends values of --size bytes without keys, round-robin over
// --partitions (8) partitions, from one shared buffer (no copy), and times
// from the first send to the last delivery report. Consume reads every
// partition from the beginning (legacy API, no group) until --count records
// arrived.
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "bench/rdkafka_client.h"

namespace {

using sluice::bench::make_client;
using sluice::bench::set;

struct options {
  std::string mode, brokers = "127.0.0.1:9092", topic = "bench", acks = "1";
  std::string idempotence = "false";  // enable.idempotence (librdkafka's default)
  size_t size = 1024;
  long count = 1000000;
  int partitions = 8;
};

struct counters {
  long delivered = 0;
  long failed = 0;
  rd_kafka_resp_err_t first_error = RD_KAFKA_RESP_ERR_NO_ERROR;
};

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  auto* c = static_cast<counters*>(opaque);
  if (m->err) {
    if (c->failed++ == 0) c->first_error = m->err;
  } else {
    ++c->delivered;
  }
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void report(const options& o, long records, uint64_t bytes, double s, long failed) {
  std::printf(
      "mode=%s topic=%s size=%zu acks=%s records=%ld bytes=%llu seconds=%.3f "
      "records_per_s=%.0f mb_per_s=%.1f failed=%ld\n",
      o.mode.c_str(), o.topic.c_str(), o.size, o.acks.c_str(), records,
      static_cast<unsigned long long>(bytes), s, records / s, bytes / s / 1e6, failed);
}

int produce(const options& o) {
  counters c;
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  set(conf, "bootstrap.servers", o.brokers);
  set(conf, "acks", o.acks);
  set(conf, "enable.idempotence", o.idempotence);
  set(conf, "linger.ms", "5");
  set(conf, "batch.num.messages", "100000");
  set(conf, "batch.size", "1000000");
  set(conf, "queue.buffering.max.messages", "2000000");
  set(conf, "queue.buffering.max.kbytes", "2097151");
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  rd_kafka_conf_set_opaque(conf, &c);
  rd_kafka_t* rk = make_client(RD_KAFKA_PRODUCER, conf);
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, o.topic.c_str(), nullptr);
  // Metadata first, so topic auto-creation is not part of the timing.
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_metadata(rk, 0, rkt, &md, 10000);
  if (md != nullptr) rd_kafka_metadata_destroy(md);
  std::vector<char> payload(o.size, 'x');
  const auto t0 = std::chrono::steady_clock::now();
  for (long i = 0; i < o.count; ++i) {
    while (rd_kafka_produce(rkt, static_cast<int32_t>(i % o.partitions), 0, payload.data(),
                            payload.size(), nullptr, 0, nullptr) != 0) {
      if (rd_kafka_last_error() != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        std::fprintf(stderr, "rdkafka_perf: produce: %s\n",
                     rd_kafka_err2str(rd_kafka_last_error()));
        return 1;
      }
      rd_kafka_poll(rk, 1);
    }
    if ((i & 1023) == 0) rd_kafka_poll(rk, 0);
  }
  while (rd_kafka_outq_len(rk) > 0) rd_kafka_poll(rk, 10);
  const double s = seconds_since(t0);
  report(o, c.delivered, static_cast<uint64_t>(c.delivered) * o.size, s, c.failed);
  if (c.failed > 0) std::fprintf(stderr, "first error: %s\n", rd_kafka_err2str(c.first_error));
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(rk);
  return c.failed == 0 ? 0 : 1;
}

int consume(const options& o) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  set(conf, "bootstrap.servers", o.brokers);
  set(conf, "queued.min.messages", "1000000");
  set(conf, "fetch.wait.max.ms", "100");
  rd_kafka_t* rk = make_client(RD_KAFKA_CONSUMER, conf);
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, o.topic.c_str(), nullptr);
  rd_kafka_queue_t* q = rd_kafka_queue_new(rk);
  const auto t0 = std::chrono::steady_clock::now();
  for (int p = 0; p < o.partitions; ++p) {
    rd_kafka_consume_start_queue(rkt, p, RD_KAFKA_OFFSET_BEGINNING, q);
  }
  long records = 0;
  uint64_t bytes = 0;
  std::vector<rd_kafka_message_t*> batch(10000);
  // Throughput counts from the first record, as kafka-consumer-perf-test's
  // fetch.MB.sec does: connecting, metadata and the offset lookups before it
  // are start-up, reported apart.
  std::optional<std::chrono::steady_clock::time_point> first;
  while (records < o.count && seconds_since(t0) < 300) {
    const ssize_t n = rd_kafka_consume_batch_queue(q, 1000, batch.data(), batch.size());
    if (n > 0 && !first) first = std::chrono::steady_clock::now();
    for (ssize_t i = 0; i < n; ++i) {
      if (batch[i]->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        ++records;
        bytes += batch[i]->len;
      }
      rd_kafka_message_destroy(batch[i]);
    }
  }
  const double s = seconds_since(first.value_or(t0));
  std::printf("startup_s=%.3f ",
              first ? std::chrono::duration<double>(*first - t0).count() : seconds_since(t0));
  report(o, records, bytes, s, o.count - records);
  for (int p = 0; p < o.partitions; ++p) rd_kafka_consume_stop(rkt, p);
  rd_kafka_queue_destroy(q);
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(rk);
  return records >= o.count ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: %s produce|consume [--brokers H:P] [--topic T] [--size N] "
                 "[--count N] [--acks 0|1|all] [--partitions N] [--idempotence true|false]\n",
                 argv[0]);
    return 2;
  }
  o.mode = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--brokers") {
      o.brokers = v;
    } else if (k == "--topic") {
      o.topic = v;
    } else if (k == "--size") {
      o.size = std::stoul(v);
    } else if (k == "--count") {
      o.count = std::stol(v);
    } else if (k == "--acks") {
      o.acks = v;
    } else if (k == "--idempotence") {
      o.idempotence = v;
    } else if (k == "--partitions") {
      o.partitions = std::stoi(v);
    } else {
      std::fprintf(stderr, "rdkafka_perf: unknown option %s\n", k.c_str());
      return 2;
    }
  }
  if (o.mode == "produce") return produce(o);
  if (o.mode == "consume") return consume(o);
  std::fprintf(stderr, "rdkafka_perf: mode must be produce or consume\n");
  return 2;
}
