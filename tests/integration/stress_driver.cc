// stress_driver: many librdkafka clients (Debian's 2.0.2, C API) against one
// running sluice-broker for a bounded time; sanitize_stress.py runs it
// against a broker built with ASan+UBSan or TSan (docs/broker.md,
// "Sanitizer stress").
//
//   stress_driver BOOTSTRAP [--seconds S] [--producers N] [--tailers N] [--members N]
//
// While it runs, at once:
//   producers  N clients producing to every partition of the stable topics,
//              in turn acks=1, acks=all, and acks=all idempotent;
//   tailers    N legacy consumers (no group) following a share of those
//              partitions from offset 0, checking offsets have no holes;
//   members    N group members that join group "stress", consume for
//              1.5-4.5 s, close (leave) and join again;
//   churn      an admin client creating and deleting topics churn-<i>, a
//              producer writing to them and a member subscribed to ^churn-.
// Then it stops them, flushes the producers and reads every stable partition
// back: each acknowledged record must be at the offset its delivery report
// named, offsets contiguous, each producer's records in the order sent.
// Errors are expected only on the churn topics (a topic deleted under a
// client); any other error, failed check or missing record exits 1.
#include <librdkafka/rdkafka.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/stress_clients.h"

namespace {

using namespace stress;

constexpr int stable_topics = 4;
constexpr int stable_partitions = 4;  // per stable topic
constexpr int total_partitions = stable_topics * stable_partitions;
constexpr size_t value_size = 160;

struct options {
  std::string bootstrap;
  int seconds = 20, producers = 24, tailers = 6, members = 4;
};

std::atomic<bool> stopping{false};
std::atomic<long> failures{0};

void fail(const char* fmt, const std::string& what) {
  if (failures.fetch_add(1) < 20) std::fprintf(stderr, fmt, what.c_str());
}

std::string stable_topic(int t) { return "stable-" + std::to_string(t); }

// A record names its producer and that producer's sequence number.
std::string value_of(int producer, uint32_t seq) {
  char head[32];
  const int n = std::snprintf(head, sizeof head, "p%05d s%010u|", producer, seq);
  std::string v(value_size, 'x');
  v.replace(0, n, head, n);
  return v;
}
bool parse(const rd_kafka_message_t* m, int* producer, uint32_t* seq) {
  return m->len == value_size &&
         std::sscanf(static_cast<const char*>(m->payload), "p%5d s%10u|", producer, seq) == 2;
}

// ---- producers ----

struct ack {
  int64_t offset;
  uint32_t seq;
};

struct producer_state {
  client_role role{"producer", false};
  int id = 0;
  std::vector<std::vector<ack>> acks = std::vector<std::vector<ack>>(total_partitions);
  long failed = 0;
};

// The message opaque packs the partition index and the sequence number.
void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  auto* s = static_cast<producer_state*>(opaque);
  const auto packed = reinterpret_cast<uintptr_t>(m->_private);
  if (m->err) {
    ++s->failed;
    note_error(s->role, m->err, rd_kafka_message_errstr(m));
    return;
  }
  s->acks[packed >> 32].push_back({m->offset, static_cast<uint32_t>(packed)});
}

