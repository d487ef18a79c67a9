#include "tools/commands/consume.h"

#include <cstdio>
#include <map>

#include "client/consumer.h"
#include "client/group_member.h"
#include "tools/commands/lookup.h"
#include "tools/record_format.h"

namespace sluice::tools {

// What -f and --json render of a fetched record (its bytes viewed as text).
printable_record printable(const client::consumer_record& r) {
  printable_record p;
  p.topic = r.topic;
  p.partition = r.partition;
  p.offset = r.offset;
  p.timestamp = r.timestamp_ms;
  if (r.key) p.key = client::as_text(*r.key);
  if (r.value) p.value = client::as_text(*r.value);
  for (const auto& h : r.headers) {
    record_header rh{h.key, std::nullopt};
    if (h.value) rh.value = std::string(client::as_text(*h.value));
    p.headers.push_back(std::move(rh));
  }
  return p;
}

namespace {

using namespace std::chrono_literals;

// --isolation: Kafka's isolation.level names.
result<client::isolation_level> isolation_of(const consume_options& o) {
  if (o.isolation == "read_uncommitted") return client::isolation_level::read_uncommitted;
  if (o.isolation == "read_committed") return client::isolation_level::read_committed;
  return usage("bad --isolation '" + o.isolation +
               "': expected read_committed or read_uncommitted");
}

// Prints records and counts them; knows where each partition stops.
class printer {
 public:
  printer(const consume_options& o, std::optional<record_format> fmt)
      : o_(o), fmt_(std::move(fmt)) {}

  std::map<client::topic_partition, int64_t> stop_at;  // exclusive
  // kcat's e@: a partition ends at its first record with a timestamp >= this
  // (one not yet in the log when we started).
  std::map<client::topic_partition, int64_t> stop_time;
  std::map<client::topic_partition, int64_t> next;  // after the last printed record
  int64_t printed = 0;

  bool limit_reached() const { return o_.count >= 0 && printed >= o_.count; }

  // Prints the records that are before their partition's stop; false once
  // -c is reached.
  void print(const std::vector<client::consumer_record>& recs) {
    out_.clear();
    for (const auto& r : recs) {
      if (limit_reached()) break;
      const client::topic_partition tp{r.topic, r.partition};
      auto stop = stop_at.find(tp);
      if (stop != stop_at.end() && r.offset >= stop->second) continue;
      if (auto t = stop_time.find(tp); t != stop_time.end() && r.timestamp_ms >= t->second) {
        stop_at[tp] = r.offset;
        stop_time.erase(t);
        continue;
      }
      const printable_record p = printable(r);
      if (fmt_)
        fmt_->render(p, out_);
      else
        render_json(p, out_);
      ++printed;
      next[{r.topic, r.partition}] = r.offset + 1;
    }
    std::fwrite(out_.data(), 1, out_.size(), stdout);
    std::fflush(stdout);
  }

