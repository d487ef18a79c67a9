#include "tools/commands/perf.h"

#include <cstdio>
#include <fstream>
#include <memory>
#include <random>

#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "client/consumer.h"
#include "client/group_member.h"
#include "client/producer.h"
#include "tools/commands/lookup.h"
#include "tools/commands/perf_props.h"
#include "tools/html_report.h"
#include "tools/perf_stats.h"

namespace sluice::tools {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;

int64_t mono_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// The steady clock, read at most once per executor handler: every caller in
// the same run of a handler gets the same instant, and the next handler reads
// afresh. Records sent in one burst of the produce loop, and acknowledgements
// delivered by one Produce answer, happen within microseconds, while a clock
// read costs ~100 ns on a VM's clocksource: three reads per record were a
// seventh of `perf produce`'s time at 100 B. The error this adds to a latency
// is the length of one handler run, microseconds against milliseconds.
class handler_clock {
 public:
  explicit handler_clock(asio::any_io_executor ex) : ex_(std::move(ex)) {}
  int64_t now_ns() {
    if (!*valid_) {
      now_ = mono_ns();
      *valid_ = true;
      asio::post(ex_, [valid = valid_] { *valid = false; });
    }
    return now_;
  }

 private:
  asio::any_io_executor ex_;
  std::shared_ptr<bool> valid_ = std::make_shared<bool>(false);  // outlives posted resets
  int64_t now_ = 0;
};

// Kafka's perf test fills values with random upper-case letters.
std::string payload(int32_t size) {
  std::mt19937 rng(12345);
  std::string out(static_cast<size_t>(size), 'A');
  for (auto& c : out) c = static_cast<char>('A' + rng() % 26);
  return out;
}

// Progress lines, the final output, --json and --report, for every mode.
class perf_run {
 public:
  perf_run(const perf_options& o, std::string mode)
      : o_(o),
        mode_(std::move(mode)),
        stats_(mono_ns(), int64_t{o.reporting_interval_ms} * 1'000'000) {}

  perf_stats& stats() { return stats_; }

  void tick(const char* verb) { tick(verb, mono_ns()); }
  void tick(const char* verb, int64_t now_ns) {
    if (stats_.roll_window(now_ns) && !o_.json) {
      std::printf("%s\n", window_line(stats_.windows().back(), verb).c_str());
      std::fflush(stdout);
    }
  }

  // Prints `text` (the mode's own final lines) or the JSON, writes the report.
  status finish(const std::function<std::string(const perf_summary&)>& text,
                const std::string& command) {
    int64_t end = mono_ns();
    auto summary = stats_.summary(end);
    stats_.close(end);
    if (o_.json)
      std::printf("%s\n", summary_json(mode_, summary, stats_.windows()).c_str());
    else
      std::printf("%s", text(summary).c_str());
    if (o_.print_metrics && !o_.json) print_metrics(summary);
    std::fflush(stdout);
    if (o_.report.empty()) return ok;
    report_input in{"sluice perf " + mode_, command, summary, stats_.windows(), stats_.histogram()};
    std::ofstream f(o_.report, std::ios::binary | std::ios::trunc);
    f << render_html_report(in);
    f.close();
    if (!f) return fail("cannot write report " + o_.report);
    return ok;
  }

  // Counters the run knows the answer to, per record
  // as the client saw them (Kafka's metric names and layout).
  uint64_t records_failed = 0;

