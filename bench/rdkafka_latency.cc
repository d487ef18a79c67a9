// rdkafka_latency: end-to-end latency at a fixed rate, producer to consumer,
// over librdkafka's C API (run_latency_bench.py calls it once per case).
//
//   rdkafka_latency --brokers H:P --topic T [--rate 5000] [--size 1024]
//                   [--seconds 20] [--warmup-seconds 2] [--acks 1|all]
//                   [--partitions 1] [--set k=v]... [--consumer-set k=v]...
//                   [--dump PREFIX]
//
// The producer thread sends record i at t0 + i / rate and never skips: when
// it falls behind it sends at once, and the record still carries the time it
// was scheduled for, so a stall shows up in every record it delays
// (coordinated omission would otherwise hide it). Each value starts with that
// scheduled time (CLOCK_MONOTONIC ns, read on the same host by the consumer)
// and a sequence number. A consumer in its own thread reads every partition
// and records now - scheduled per record; a second figure, the acknowledgement
// latency (delivery report - scheduled), splits the path at the broker's
// answer. Records scheduled in the warm-up (connections, metadata, the
// consumer's first offset lookup) are received but not counted.
//
// Producer settings are librdkafka's own unless --set overrides them (the
// effective linger.ms is printed). The consumer uses librdkafka's defaults
// (fetch.wait.max.ms 500, fetch.min.bytes 1): the broker answers a waiting
// Fetch when its high watermark moves. Prints one line of key=value fields.
#include <librdkafka/rdkafka.h>
#include <sys/prctl.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "bench/rdkafka_client.h"

namespace {

using sluice::bench::make_client;
using sluice::bench::set;

struct options {
  std::string brokers = "127.0.0.1:9092", topic = "latency", acks = "all";
  double rate = 5000;
  size_t size = 1024;
  double seconds = 20, warmup_seconds = 2;
  int partitions = 1;
  std::string dump;  // --dump PREFIX: PREFIX.e2e and PREFIX.ack, one record a line
  std::vector<std::pair<std::string, std::string>> producer_set, consumer_set;
};

// The value's first 16 bytes: the scheduled send time and the sequence number.
constexpr size_t header_bytes = 16;

int64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

void sleep_until_ns(int64_t t) {
  timespec ts{static_cast<time_t>(t / 1'000'000'000), static_cast<long>(t % 1'000'000'000)};
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) != 0) {
  }
}

// Latencies (ns) from one thread; read once that thread has finished.
struct samples {
  std::vector<int64_t> ns;
  std::vector<int64_t> scheduled;  // kept for --dump only
  int64_t measured_from = 0;       // records scheduled before this are warm-up
  void add(int64_t sched, int64_t at) {
    if (sched < measured_from) return;
    ns.push_back(at - sched);
    scheduled.push_back(sched);
  }
  // One line per record: scheduled time relative to `t0` and latency, in ms,
  // for finding when in a run the slow records were sent.
  void dump(const std::string& path, int64_t t0) const {
    FILE* f = std::fopen(path.c_str(), "w");
    if (f == nullptr) return;
    for (size_t i = 0; i < ns.size(); ++i)
      std::fprintf(f, "%.3f %.3f\n", static_cast<double>(scheduled[i] - t0) / 1e6,
                   static_cast<double>(ns[i]) / 1e6);
    std::fclose(f);
  }
};

struct delivery_state {
  samples acks;
  long failed = 0;
  rd_kafka_resp_err_t first_error = RD_KAFKA_RESP_ERR_NO_ERROR;
};

int64_t scheduled_of(const void* payload, size_t len) {
  int64_t t = 0;
  if (len >= header_bytes) std::memcpy(&t, payload, sizeof t);
  return t;
}

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  auto* d = static_cast<delivery_state*>(opaque);
  const int64_t at = now_ns();
  if (m->err) {
    if (d->failed++ == 0) d->first_error = m->err;
    return;
  }
  d->acks.add(scheduled_of(m->payload, m->len), at);
}

std::string get(rd_kafka_conf_t* conf, const char* k) {
  char v[256];
  size_t n = sizeof v;
  return rd_kafka_conf_get(conf, k, v, &n) == RD_KAFKA_CONF_OK ? std::string(v) : "?";
}

// Nearest-rank percentile of sorted values, in ms.
double pct_ms(const std::vector<int64_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t i = static_cast<size_t>(p / 100.0 * static_cast<double>(sorted.size()));
  return static_cast<double>(sorted[std::min(i, sorted.size() - 1)]) / 1e6;
}