 private:
  const consume_options& o_;
  std::optional<record_format> fmt_;
  std::string out_;
};

// Whether every partition is done: past its stop offset, or (with -e) at the
// end of its latest fetch (the high watermark; read_committed: the last
// stable offset).
bool all_done(client::consumer& c, const tp_list& tps, const printer& p, bool exit_at_end) {
  for (const auto& tp : tps) {
    auto pos = c.position(tp);
    if (!pos) continue;  // no longer assigned
    auto stop = p.stop_at.find(tp);
    if (stop != p.stop_at.end() && *pos >= stop->second) continue;
    auto end = c.end_offset(tp);
    if (exit_at_end && end && *pos >= *end) continue;
    // A time stop that has passed, with nothing later in the partition.
    if (auto t = p.stop_time.find(tp);
        t != p.stop_time.end() && t->second <= now_ms() && end && *pos >= *end)
      continue;
    return false;
  }
  return true;
}

awaitable<status> consume_assigned(session& s, const consume_options& o, const offset_spec& spec,
                                   printer& out) {
  tp_list tps;
  for (const auto& t : o.topics) {
    auto these = co_await partitions_of(s, t, o.partitions);
    if (!these) co_return these.error();
    tps.insert(tps.end(), these->begin(), these->end());
  }
  auto isolation = isolation_of(o);
  if (!isolation) co_return isolation.error();
  client::admin a(s.cluster);
  auto bounds = co_await bounds_of(a, tps, static_cast<int8_t>(*isolation));
  if (!bounds) co_return bounds.error();
  auto at_time = [&](const offset_position& p)
      -> awaitable<result<std::map<client::topic_partition, int64_t>>> {
    if (p.what != offset_position::kind::timestamp)
      co_return std::map<client::topic_partition, int64_t>{};
    co_return co_await offsets_for_time(a, tps, p.value);
  };
  auto start_times = co_await at_time(spec.start);
  if (!start_times) co_return start_times.error();
  std::map<client::topic_partition, int64_t> stop_times;
  if (spec.stop) {
    auto st = co_await at_time(*spec.stop);
    if (!st) co_return st.error();
    stop_times = std::move(*st);
  }
  std::vector<client::partition_assignment> assignment;
  for (const auto& tp : tps) {
    auto& b = (*bounds)[tp];
    auto time_of = [](auto& m, auto& key) -> std::optional<int64_t> {
      auto it = m.find(key);
      return it == m.end() ? std::nullopt : std::optional<int64_t>(it->second);
    };
    int64_t start = resolve(spec.start, b, time_of(*start_times, tp));
    assignment.push_back({tp, client::start_position::at(start)});
    if (!spec.stop) continue;
    auto found = time_of(stop_times, tp);
    if (spec.stop->what == offset_position::kind::timestamp && (!found || *found < 0))
      out.stop_time[tp] = spec.stop->value;  // no record that late yet: watch the records
    else
      out.stop_at[tp] = resolve(*spec.stop, b, found);
  }
  client::consumer_config cc;
  cc.isolation = *isolation;
  client::consumer c(s.cluster, cc);
  if (auto r = co_await c.assign(assignment); !r) co_return from_client(r.error());
  bool stops = o.exit_at_end || spec.stop;
  auto idle_since = std::chrono::steady_clock::now();
  while (!s.stop_requested && !out.limit_reached()) {
    if (stops && all_done(c, tps, out, o.exit_at_end)) break;
    auto recs = co_await c.poll(200ms);
    if (!recs && recs.error().retriable()) {  // a broker restarting: poll again
      co_await sleep_for(200ms);
      continue;
    }
    if (!recs) co_return from_client(recs.error());
    if (!recs->empty()) idle_since = std::chrono::steady_clock::now();
    out.print(*recs);
    if (o.idle_timeout_ms >= 0 && std::chrono::steady_clock::now() - idle_since >
                                      std::chrono::milliseconds(o.idle_timeout_ms))
      break;
  }
  co_return ok;
}

awaitable<status> consume_group(session& s, const consume_options& o, const offset_spec& spec,
                                printer& out) {
  using k = offset_position::kind;
  if (spec.stop || (spec.start.what != k::beginning && spec.start.what != k::end))
    co_return usage(
        "with --group, -o takes beginning or end: where a partition without a committed "
        "offset starts");
  if (!o.partitions.empty()) co_return usage("with --group the group assigns partitions; drop -p");
  auto isolation = isolation_of(o);
  if (!isolation) co_return isolation.error();
  client::group_config gc;
  gc.fetch.isolation = *isolation;
  gc.group_id = o.group;
  gc.auto_offset_reset = spec.start.what == k::beginning ? client::offset_reset::earliest
                                                         : client::offset_reset::latest;
  // With -c the last poll may return records that are never printed: commit
  // exactly what was printed, at the end, instead of the consumed positions.
  gc.enable_auto_commit = o.count < 0;
  client::group_member m(s.cluster, gc);
  m.subscribe(o.topics);
  auto idle_since = std::chrono::steady_clock::now();
  status outcome = ok;
  while (!s.stop_requested && !out.limit_reached()) {
    auto recs = co_await m.poll(200ms);
    // A broker restarting: the member rejoins and fetching resumes.
    if (!recs && recs.error().retriable()) {
      co_await sleep_for(200ms);
      continue;
    }
    if (!recs) {
      outcome = from_client(recs.error());
      break;
    }
    if (!recs->empty()) idle_since = std::chrono::steady_clock::now();
    out.print(*recs);
    auto assigned = m.assignment();
    if (o.exit_at_end && !assigned.empty() && all_done(m.consumer(), assigned, out, true)) break;
    if (o.idle_timeout_ms >= 0 && std::chrono::steady_clock::now() - idle_since >
                                      std::chrono::milliseconds(o.idle_timeout_ms))
      break;
  }
  // Commit what was printed (with -c, not what was fetched beyond it) and leave.
  if (outcome) {
    client::result<void> r;
    if (gc.enable_auto_commit)
      r = co_await m.commit();
    else if (!out.next.empty())
      r = co_await m.commit(out.next);
    if (!r) outcome = from_client(r.error());
  }
  if (auto r = co_await m.close(); !r && outcome) outcome = from_client(r.error());
  co_return outcome;
}

}  // namespace

status check_consume_options(const consume_options& o) {
  auto spec = parse_offset_spec(o.offset, now_ms());
  if (!spec) return usage(spec.error().message);
  if (o.json && !o.format.empty()) return usage("give -f or --json, not both");
  if (!o.json)
    if (auto f = compile_format(o.format.empty() ? "%s\\n" : o.format); !f)
      return usage(f.error().message);
  if (auto i = isolation_of(o); !i) return i.error();
  if (o.count < -1) return usage("-c/--count must be >= 0");
  if (!o.group.empty()) {
    using k = offset_position::kind;
    if (spec->stop || (spec->start.what != k::beginning && spec->start.what != k::end))
      return usage(
          "with --group, -o takes beginning or end: where a partition without a committed "
          "offset starts");
    if (!o.partitions.empty()) return usage("with --group the group assigns partitions; drop -p");
  }
  return ok;
}

awaitable<status> consume_command(session& s, const consume_options& o) {
  auto spec = parse_offset_spec(o.offset, now_ms());
  if (!spec) co_return usage(spec.error().message);
  if (o.json && !o.format.empty()) co_return usage("give -f or --json, not both");
  std::optional<record_format> fmt;
  if (!o.json) {
    auto f = compile_format(o.format.empty() ? "%s\\n" : o.format);
    if (!f) co_return usage(f.error().message);
    fmt = std::move(*f);
  }
  printer out(o, std::move(fmt));
  if (!o.group.empty()) co_return co_await consume_group(s, o, *spec, out);
  co_return co_await consume_assigned(s, o, *spec, out);
}

}  // namespace sluice::tools