void produce(const options& o, producer_state& s) {
  rd_kafka_conf_t* conf = base_conf(o.bootstrap, &s.role);
  static const char* const acks[] = {"1", "all", "all"};
  set(conf, "acks", acks[s.id % 3]);
  set(conf, "enable.idempotence", s.id % 3 == 2 ? "true" : "false");
  set(conf, "linger.ms", "2");
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  rd_kafka_t* rk = make_client(RD_KAFKA_PRODUCER, conf);
  std::vector<rd_kafka_topic_t*> topics;
  for (int t = 0; t < stable_topics; ++t) {
    topics.push_back(rd_kafka_topic_new(rk, stable_topic(t).c_str(), nullptr));
  }
  for (uint32_t seq = 0; !stopping.load(); ++seq) {
    const int gp = static_cast<int>((seq + s.id) % total_partitions);
    const std::string v = value_of(s.id, seq);
    void* packed = reinterpret_cast<void*>((static_cast<uintptr_t>(gp) << 32) | seq);
    // A bounded queue: the broker, not the client's memory, sets the pace.
    while (rd_kafka_outq_len(rk) > 200 && !stopping.load()) rd_kafka_poll(rk, 5);
    if (rd_kafka_produce(topics[gp / stable_partitions], gp % stable_partitions,
                         RD_KAFKA_MSG_F_COPY, const_cast<char*>(v.data()), v.size(), nullptr, 0,
                         packed) != 0) {
      note_error(s.role, rd_kafka_last_error(), "rd_kafka_produce");
      break;
    }
    rd_kafka_poll(rk, 0);
  }
  if (rd_kafka_flush(rk, 120000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    fail("producer %s: records still unacknowledged after 120 s\n", std::to_string(s.id));
  }
  for (rd_kafka_topic_t* t : topics) rd_kafka_topic_destroy(t);
  rd_kafka_destroy(rk);
}

// ---- consumers ----

// Per partition, what a reader has seen so far: offsets without holes,
// each producer's sequence numbers rising.
struct partition_order {
  int64_t next_offset = -1;
  std::map<int, uint32_t> last_seq;

  void check(const char* who, int gp, const rd_kafka_message_t* m, bool from_start) {
    int producer = -1;
    uint32_t seq = 0;
    if (!parse(m, &producer, &seq)) {
      fail("%s: a record that no producer wrote\n", who);
      return;
    }
    if (next_offset == -1 && from_start && m->offset != 0) {
      fail("%s: first offset is not 0\n", std::string(who) + " partition " + std::to_string(gp));
    }
    if (next_offset != -1 && m->offset != next_offset) {
      fail("%s: offsets jump\n", std::string(who) + " partition " + std::to_string(gp) + " at " +
                                     std::to_string(m->offset));
    }
    next_offset = m->offset + 1;
    auto [it, fresh] = last_seq.try_emplace(producer, seq);
    if (!fresh && seq <= it->second) {
      fail("%s: a producer's records out of order\n",
           std::string(who) + " partition " + std::to_string(gp));
    }
    it->second = seq;
  }
};

int partition_index(const rd_kafka_message_t* m) {
  const char* name = rd_kafka_topic_name(m->rkt);
  int t = -1;
  if (std::sscanf(name, "stable-%d", &t) != 1 || t < 0 || t >= stable_topics) return -1;
  return t * stable_partitions + m->partition;
}

long tail(const options& o, int id) {
  client_role role{"tailer", false};
  rd_kafka_conf_t* conf = base_conf(o.bootstrap, &role);
  set(conf, "fetch.wait.max.ms", "50");
  rd_kafka_t* rk = make_client(RD_KAFKA_CONSUMER, conf);
  rd_kafka_queue_t* q = rd_kafka_queue_new(rk);
  std::vector<rd_kafka_topic_t*> topics;
  for (int t = 0; t < stable_topics; ++t) {
    topics.push_back(rd_kafka_topic_new(rk, stable_topic(t).c_str(), nullptr));
  }
  std::vector<partition_order> order(total_partitions);
  for (int gp = id; gp < total_partitions; gp += o.tailers) {
    rd_kafka_consume_start_queue(topics[gp / stable_partitions], gp % stable_partitions,
                                 RD_KAFKA_OFFSET_BEGINNING, q);
  }
  long records = 0;
  while (!stopping.load()) {
    rd_kafka_message_t* m = rd_kafka_consume_queue(q, 100);
    if (m == nullptr) continue;
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      const int gp = partition_index(m);
      if (gp >= 0) order[gp].check("tailer", gp, m, true);
      ++records;
    } else if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      note_error(role, m->err, rd_kafka_message_errstr(m));
    }
    rd_kafka_message_destroy(m);
  }
  for (int gp = id; gp < total_partitions; gp += o.tailers) {
    rd_kafka_consume_stop(topics[gp / stable_partitions], gp % stable_partitions);
  }
  rd_kafka_queue_destroy(q);
  for (rd_kafka_topic_t* t : topics) rd_kafka_topic_destroy(t);
  rd_kafka_destroy(rk);
  return records;
}

