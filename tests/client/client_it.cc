// client_it: drives the client library against a real broker, one scenario
// per subcommand; tests/integration/test_client.py starts the broker and
// checks the output. Each scenario prints "OK ..." and exits 0, or prints
// "FAIL: why" and exits 1; a 60 s deadline ends it with exit 2.
//
//   client_it BOOTSTRAP roundtrip TOPIC CODEC COUNT PARTITIONS [ACKS]
//   client_it BOOTSTRAP consume TOPIC            (prints partition, offset, key, value, murmur2
//   partition) client_it BOOTSTRAP produce-keys TOPIC COUNT (keys k0..k{COUNT-1}, default
//   partitioner) client_it BOOTSTRAP admin TOPIC client_it BOOTSTRAP group TOPIC GROUP client_it
//   BOOTSTRAP produce-down TOPIC       (prints READY, waits for a line on
//                                                 stdin while the test kills the broker)

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdio>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "client/admin.h"
#include "client/consumer.h"
#include "client/group_member.h"
#include "client/producer.h"

namespace asio = boost::asio;
using namespace sluice::client;
using namespace std::chrono_literals;

namespace {

struct failure {
  std::string why;
};

void check(bool ok, const std::string& why) {
  if (!ok) throw failure{why};
}
template <class T>
T must(result<T> r, const std::string& what) {
  if (!r) throw failure{what + ": " + r.error().message};
  return std::move(*r);
}
void must(result<void> r, const std::string& what) {
  if (!r) throw failure{what + ": " + r.error().message};
}

std::string key_of(int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "key-%05d", i);
  return buf;
}
std::string value_of(int i) {
  return "value-" + std::to_string(i) + "-" + std::string(i % 50, 'x');
}

awaitable<void> create_topic(cluster& c, const std::string& topic, int32_t partitions) {
  admin a(c);
  std::vector<new_topic> topics;
  topics.push_back({topic, partitions, -1, {}});
  auto created = must(co_await a.create_topics(std::move(topics)), "create " + topic);
  check(created[topic].ok(), created[topic].message);
  must(co_await c.refresh_metadata(), "metadata");
}

// Reads every partition of `topic` from the start until each is at its end
// (and at least `want` records, when given).
awaitable<std::vector<consumer_record>> read_all(
    cluster& c, const std::string& topic, size_t want,
    isolation_level isolation = isolation_level::read_uncommitted) {
  auto t = must(co_await c.topic(topic), "topic " + topic);
  consumer_config cc;
  cc.isolation = isolation;
  consumer k(c, cc);
  std::vector<partition_assignment> parts;
  for (auto& p : t.partitions) parts.push_back({{topic, p.partition}, start_position::earliest()});
  must(co_await k.assign(std::move(parts)), "assign");
  std::vector<consumer_record> out;
  while (true) {
    auto recs = must(co_await k.poll(500ms), "poll");
    for (auto& r : recs) out.push_back(std::move(r));
    if (k.at_end() && out.size() >= want) break;
  }
  co_return out;
}

