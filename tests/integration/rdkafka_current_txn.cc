// librdkafka 2.15.1 transactions against a running sluice-broker, driven by
// test_rdkafka_current_txn.py (which creates the topics "txn" and
// "txn-out", 3 partitions each):
//   - a transactional producer (init_transactions) runs 6 transactions of 30
//     records over the 3 partitions, committing even ones and aborting odd
//     ones; every record of a committed transaction gets a delivery report;
//   - a read_committed consumer reads each committed record once and no
//     aborted one; a read_uncommitted consumer reads all 180;
//   - consume-transform-produce: a group consumer (read_committed) reads the
//     committed records, a transaction writes them to "txn-out" with its
//     positions (send_offsets_to_transaction) and commits; the group's
//     committed offsets are then those positions and a read_committed
//     reader of "txn-out" sees each record once.
// Prints "versions ..." (the highest version of each request it sent).
// Exit code 0 when every check passed.
//
// Usage: rdkafka_current_txn BOOTSTRAP
#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "rdkafka_current.h"

namespace {

using rdkafka_current::set;
using clock_type = std::chrono::steady_clock;

constexpr int partitions = 3;
constexpr int transactions = 6;
constexpr int per_txn = 30;

int delivered = 0;
int delivery_errors = 0;

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void*) {
  if (m->err)
    ++delivery_errors;
  else
    ++delivered;
}

// Checks a transactional call; false (and a FAIL line) on error.
bool ok(rd_kafka_error_t* e, const char* what) {
  if (!e) return true;
  CHECK(false, "%s: %s (%s)", what, rd_kafka_error_string(e), rd_kafka_error_name(e));
  rd_kafka_error_destroy(e);
  return false;
}

rd_kafka_t* new_handle(rd_kafka_type_t type, rd_kafka_conf_t* conf) {
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(type, conf, err, sizeof err);
  if (!rk) {
    std::fprintf(stderr, "FAIL: rd_kafka_new: %s\n", err);
    std::exit(2);
  }
  return rk;
}

void produce(rd_kafka_t* rk, const char* topic, int partition, const std::string& v) {
  rd_kafka_resp_err_t err;
  do {
    err = rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(partition),
                            RD_KAFKA_V_VALUE(const_cast<char*>(v.data()), v.size()),
                            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) rd_kafka_poll(rk, 10);
  } while (err == RD_KAFKA_RESP_ERR__QUEUE_FULL);
  CHECK(err == 0, "producev %s: %s", v.c_str(), rd_kafka_err2str(err));
}

// Every value a fresh assign()-ed consumer reads from the start of each
// partition of `topic` to its end (the LSO for read_committed).
std::vector<std::string> read_all(const char* bootstrap, const char* topic, bool committed,
                                  rdkafka_current::versions& versions) {
  rd_kafka_conf_t* conf = rdkafka_current::base_conf(bootstrap);
  versions.attach(conf);
  set(conf, "group.id", "txn-reader");
  set(conf, "enable.auto.commit", "false");
  set(conf, "enable.partition.eof", "true");
  set(conf, "isolation.level", committed ? "read_committed" : "read_uncommitted");
  rd_kafka_t* rk = new_handle(RD_KAFKA_CONSUMER, conf);
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t* parts = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; ++p)
    rd_kafka_topic_partition_list_add(parts, topic, p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  CHECK(rd_kafka_assign(rk, parts) == 0, "assign");
  rd_kafka_topic_partition_list_destroy(parts);
  std::vector<std::string> out;
  std::set<int> at_end;
  auto deadline = clock_type::now() + std::chrono::seconds(20);
  while (static_cast<int>(at_end.size()) < partitions && clock_type::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 200);
    if (!m) continue;
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      at_end.insert(m->partition);
    } else if (m->err) {
      CHECK(false, "consume %s: %s", topic, rd_kafka_message_errstr(m));
    } else {
      at_end.erase(m->partition);
      out.emplace_back(static_cast<const char*>(m->payload), m->len);
    }
    rd_kafka_message_destroy(m);
  }
  CHECK(static_cast<int>(at_end.size()) == partitions, "%s: %zu partitions reached their end",
        topic, at_end.size());
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  return out;
}

// `got` holds each of `want` once and nothing else.
void expect_exactly(const std::vector<std::string>& got, const std::set<std::string>& want,
                    const char* what) {
  std::set<std::string> seen;
  for (const std::string& v : got) {
    CHECK(seen.insert(v).second, "%s: %s read twice", what, v.c_str());
    CHECK(want.count(v), "%s: %s should not be visible", what, v.c_str());
  }
  CHECK(seen.size() == want.size(), "%s: %zu of %zu values", what, seen.size(), want.size());
}