 private:
  void print_metrics(const perf_summary& sum) const {
    const bool consuming = mode_ == "consume";
    const std::string group = consuming ? "consumer-fetch-manager-metrics" : "producer-metrics";
    const std::string tag = "{client-id=" + client_id_ + "}";
    std::vector<std::pair<std::string, double>> rows;
    if (consuming) {
      rows = {{"records-consumed-total", static_cast<double>(sum.records)},
              {"records-consumed-rate", sum.records_per_s()},
              {"bytes-consumed-total", static_cast<double>(sum.bytes)},
              {"bytes-consumed-rate", sum.elapsed_s > 0 ? sum.bytes / sum.elapsed_s : 0},
              {"records-lag-avg-ms", sum.avg_latency_ms},
              {"records-lag-max-ms", sum.max_latency_ms}};
    } else {
      rows = {{"record-send-total", static_cast<double>(sum.records + records_failed)},
              {"record-send-rate", sum.records_per_s()},
              {"record-error-total", static_cast<double>(records_failed)},
              {"byte-total", static_cast<double>(sum.bytes)},
              {"request-latency-avg", sum.avg_latency_ms},
              {"request-latency-max", sum.max_latency_ms},
              {"request-latency-p99", sum.p99_ms}};
    }
    std::printf("\n%-90s %s\n", "Metric Name", "Value");
    for (const auto& [name, value] : rows) {
      std::string full = group + ":" + name + ":" + tag;
      std::printf("%-90s : %.3f\n", full.c_str(), value);
    }
  }

  const perf_options& o_;
  std::string client_id_ = "sluice";

 public:
  void set_client_id(std::string id) { client_id_ = std::move(id); }

 private:
  std::string mode_;
  perf_stats stats_;
};

// Every setting of the run, as flags that reproduce it (for the report).
std::string command_line(const perf_options& o, const char* mode) {
  std::string out = "sluice perf " + std::string(mode) + " --topic " + o.topic + " --num-records " +
                    std::to_string(o.num_records);
  const bool produces = std::string_view(mode) != "consume";
  const bool consumes = std::string_view(mode) != "produce";
  if (produces) {
    out += " --record-size " + std::to_string(o.record_size);
    char t[64];
    std::snprintf(t, sizeof t, "%g", o.throughput);
    out += " --throughput " + std::string(t);
    if (!o.producer_props.empty()) {
      out += " --producer-props";
      for (const auto& p : o.producer_props) out += " " + p;
    }
  }
  if (consumes) {
    if (!o.consumer_props.empty()) {
      out += " --consumer-props";
      for (const auto& p : o.consumer_props) out += " " + p;
    }
    if (!o.group.empty()) out += " --group " + o.group;
    out += " --timeout " + std::to_string(o.timeout_ms);
  }
  out += " --reporting-interval " + std::to_string(o.reporting_interval_ms);
  return out;
}

}  // namespace

awaitable<status> perf_produce(session& s, const perf_options& o) {
  auto pc = producer_props(o.producer_props);
  if (!pc) co_return pc.error();
  if (auto t = co_await s.cluster.topic(o.topic); !t) co_return from_client(t.error());
  client::producer p(s.cluster, *pc);
  perf_run run(o, "produce");
  run.set_client_id(s.cluster.config().client_id);
  const std::string value = payload(o.record_size);
  // What the delivery callbacks update, reached through one pointer so each
  // callback (pointer + send time) fits std::function's inline storage.
  struct tally {
    perf_run& run;
    handler_clock clock;
    size_t value_size;
    uint64_t failed = 0;
    std::string first_error;
  };
  auto ex = co_await asio::this_coro::executor;
  tally t{run, handler_clock(ex), value.size(), 0, {}};
  const int64_t start = mono_ns();
  int64_t sent = 0;
  for (; sent < o.num_records && !s.stop_requested; ++sent) {
    if (o.throughput > 0) {  // Kafka's throttle: never ahead of throughput * elapsed
      double due_ns = sent / o.throughput * 1e9;
      double ahead_ns = due_ns - static_cast<double>(mono_ns() - start);
      if (ahead_ns > 1e6)
        co_await sleep_for(std::chrono::milliseconds(static_cast<int64_t>(ahead_ns / 1e6)));
    }
    client::producer_record rec;
    rec.topic = o.topic;
    rec.value = client::to_bytes(value);
    const int64_t sent_at = t.clock.now_ns();
    auto r = co_await p.produce(
        std::move(rec), [tp = &t, sent_at](const client::result<client::record_metadata>& m) {
          if (!m) {
            if (tp->failed++ == 0) tp->first_error = m.error().message;
            return;
          }
          const int64_t now = tp->clock.now_ns();
          tp->run.stats().record(static_cast<uint64_t>((now - sent_at) / 1000), tp->value_size);
          tp->run.tick("sent", now);
        });
    if (!r) co_return from_client(r.error());
    // produce() returns without suspending while there is buffer room; let
    // the network run now and then so latency measures the broker, not our
    // own queue (Kafka's producer has a separate I/O thread for this).
    if (sent % 64 == 63)
      co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
  }
  auto flushed = co_await p.close();
  run.records_failed = t.failed;
  auto done = run.finish([](const perf_summary& sum) { return final_line(sum) + "\n"; },
                         command_line(o, "produce"));
  if (t.failed) co_return fail(std::to_string(t.failed) + " records failed: " + t.first_error);
  if (!flushed) co_return from_client(flushed.error());
  co_return done;
}