awaitable<void> roundtrip(cluster& c, std::vector<std::string> args) {
  check(args.size() == 4 || args.size() == 5, "roundtrip TOPIC CODEC COUNT PARTITIONS [ACKS]");
  const std::string topic = args[0];
  auto codec = parse_compression(args[1]);
  check(codec.has_value(), "unknown codec " + args[1]);
  const int count = std::stoi(args[2]);
  const int32_t partitions = std::stoi(args[3]);
  co_await create_topic(c, topic, partitions);

  producer_config pc;
  pc.compression = *codec;
  pc.linger = 10ms;
  if (args.size() == 5) pc.acks = static_cast<int16_t>(std::stoi(args[4]));
  producer p(c, pc);
  int delivered = 0;
  std::string first_error;
  for (int i = 0; i < count; ++i) {
    producer_record r;
    r.topic = topic;
    r.key = to_bytes(key_of(i));
    r.value = to_bytes(value_of(i));
    r.headers.push_back({"h1", to_bytes("one")});
    r.headers.push_back({"n", std::nullopt});
    const int32_t expected = partition_for_key(*r.key, partitions);
    must(co_await p.produce(std::move(r),
                            [&, expected](const result<record_metadata>& md) {
                              if (!md) {
                                if (first_error.empty()) first_error = md.error().message;
                                return;
                              }
                              if (md->partition != expected && first_error.empty())
                                first_error = "record went to partition " +
                                              std::to_string(md->partition) + ", murmur2 says " +
                                              std::to_string(expected);
                              ++delivered;
                            }),
         "produce");
  }
  must(co_await p.flush(), "flush");
  check(first_error.empty(), first_error);
  check(delivered == count, "delivered " + std::to_string(delivered));

  auto records = co_await read_all(c, topic, static_cast<size_t>(count));
  check(records.size() == static_cast<size_t>(count),
        "consumed " + std::to_string(records.size()) + " of " + std::to_string(count));
  std::set<std::string> seen;
  for (auto& r : records) {
    check(r.key.has_value() && r.value.has_value(), "null key or value");
    const std::string key(as_text(*r.key));
    const int i = std::stoi(key.substr(4));
    check(as_text(*r.value) == value_of(i), "value of " + key);
    check(r.partition == partition_for_key(*r.key, partitions), "partition of " + key);
    check(r.headers.size() == 2 && r.headers[0].key == "h1" && r.headers[0].value &&
              as_text(*r.headers[0].value) == "one" && !r.headers[1].value,
          "headers of " + key);
    check(seen.insert(key).second, "duplicate " + key);
  }
  std::cout << "OK roundtrip codec=" << args[1] << " acks=" << pc.acks
            << " records=" << records.size() << std::endl;
}

awaitable<void> consume(cluster& c, std::vector<std::string> args) {
  check(args.size() == 1, "consume TOPIC");
  auto t = must(co_await c.topic(args[0]), "topic");
  const auto n = static_cast<int32_t>(t.partitions.size());
  auto records = co_await read_all(c, args[0], 0);
  for (auto& r : records)
    std::cout << r.partition << '\t' << r.offset << '\t' << (r.key ? as_text(*r.key) : "") << '\t'
              << (r.value ? as_text(*r.value) : "") << '\t'
              << (r.key ? partition_for_key(*r.key, n) : -1) << '\n';
  std::cout << "OK consume records=" << records.size() << std::endl;
}

awaitable<void> produce_keys(cluster& c, std::vector<std::string> args) {
  check(args.size() == 2, "produce-keys TOPIC COUNT");
  producer p(c, {});
  const int count = std::stoi(args[1]);
  for (int i = 0; i < count; ++i) {
    producer_record r;
    r.topic = args[0];
    r.key = to_bytes("k" + std::to_string(i));
    r.value = to_bytes("v" + std::to_string(i));
    must(p.send(std::move(r)), "send");
  }
  must(co_await p.flush(), "flush");
  std::cout << "OK produce-keys records=" << p.records_acknowledged() << std::endl;
}