// One group member's life: join, consume for `ms`, close. Returns records.
long member_session(const options& o, client_role& role, const char* group,
                    const std::vector<std::string>& subscription, int ms) {
  rd_kafka_conf_t* conf = base_conf(o.bootstrap, &role);
  set(conf, "group.id", group);
  set(conf, "auto.offset.reset", "earliest");
  set(conf, "fetch.wait.max.ms", "100");
  set(conf, "session.timeout.ms", "10000");
  // Members live for seconds: they must see a rebalance sooner than the
  // default 3 s heartbeat tells them, or no generation settles.
  set(conf, "heartbeat.interval.ms", "300");
  set(conf, "auto.commit.interval.ms", "500");
  set(conf, "topic.metadata.refresh.interval.ms", "1000");
  rd_kafka_t* rk = make_client(RD_KAFKA_CONSUMER, conf);
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
  for (const std::string& t : subscription) {
    rd_kafka_topic_partition_list_add(topics, t.c_str(), RD_KAFKA_PARTITION_UA);
  }
  if (rd_kafka_resp_err_t e = rd_kafka_subscribe(rk, topics)) note_error(role, e, "subscribe");
  rd_kafka_topic_partition_list_destroy(topics);
  std::vector<partition_order> order(total_partitions);
  long records = 0;
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < end && !stopping.load()) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 100);
    if (m == nullptr) continue;
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      const int gp = partition_index(m);
      // A member starts wherever the group committed: offsets rise, but
      // not from 0, and a rebalance may hand a partition back.
      if (gp >= 0 && m->offset < order[gp].next_offset) order[gp] = partition_order{};
      if (gp >= 0) order[gp].check("member", gp, m, false);
      ++records;
    } else if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      note_error(role, m->err, rd_kafka_message_errstr(m));
    }
    rd_kafka_message_destroy(m);
  }
  if (rd_kafka_resp_err_t e = rd_kafka_consumer_close(rk)) note_error(role, e, "close");
  if (role.churn) {
    destroy_churn_client(rk, role);
  } else {
    rd_kafka_destroy(rk);
  }
  return records;
}

struct member_totals {
  long sessions = 0, records = 0;
};

member_totals members(const options& o, int id) {
  client_role role{"member", false};
  std::vector<std::string> subscription;
  for (int t = 0; t < stable_topics; ++t) subscription.push_back(stable_topic(t));
  std::mt19937 rng(id);
  member_totals totals;
  while (!stopping.load()) {
    totals.records += member_session(o, role, "stress", subscription, 1500 + rng() % 3000);
    ++totals.sessions;
  }
  return totals;
}

// ---- churn ----

long churn(const options& o) {
  // Static: a client left behind (destroy_churn_client) may still call back.
  static client_role role{"churn", true};
  rd_kafka_conf_t* conf = base_conf(o.bootstrap, &role);
  set(conf, "message.timeout.ms", "3000");
  // Records still queued for a deleted topic must not create it again.
  set(conf, "allow.auto.create.topics", "false");
  rd_kafka_t* rk = make_client(RD_KAFKA_PRODUCER, conf);
  long cycles = 0;
  for (int i = 0; !stopping.load(); ++i) {
    const std::string name = "churn-" + std::to_string(i);
    if (rd_kafka_resp_err_t e = admin_topic(rk, name, 3, true)) {
      note_error(role, e, ("create " + name).c_str());
    }
    for (int r = 0; r < 30; ++r) {
      const std::string v = value_of(99999, r);
      rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(name.c_str()), RD_KAFKA_V_PARTITION(r % 3),
                        RD_KAFKA_V_VALUE(const_cast<char*>(v.data()), v.size()),
                        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    }
    rd_kafka_poll(rk, 200);
    if (rd_kafka_resp_err_t e = admin_topic(rk, name, 0, false)) {
      note_error(role, e, ("delete " + name).c_str());
    }
    ++cycles;
  }
  rd_kafka_flush(rk, 10000);
  destroy_churn_client(rk, role);
  return cycles;
}

void churn_member(const options& o) {
  static client_role role{"churn member", true};
  while (!stopping.load()) member_session(o, role, "stress-churn", {"^churn-.*"}, 3000);
}

// ---- the final read ----