awaitable<status> perf_consume(session& s, const perf_options& o) {
  auto cc = consumer_props(o.consumer_props);
  if (!cc) co_return cc.error();
  auto tps = co_await partitions_of(s, o.topic);
  if (!tps) co_return tps.error();
  std::unique_ptr<client::consumer> direct;
  std::unique_ptr<client::group_member> member;
  if (o.group.empty()) {
    direct = std::make_unique<client::consumer>(s.cluster, *cc);
    std::vector<client::partition_assignment> a;
    for (const auto& tp : *tps) a.push_back({tp, client::start_position::earliest()});
    if (auto r = co_await direct->assign(a); !r) co_return from_client(r.error());
  } else {
    client::group_config gc;
    gc.group_id = o.group;
    gc.auto_offset_reset = client::offset_reset::earliest;
    gc.fetch = *cc;
    member = std::make_unique<client::group_member>(s.cluster, gc);
    member->subscribe({o.topic});
  }
  perf_run run(o, "consume");
  run.set_client_id(s.cluster.config().client_id);
  const int64_t start_wall = now_ms();
  const int64_t start = mono_ns();
  int64_t first_record_ns = -1, consumed = 0;
  auto idle_since = std::chrono::steady_clock::now();
  bool timed_out = false;
  while (consumed < o.num_records && !s.stop_requested) {
    client::result<std::vector<client::consumer_record>> recs =
        std::vector<client::consumer_record>{};
    if (direct)
      recs = co_await direct->poll(100ms);
    else
      recs = co_await member->poll(100ms);
    if (!recs && !recs.error().retriable()) co_return from_client(recs.error());
    if (!recs || recs->empty()) {  // nothing yet (or a broker restarting)
      if (std::chrono::steady_clock::now() - idle_since > std::chrono::milliseconds(o.timeout_ms)) {
        timed_out = true;
        break;
      }
      run.tick("consumed");
      continue;
    }
    idle_since = std::chrono::steady_clock::now();
    if (first_record_ns < 0) first_record_ns = mono_ns();
    int64_t now = now_ms();
    for (const auto& r : *recs) {
      if (consumed >= o.num_records) break;
      // Latency here is the record's age: now minus its (CreateTime) timestamp.
      uint64_t bytes = (r.key ? r.key->size() : 0) + (r.value ? r.value->size() : 0);
      run.stats().record(static_cast<uint64_t>(std::max<int64_t>(0, now - r.timestamp_ms)) * 1000,
                         bytes);
      ++consumed;
    }
    run.tick("consumed");
  }
  if (member) {
    if (auto r = co_await member->close(); !r) co_return from_client(r.error());
  }
  const int64_t end_wall = now_ms();
  const int64_t end = mono_ns();
  auto text = [&](const perf_summary& sum) {
    // kafka-consumer-perf-test's header and one CSV line.
    double secs = std::max(1e-9, (end - start) / 1e9);
    double fetch_secs = first_record_ns < 0 ? secs : std::max(1e-9, (end - first_record_ns) / 1e9);
    double mb = sum.bytes / 1048576.0;
    char line[512];
    std::snprintf(
        line, sizeof line,
        "start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, "
        "rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec\n"
        "%s, %s, %.4f, %.4f, %lld, %.4f, %lld, %lld, %.4f, %.4f\n",
        format_time_utc(start_wall).c_str(), format_time_utc(end_wall).c_str(), mb, mb / secs,
        static_cast<long long>(sum.records), sum.records / secs,
        static_cast<long long>(first_record_ns < 0 ? 0 : (first_record_ns - start) / 1'000'000),
        static_cast<long long>(fetch_secs * 1000), mb / fetch_secs, sum.records / fetch_secs);
    return std::string(line);
  };
  auto done = run.finish(text, command_line(o, "consume"));
  if (timed_out)
    co_return fail("consumed " + std::to_string(consumed) + " of " + std::to_string(o.num_records) +
                   " records: nothing came for " + std::to_string(o.timeout_ms) + " ms");
  co_return done;
}