awaitable<void> admin_ops(cluster& c, std::vector<std::string> args) {
  check(args.size() == 1, "admin TOPIC");
  const std::string topic = args[0];
  admin a(c);
  std::vector<new_topic> topics;
  topics.push_back({topic, 3, -1, {{"retention.ms", "3600000"}}});
  auto created = must(co_await a.create_topics(topics), "create");
  check(created[topic].ok(), "create: " + created[topic].message);
  auto again = must(co_await a.create_topics(topics), "create again");
  check(again[topic].code == sluice::protocol::error_code::topic_already_exists,
        "second create said: " + again[topic].message);
  std::cout << "create-again " << again[topic].message << std::endl;

  auto configs =
      must(co_await a.describe_configs({config_resource_type::topic, topic}), "describe");
  bool found = false;
  for (auto& e : configs)
    if (e.name == "retention.ms") found = e.value && *e.value == "3600000";
  check(found, "retention.ms not 3600000 in DescribeConfigs");

  std::map<std::string, int32_t> counts{{topic, 5}};
  auto grown = must(co_await a.create_partitions(counts), "create partitions");
  check(grown[topic].ok(), "create partitions: " + grown[topic].message);
  must(co_await c.refresh_metadata(), "metadata");
  check(c.topics().at(topic).partitions.size() == 5, "partition count after CreatePartitions");

  producer p(c, {});
  for (int i = 0; i < 10; ++i) {
    producer_record r;
    r.topic = topic;
    r.partition = 0;
    r.value = to_bytes("v" + std::to_string(i));
    must(p.send(std::move(r)), "send");
  }
  must(co_await p.flush(), "flush");
  topic_partition tp0{topic, 0};
  // Maps built before co_await: GCC 12 cannot keep an initializer list's
  // array alive across a suspension.
  std::map<topic_partition, int64_t> ask_latest{{tp0, latest_offset_timestamp}};
  std::map<topic_partition, int64_t> ask_earliest{{tp0, earliest_offset_timestamp}};
  std::map<topic_partition, int64_t> delete_below{{tp0, 5}};
  auto latest = must(co_await a.list_offsets(ask_latest), "list latest");
  check(latest[tp0].offset == 10, "latest offset " + std::to_string(latest[tp0].offset));
  auto deleted = must(co_await a.delete_records(delete_below), "delete records");
  check(deleted[tp0].error.ok() && deleted[tp0].offset == 5,
        "low watermark " + std::to_string(deleted[tp0].offset) + " " + deleted[tp0].error.message);
  auto earliest = must(co_await a.list_offsets(ask_earliest), "list earliest");
  check(earliest[tp0].offset == 5, "earliest offset " + std::to_string(earliest[tp0].offset));

  std::vector<std::string> names{topic};
  auto gone = must(co_await a.delete_topics(names), "delete");
  check(gone[topic].ok(), "delete: " + gone[topic].message);
  auto listed = must(co_await a.list_topics(), "list");
  for (auto& t : listed) check(t.name != topic, "deleted topic still listed");
  auto missing = co_await c.topic(topic);
  check(
      !missing && missing.error().code == sluice::protocol::error_code::unknown_topic_or_partition,
      "deleted topic lookup");
  std::cout << "missing " << missing.error().message << std::endl;
  std::cout << "OK admin" << std::endl;
}

awaitable<void> group_scenario(cluster& c, std::vector<std::string> args) {
  check(args.size() == 2, "group TOPIC GROUP");
  const std::string topic = args[0];
  co_await create_topic(c, topic, 4);
  group_config gc;
  gc.group_id = args[1];
  gc.auto_offset_reset = offset_reset::earliest;
  gc.heartbeat_interval = 300ms;
  gc.session_timeout = 10s;
  gc.rebalance_timeout = 10s;
  gc.auto_commit_interval = 200ms;
  sluice::client::group_member m1(c, gc), m2(c, gc);
  m1.subscribe({topic});
  m2.subscribe({topic});
  // Both poll until each holds two partitions (range over 4 partitions).
  std::map<int, std::vector<consumer_record>> got;
  bool done = false;
  std::string poll_error;
  auto run = [&](sluice::client::group_member& m, int id) -> awaitable<void> {
    while (!done) {
      auto recs = co_await m.poll(100ms);
      if (!recs) {
        poll_error = "member " + std::to_string(id) + ": " + recs.error().message;
        break;
      }
      for (auto& r : *recs) got[id].push_back(std::move(r));
    }
  };
  asio::co_spawn(c.executor(), run(m1, 1), asio::detached);
  asio::co_spawn(c.executor(), run(m2, 2), asio::detached);
  asio::steady_timer tick(c.executor());
  while (!(m1.assignment().size() == 2 && m2.assignment().size() == 2)) {
    check(poll_error.empty(), poll_error);
    tick.expires_after(100ms);
    co_await tick.async_wait(asio::use_awaitable);
  }
  std::set<topic_partition> all;
  for (auto& tp : m1.assignment()) all.insert(tp);
  for (auto& tp : m2.assignment()) all.insert(tp);
  check(all.size() == 4, "assignments overlap or miss partitions");
  std::cout << "split";
  for (auto& tp : m1.assignment()) std::cout << " m1:" << tp.partition;
  for (auto& tp : m2.assignment()) std::cout << " m2:" << tp.partition;
  std::cout << std::endl;

  producer p(c, {});
  for (int i = 0; i < 400; ++i) {
    producer_record r;
    r.topic = topic;
    r.key = to_bytes(key_of(i));
    r.value = to_bytes(value_of(i));
    must(p.send(std::move(r)), "send");
  }
  must(co_await p.flush(), "flush");
  while (got[1].size() + got[2].size() < 400) {
    check(poll_error.empty(), poll_error);
    tick.expires_after(100ms);
    co_await tick.async_wait(asio::use_awaitable);
  }
  done = true;
  std::set<std::string> keys;
  for (auto& [id, recs] : got) {
    auto& mine = id == 1 ? m1 : m2;
    auto assigned = mine.assignment();
    for (auto& r : recs) {
      check(std::ranges::find(assigned, topic_partition{r.topic, r.partition}) != assigned.end(),
            "member " + std::to_string(id) + " got a record of partition " +
                std::to_string(r.partition));
      check(keys.insert(std::string(as_text(*r.key))).second, "record consumed twice");
    }
  }
  check(keys.size() == 400, "consumed " + std::to_string(keys.size()));
  tick.expires_after(300ms);  // let the poll loops see `done`
  co_await tick.async_wait(asio::use_awaitable);
  must(co_await m1.commit(), "commit m1");
  must(co_await m2.commit(), "commit m2");
  must(co_await m1.close(), "close m1");
  must(co_await m2.close(), "close m2");
  admin a(c);
  auto committed = must(co_await a.fetch_offsets(args[1]), "fetch offsets");
  int64_t total = 0;
  for (auto& [tp, co] : committed) total += std::max<int64_t>(0, co.offset);
  check(total == 400, "committed offsets sum to " + std::to_string(total));
  std::cout << "OK group members=2 records=400 committed=" << total << std::endl;
}