void print_percentiles(const char* name, std::vector<int64_t>& v) {
  std::sort(v.begin(), v.end());
  std::printf("%s_p50_ms=%.3f %s_p90_ms=%.3f %s_p99_ms=%.3f %s_p999_ms=%.3f %s_max_ms=%.3f ", name,
              pct_ms(v, 50), name, pct_ms(v, 90), name, pct_ms(v, 99), name, pct_ms(v, 99.9), name,
              v.empty() ? 0.0 : static_cast<double>(v.back()) / 1e6);
}

// Reads every partition from the beginning until `stop` and records each
// measured record's latency; also counts distinct measured sequence numbers.
struct consumer_thread {
  samples e2e;
  std::atomic<long> measured_received{0};
  std::atomic<bool> stop{false};
  std::atomic<long> expected{-1};  // measured records sent, known at the end
  std::thread thread;

  void run(const options& o, rd_kafka_t* rk, rd_kafka_topic_t* rkt) {
    rd_kafka_queue_t* q = rd_kafka_queue_new(rk);
    for (int p = 0; p < o.partitions; ++p)
      rd_kafka_consume_start_queue(rkt, p, RD_KAFKA_OFFSET_BEGINNING, q);
    for (;;) {
      const long want = expected.load();
      if (stop.load() || (want >= 0 && measured_received >= want)) break;
      // One message a call: rd_kafka_consume_batch_queue waits for a full
      // batch or its timeout, which would be measured as latency.
      rd_kafka_message_t* m = rd_kafka_consume_queue(q, 100);
      if (m == nullptr) continue;
      const int64_t at = now_ns();
      if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        const int64_t scheduled = scheduled_of(m->payload, m->len);
        if (scheduled >= e2e.measured_from) ++measured_received;
        e2e.add(scheduled, at);
      }
      rd_kafka_message_destroy(m);
    }
    for (int p = 0; p < o.partitions; ++p) rd_kafka_consume_stop(rkt, p);
    rd_kafka_queue_destroy(q);
  }
};