void alternate(rd_kafka_t* producer, std::set<std::string>& committed, std::set<std::string>& all) {
  for (int t = 0; t < transactions; ++t) {
    if (!ok(rd_kafka_begin_transaction(producer), "begin_transaction")) return;
    std::set<std::string> values;
    for (int i = 0; i < per_txn; ++i) {
      std::string v = "c" + std::to_string(t) + "-" + std::to_string(i);
      produce(producer, "txn", i % partitions, v);
      values.insert(v);
    }
    all.insert(values.begin(), values.end());
    if (t % 2 == 0) {
      if (ok(rd_kafka_commit_transaction(producer, 20000), "commit_transaction"))
        committed.insert(values.begin(), values.end());
    } else {
      CHECK(rd_kafka_flush(producer, 20000) == 0, "flush before abort");
      ok(rd_kafka_abort_transaction(producer, 20000), "abort_transaction");
    }
  }
  // Aborted records too were flushed (acknowledged) before their abort.
  CHECK(delivered == transactions * per_txn && delivery_errors == 0,
        "%d delivery reports, %d failed, for %d records", delivered, delivery_errors,
        transactions * per_txn);
}

void transform(const char* bootstrap, rd_kafka_t* producer, const std::set<std::string>& input,
               rdkafka_current::versions& versions) {
  rd_kafka_conf_t* conf = rdkafka_current::base_conf(bootstrap);
  versions.attach(conf);
  set(conf, "group.id", "txn-ctp");
  set(conf, "auto.offset.reset", "earliest");
  set(conf, "enable.auto.commit", "false");
  set(conf, "isolation.level", "read_committed");
  rd_kafka_t* c = new_handle(RD_KAFKA_CONSUMER, conf);
  rd_kafka_poll_set_consumer(c);
  rd_kafka_topic_partition_list_t* sub = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(sub, "txn", RD_KAFKA_PARTITION_UA);
  CHECK(rd_kafka_subscribe(c, sub) == 0, "subscribe");
  rd_kafka_topic_partition_list_destroy(sub);
  std::vector<std::string> got;
  auto deadline = clock_type::now() + std::chrono::seconds(25);
  while (got.size() < input.size() && clock_type::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(c, 200);
    if (!m) continue;
    if (!m->err) got.emplace_back(static_cast<const char*>(m->payload), m->len);
    rd_kafka_message_destroy(m);
  }
  expect_exactly(got, input, "group consumer (read_committed)");

  if (ok(rd_kafka_begin_transaction(producer), "begin_transaction (transform)")) {
    for (const std::string& v : got) produce(producer, "txn-out", v.back() % partitions, v + "!");
    rd_kafka_topic_partition_list_t* positions = nullptr;
    CHECK(rd_kafka_assignment(c, &positions) == 0, "assignment");
    CHECK(rd_kafka_position(c, positions) == 0, "position");
    rd_kafka_consumer_group_metadata_t* meta = rd_kafka_consumer_group_metadata(c);
    ok(rd_kafka_send_offsets_to_transaction(producer, positions, meta, 20000),
       "send_offsets_to_transaction");
    rd_kafka_consumer_group_metadata_destroy(meta);
    ok(rd_kafka_commit_transaction(producer, 20000), "commit_transaction (transform)");

    rd_kafka_topic_partition_list_t* committed = rd_kafka_topic_partition_list_copy(positions);
    CHECK(rd_kafka_committed(c, committed, 10000) == 0, "committed()");
    for (int i = 0; i < committed->cnt; ++i) {
      CHECK(committed->elems[i].offset == positions->elems[i].offset &&
                committed->elems[i].offset > 0,
            "partition %d committed %lld, position %lld", committed->elems[i].partition,
            static_cast<long long>(committed->elems[i].offset),
            static_cast<long long>(positions->elems[i].offset));
    }
    CHECK(committed->cnt == partitions, "%d partitions assigned", committed->cnt);
    rd_kafka_topic_partition_list_destroy(committed);
    rd_kafka_topic_partition_list_destroy(positions);
  }
  rd_kafka_consumer_close(c);
  rd_kafka_destroy(c);
  std::set<std::string> out;
  for (const std::string& v : input) out.insert(v + "!");
  expect_exactly(read_all(bootstrap, "txn-out", true, versions), out, "txn-out read_committed");
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
  set(conf, "transactional.id", "rdkafka-current-txn");
  set(conf, "transaction.timeout.ms", "20000");
  set(conf, "linger.ms", "5");
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  rd_kafka_t* producer = new_handle(RD_KAFKA_PRODUCER, conf);
  if (ok(rd_kafka_init_transactions(producer, 20000), "init_transactions")) {
    std::set<std::string> committed, all;
    alternate(producer, committed, all);
    expect_exactly(read_all(argv[1], "txn", true, versions), committed, "read_committed");
    expect_exactly(read_all(argv[1], "txn", false, versions), all, "read_uncommitted");
    std::printf("%d transactions: read_committed %zu values once each, read_uncommitted %zu\n",
                transactions, committed.size(), all.size());
    transform(argv[1], producer, committed, versions);
    std::printf("consume-transform-produce: offsets committed with the transaction\n");
  }
  rd_kafka_destroy(producer);
  versions.print();
  if (rdkafka_current::failures) {
    std::fprintf(stderr, "%d check(s) failed\n", rdkafka_current::failures);
    return 1;
  }
  std::printf("OK\n");
  return 0;
}