awaitable<void> produce_down(cluster& c, std::vector<std::string> args) {
  check(args.size() == 1, "produce-down TOPIC");
  const std::string topic = args[0];
  co_await create_topic(c, topic, 2);
  producer_config pc;
  pc.delivery_timeout = 3s;
  producer p(c, pc);
  for (int i = 0; i < 1000; ++i) {
    producer_record r;
    r.topic = topic;
    r.key = to_bytes(key_of(i));
    must(p.send(std::move(r)), "send");
  }
  must(co_await p.flush(), "flush before the broker stops");
  std::cout << "READY" << std::endl;
  std::string line;
  std::getline(std::cin, line);  // the broker is gone now
  int calls = 0, errors = 0;
  std::string first;
  for (int i = 0; i < 20000; ++i) {
    producer_record r;
    r.topic = topic;
    r.key = to_bytes(key_of(i));
    r.value = to_bytes(value_of(i));
    must(p.send(std::move(r),
                [&](const result<record_metadata>& md) {
                  ++calls;
                  if (!md) {
                    ++errors;
                    if (first.empty()) first = md.error().message;
                  }
                }),
         "send");
  }
  auto flushed = co_await p.flush();
  check(!flushed, "flush succeeded with the broker gone");
  check(calls == 20000 && errors == 20000,
        "callbacks " + std::to_string(calls) + ", errors " + std::to_string(errors));
  consumer k(c, {});
  std::vector<partition_assignment> parts{{{topic, 0}, start_position::earliest()}};
  auto assigned = co_await k.assign(std::move(parts));
  check(!assigned, "assign succeeded with the broker gone");
  std::cout << "first-error " << first << std::endl;
  std::cout << "flush-error " << flushed.error().message << std::endl;
  std::cout << "assign-error " << assigned.error().message << std::endl;
  std::cout << "OK produce-down" << std::endl;
}

}  // namespace