int run(const options& o) {
  // The schedule's resolution: the default 50 us timer slack is a quarter of
  // the 200 us between sends at 5,000/s.
  prctl(PR_SET_TIMERSLACK, 1UL);
  delivery_state d;
  rd_kafka_conf_t* pconf = rd_kafka_conf_new();
  set(pconf, "bootstrap.servers", o.brokers);
  set(pconf, "acks", o.acks);
  for (const auto& [k, v] : o.producer_set) set(pconf, k, v);
  const std::string linger = get(pconf, "linger.ms");
  rd_kafka_conf_set_dr_msg_cb(pconf, on_delivery);
  rd_kafka_conf_set_opaque(pconf, &d);
  rd_kafka_t* prk = make_client(RD_KAFKA_PRODUCER, pconf);
  rd_kafka_topic_t* prkt = rd_kafka_topic_new(prk, o.topic.c_str(), nullptr);
  // Metadata first: it auto-creates the topic the consumer is about to read.
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_metadata(prk, 0, prkt, &md, 10000);
  if (md != nullptr) rd_kafka_metadata_destroy(md);

  rd_kafka_conf_t* cconf = rd_kafka_conf_new();
  set(cconf, "bootstrap.servers", o.brokers);
  for (const auto& [k, v] : o.consumer_set) set(cconf, k, v);
  rd_kafka_t* crk = make_client(RD_KAFKA_CONSUMER, cconf);
  rd_kafka_topic_t* crkt = rd_kafka_topic_new(crk, o.topic.c_str(), nullptr);

  const int64_t interval = static_cast<int64_t>(1e9 / o.rate);
  const int64_t t0 = now_ns() + 10'000'000;
  const long warmup = static_cast<long>(o.warmup_seconds * o.rate);
  const long total = warmup + static_cast<long>(o.seconds * o.rate);
  const int64_t measured_from = t0 + warmup * interval;
  d.acks.measured_from = measured_from;
  consumer_thread c;
  c.e2e.measured_from = measured_from;
  c.thread = std::thread([&] { c.run(o, crk, crkt); });

  // Delivery reports in their own thread, so that the sender's sleeps do not
  // delay them (up to one interval) and they do not delay the sender.
  std::atomic<bool> sending{true};
  std::thread poller([&] {
    while (sending.load() || rd_kafka_outq_len(prk) > 0) rd_kafka_poll(prk, 10);
  });

  std::vector<char> value(o.size < header_bytes ? header_bytes : o.size, 'x');
  int64_t max_behind = 0, first_sent = 0, last_sent = 0;
  for (long i = 0; i < total; ++i) {
    const int64_t scheduled = t0 + i * interval;
    if (now_ns() < scheduled) sleep_until_ns(scheduled);
    const int64_t sent = now_ns();
    if (i >= warmup) max_behind = std::max(max_behind, sent - scheduled);
    if (i == warmup) first_sent = sent;
    std::memcpy(value.data(), &scheduled, sizeof scheduled);
    const int64_t seq = i;
    std::memcpy(value.data() + 8, &seq, sizeof seq);
    // Queue full would mean the broker stopped answering: wait, do not skip.
    while (rd_kafka_produce(prkt, static_cast<int32_t>(i % o.partitions), RD_KAFKA_MSG_F_COPY,
                            value.data(), value.size(), nullptr, 0, nullptr) != 0) {
      if (rd_kafka_last_error() != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        std::fprintf(stderr, "rdkafka_latency: produce: %s\n",
                     rd_kafka_err2str(rd_kafka_last_error()));
        std::exit(1);
      }
      sleep_until_ns(now_ns() + 100'000);
    }
    last_sent = sent;
  }
  sending = false;
  poller.join();
  const long measured = total - warmup;
  c.expected = measured - d.failed;
  // Records still missing 10 s after the last delivery report are lost.
  const int64_t deadline = now_ns() + 10'000'000'000;
  while (c.measured_received < c.expected && now_ns() < deadline)
    sleep_until_ns(now_ns() + 10'000'000);
  c.stop = true;
  c.thread.join();

  if (!o.dump.empty()) {
    c.e2e.dump(o.dump + ".e2e", measured_from);
    d.acks.dump(o.dump + ".ack", measured_from);
  }
  const double send_s = static_cast<double>(last_sent - first_sent) / 1e9;
  std::printf(
      "acks=%s rate=%.0f size=%zu linger_ms=%s partitions=%d sent=%ld failed=%ld received=%zu "
      "send_rate=%.0f max_send_lag_ms=%.3f ",
      o.acks.c_str(), o.rate, value.size(), linger.c_str(), o.partitions, measured, d.failed,
      c.e2e.ns.size(), send_s > 0 ? static_cast<double>(measured - 1) / send_s : 0.0,
      static_cast<double>(max_behind) / 1e6);
  print_percentiles("e2e", c.e2e.ns);
  print_percentiles("ack", d.acks.ns);
  std::printf("\n");
  if (d.failed > 0) std::fprintf(stderr, "first error: %s\n", rd_kafka_err2str(d.first_error));
  rd_kafka_topic_destroy(crkt);
  rd_kafka_destroy(crk);
  rd_kafka_topic_destroy(prkt);
  rd_kafka_destroy(prk);
  return d.failed == 0 && static_cast<long>(c.e2e.ns.size()) >= measured ? 0 : 1;
}

std::pair<std::string, std::string> key_value(const std::string& kv) {
  const size_t eq = kv.find('=');
  if (eq == std::string::npos) {
    std::fprintf(stderr, "rdkafka_latency: expected key=value, got %s\n", kv.c_str());
    std::exit(2);
  }
  return {kv.substr(0, eq), kv.substr(eq + 1)};
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--brokers") {
      o.brokers = v;
    } else if (k == "--topic") {
      o.topic = v;
    } else if (k == "--rate") {
      o.rate = std::stod(v);
    } else if (k == "--size") {
      o.size = std::stoul(v);
    } else if (k == "--seconds") {
      o.seconds = std::stod(v);
    } else if (k == "--warmup-seconds") {
      o.warmup_seconds = std::stod(v);
    } else if (k == "--acks") {
      o.acks = v;
    } else if (k == "--partitions") {
      o.partitions = std::stoi(v);
    } else if (k == "--dump") {
      o.dump = v;
    } else if (k == "--set") {
      o.producer_set.push_back(key_value(v));
    } else if (k == "--consumer-set") {
      o.consumer_set.push_back(key_value(v));
    } else {
      std::fprintf(stderr,
                   "usage: %s [--brokers H:P] [--topic T] [--rate N] [--size N] [--seconds S] "
                   "[--warmup-seconds S] [--acks 0|1|all] [--partitions N] [--set k=v]... "
                   "[--consumer-set k=v]... [--dump PREFIX]\n",
                   argv[0]);
      return 2;
    }
  }
  if (o.rate <= 0 || o.partitions <= 0) {
    std::fprintf(stderr, "rdkafka_latency: --rate and --partitions must be positive\n");
    return 2;
  }
  return run(o);
}