// Reads every stable partition from 0 to its high watermark and checks each
// producer's acknowledged records are at the offsets acknowledged.
long verify(const options& o, const std::vector<producer_state>& producers) {
  client_role role{"verifier", false};
  rd_kafka_t* rk = make_client(RD_KAFKA_CONSUMER, base_conf(o.bootstrap, &role));
  rd_kafka_queue_t* q = rd_kafka_queue_new(rk);
  long records = 0;
  for (int gp = 0; gp < total_partitions; ++gp) {
    const std::string topic = stable_topic(gp / stable_partitions);
    const int p = gp % stable_partitions;
    int64_t low = -1, high = -1;
    if (rd_kafka_query_watermark_offsets(rk, topic.c_str(), p, &low, &high, 30000) != 0) {
      fail("verify: no watermarks for %s\n", topic);
      continue;
    }
    // (producer, seq) by offset.
    std::vector<std::pair<int, uint32_t>> log(high, {-1, 0});
    rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
    rd_kafka_consume_start_queue(rkt, p, RD_KAFKA_OFFSET_BEGINNING, q);
    partition_order order;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (order.next_offset < high && std::chrono::steady_clock::now() < deadline) {
      rd_kafka_message_t* m = rd_kafka_consume_queue(q, 500);
      if (m == nullptr) continue;
      if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR && m->offset < high) {
        order.check("verify", gp, m, true);
        parse(m, &log[m->offset].first, &log[m->offset].second);
        ++records;
      } else if (m->err && m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        note_error(role, m->err, rd_kafka_message_errstr(m));
      }
      rd_kafka_message_destroy(m);
    }
    rd_kafka_consume_stop(rkt, p);
    rd_kafka_topic_destroy(rkt);
    if (order.next_offset < high) fail("verify: %s read short of its high watermark\n", topic);
    for (const producer_state& s : producers) {
      for (const ack& a : s.acks[gp]) {
        if (a.offset < 0 || a.offset >= high || log[a.offset] != std::pair(s.id, a.seq)) {
          fail("verify: an acknowledged record is missing: %s\n",
               topic + "/" + std::to_string(p) + " offset " + std::to_string(a.offset));
        }
      }
    }
  }
  rd_kafka_queue_destroy(q);
  rd_kafka_destroy(rk);
  return records;
}

int run(const options& o) {
  client_role role{"setup", false};
  rd_kafka_t* admin = make_client(RD_KAFKA_PRODUCER, base_conf(o.bootstrap, &role));
  for (int t = 0; t < stable_topics; ++t) {
    if (rd_kafka_resp_err_t e = admin_topic(admin, stable_topic(t), stable_partitions, true)) {
      note_error(role, e, "create stable topic");
    }
  }
  rd_kafka_destroy(admin);

  std::vector<producer_state> producers(o.producers);
  std::vector<long> tailed(o.tailers);
  std::vector<member_totals> joined(o.members);
  long churned = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < o.producers; ++i) {
    producers[i].id = i;
    threads.emplace_back([&, i] { produce(o, producers[i]); });
  }
  for (int i = 0; i < o.tailers; ++i) threads.emplace_back([&, i] { tailed[i] = tail(o, i); });
  for (int i = 0; i < o.members; ++i) threads.emplace_back([&, i] { joined[i] = members(o, i); });
  threads.emplace_back([&] { churned = churn(o); });
  threads.emplace_back([&] { churn_member(o); });
  std::this_thread::sleep_for(std::chrono::seconds(o.seconds));
  stopping.store(true);
  for (std::thread& t : threads) t.join();

  long acked = 0, failed = 0, tailed_total = 0, sessions = 0, consumed = 0;
  for (const producer_state& s : producers) {
    for (const auto& a : s.acks) acked += static_cast<long>(a.size());
    failed += s.failed;
  }
  for (long n : tailed) tailed_total += n;
  for (const member_totals& m : joined) sessions += m.sessions, consumed += m.records;
  const long read = verify(o, producers);
  std::printf(
      "clients=%d acked=%ld failed=%ld read_back=%ld tailed=%ld member_sessions=%ld "
      "member_records=%ld churn_cycles=%ld\n",
      o.producers + o.tailers + o.members + 3, acked, failed, read, tailed_total, sessions,
      consumed, churned);
  const bool clean = report_errors();
  if (acked == 0 || churned == 0 || consumed == 0) fail("%s\n", "a role made no progress");
  const bool ok = failures.load() == 0 && clean;
  std::printf("%s\n", ok ? "stress: ok" : "stress: FAILED");
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s BOOTSTRAP [--seconds S] [--producers N] ...\n", argv[0]);
    return 2;
  }
  o.bootstrap = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const int v = std::atoi(argv[i + 1]);
    if (k == "--seconds") {
      o.seconds = v;
    } else if (k == "--producers") {
      o.producers = v;
    } else if (k == "--tailers") {
      o.tailers = v;
    } else if (k == "--members") {
      o.members = v;
    } else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return 2;
    }
  }
  if (o.tailers < 1 || o.producers < 1) return 2;
  const int rc = run(o);
  // Without destructors: a churn client left behind still has threads.
  std::fflush(nullptr);
  std::_Exit(rc);
}