awaitable<status> perf_e2e(session& s, const perf_options& o) {
  auto pc = producer_props(o.producer_props);
  if (!pc) co_return pc.error();
  pc->linger = 0ms;  // one record at a time: waiting for company only adds latency
  auto cc = consumer_props(o.consumer_props);
  if (!cc) co_return cc.error();
  cc->fetch_max_wait = std::min<std::chrono::milliseconds>(cc->fetch_max_wait, 100ms);
  std::vector<int32_t> first{0};
  auto tps = co_await partitions_of(s, o.topic, first);
  if (!tps) co_return tps.error();
  client::consumer c(s.cluster, *cc);
  std::vector<client::partition_assignment> only{{tps->front(), client::start_position::latest()}};
  if (auto r = co_await c.assign(std::move(only)); !r) co_return from_client(r.error());
  client::producer p(s.cluster, *pc);
  perf_run run(o, "e2e");
  run.set_client_id(s.cluster.config().client_id);
  const std::string value = payload(o.record_size);
  for (int64_t i = 0; i < o.num_records && !s.stop_requested; ++i) {
    client::producer_record rec;
    rec.topic = o.topic;
    rec.partition = 0;
    rec.value = client::to_bytes(value);
    int64_t sent_at = mono_ns();
    if (auto r = co_await p.produce(std::move(rec)); !r) co_return from_client(r.error());
    if (auto r = co_await p.flush(); !r) co_return from_client(r.error());
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(o.timeout_ms);
    bool got = false;
    while (!got) {
      auto recs = co_await c.poll(50ms);
      if (!recs) co_return from_client(recs.error());
      for (const auto& r : *recs) {
        if (!r.value || client::as_text(*r.value) != value)
          co_return fail("record at offset " + std::to_string(r.offset) +
                         " is not the one just sent");
        got = true;
      }
      if (!got && (std::chrono::steady_clock::now() > deadline || s.stop_requested))
        co_return fail("record " + std::to_string(i) + " did not come back within " +
                       std::to_string(o.timeout_ms) + " ms");
    }
    run.stats().record(static_cast<uint64_t>((mono_ns() - sent_at) / 1000), value.size());
    run.tick("round-tripped");
  }
  co_return run.finish(
      [](const perf_summary& sum) {
        char text[256];
        std::snprintf(
            text, sizeof text,
            "Avg latency: %.4f ms\nPercentiles: 50th = %lld, 99th = %lld, 99.9th = %lld\n",
            sum.avg_latency_ms, static_cast<long long>(sum.p50_ms),
            static_cast<long long>(sum.p99_ms), static_cast<long long>(sum.p999_ms));
        return std::string(text);
      },
      command_line(o, "e2e"));
}

}  // namespace sluice::tools