// transactions TOPIC GROUP: a committed, an aborted and a committed
// transaction (the last with group offsets); read_committed sees the two
// committed ones exactly once, read_uncommitted all three; the group's offset
// is the one sent in the transaction; a plain producer is idempotent.
awaitable<void> transactions(cluster& c, std::vector<std::string> args) {
  check(args.size() == 2, "transactions TOPIC GROUP");
  const std::string topic = args[0];
  const std::string group = args[1];
  co_await create_topic(c, topic, 2);
  producer_config pc;
  pc.transactional_id = "it-" + topic;
  producer p(c, pc);
  must(co_await p.init_transactions(), "init_transactions");
  check(p.producer_id() >= 0, "a producer id");
  auto batch = [&](const std::string& prefix, int n) {
    for (int i = 0; i < n; ++i) {
      producer_record r;
      r.topic = topic;
      r.key = to_bytes(prefix + std::to_string(i));
      r.value = to_bytes(prefix + std::to_string(i));
      must(p.send(std::move(r)), "send");
    }
  };
  must(p.begin_transaction(), "begin 1");
  batch("c1-", 10);
  must(co_await p.commit_transaction(), "commit 1");
  must(p.begin_transaction(), "begin 2");
  batch("a-", 5);
  must(co_await p.flush(), "flush 2");
  must(co_await p.abort_transaction(), "abort 2");
  must(p.begin_transaction(), "begin 3");
  batch("c3-", 10);
  std::map<topic_partition, int64_t> offsets{{topic_partition{topic, 0}, 42}};
  must(co_await p.send_offsets_to_transaction(offsets, consumer_group_metadata(group)),
       "send_offsets_to_transaction");
  must(co_await p.commit_transaction(), "commit 3");

  auto committed = co_await read_all(c, topic, 20, isolation_level::read_committed);
  std::set<std::string> seen;
  for (auto& r : committed) {
    const std::string v(as_text(*r.value));
    check(v.rfind("a-", 0) != 0, "read_committed saw aborted record " + v);
    check(seen.insert(v).second, "read_committed saw " + v + " twice");
  }
  auto all = co_await read_all(c, topic, 25);
  admin a(c);
  std::vector<topic_partition> which{topic_partition{topic, 0}};
  auto fetched = must(co_await a.fetch_offsets(group, which), "fetch_offsets");
  producer plain(c, {});
  producer_record r;
  r.topic = topic;
  r.value = to_bytes("plain");
  must(plain.send(std::move(r)), "send plain");
  must(co_await plain.flush(), "flush plain");
  std::cout << "OK transactions committed=" << committed.size() << " uncommitted=" << all.size()
            << " offset=" << fetched[topic_partition{topic, 0}].offset
            << " idempotent=" << (plain.producer_id() >= 0) << std::endl;
}

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: client_it BOOTSTRAP SCENARIO ARGS...\n";
    return 64;
  }
  asio::io_context io;
  client_config cfg;
  cfg.bootstrap_servers = argv[1];
  cfg.client_id = "client-it";
  cluster c(io.get_executor(), cfg);
  const std::string scenario = argv[2];
  std::vector<std::string> args(argv + 3, argv + argc);
  int rc = 2;
  asio::steady_timer deadline(io, 60s);
  deadline.async_wait([&](boost::system::error_code ec) {
    if (ec) return;
    std::cout << "FAIL: " << scenario << " did not finish within 60 s" << std::endl;
    io.stop();
  });
  asio::co_spawn(
      io,
      [&]() -> awaitable<void> {
        try {
          must(co_await c.bootstrap(), "bootstrap");
          if (scenario == "roundtrip")
            co_await roundtrip(c, args);
          else if (scenario == "consume")
            co_await consume(c, args);
          else if (scenario == "produce-keys")
            co_await produce_keys(c, args);
          else if (scenario == "admin")
            co_await admin_ops(c, args);
          else if (scenario == "group")
            co_await group_scenario(c, args);
          else if (scenario == "produce-down")
            co_await produce_down(c, args);
          else if (scenario == "transactions")
            co_await transactions(c, args);
          else
            throw failure{"unknown scenario " + scenario};
          rc = 0;
        } catch (const failure& f) {
          std::cout << "FAIL: " << f.why << std::endl;
          rc = 1;
        }
        deadline.cancel();
        c.close();
        io.stop();
      },
      asio::detached);
  io.run();
  return rc;
}
