#include "tools/commands/group.h"

#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "tools/commands/lookup.h"
#include "tools/commands/share_group.h"
#include "tools/reset_plan.h"
#include "tools/table.h"

namespace sluice::tools {
namespace {

std::string tp_name(const client::topic_partition& tp) {
  return tp.topic + "-" + std::to_string(tp.partition);
}

awaitable<result<client::group_description>> describe_one(client::admin& a,
                                                          const std::string& group) {
  // Arguments are built before co_await: GCC 12 miscompiles braced lists there.
  std::vector<std::string> ids{group};
  auto r = co_await a.describe_groups(std::move(ids));
  if (!r) co_return from_client(r.error());
  if (r->empty()) co_return fail("no answer for group '" + group + "'");
  auto& d = r->front();
  if (!d.error.ok()) co_return fail(d.error.message);
  co_return std::move(d);
}

// Committed offsets (only those the group has: offset >= 0).
awaitable<result<std::map<client::topic_partition, int64_t>>> committed(client::admin& a,
                                                                        const std::string& group) {
  auto r = co_await a.fetch_offsets(group);
  if (!r) co_return from_client(r.error());
  std::map<client::topic_partition, int64_t> out;
  for (const auto& [tp, c] : *r) {
    if (!c.error.ok()) co_return fail(c.error.message);
    if (c.offset >= 0) out[tp] = c.offset;
  }
  co_return out;
}

bool group_exists(const client::group_description& d, size_t committed_count) {
  return committed_count > 0 || !d.members.empty() || (d.state != "Dead" && !d.state.empty());
}

}  // namespace

awaitable<status> group_list(session& s, const group_options&) {
  client::admin a(s.cluster);
  auto r = co_await a.list_groups();
  if (!r) co_return from_client(r.error());
  std::set<std::string> ids;
  for (const auto& g : *r) ids.insert(g.group_id);
  std::string out;
  for (const auto& id : ids) out += id + "\n";
  std::cout << out << std::flush;
  co_return ok;
}

awaitable<status> group_describe(session& s, const group_options& o) {
  client::admin a(s.cluster);
  auto d = co_await describe_one(a, o.group);
  if (!d) co_return d.error();
  auto offsets = co_await committed(a, o.group);
  if (!offsets) co_return offsets.error();
  if (!group_exists(*d, offsets->size())) {
    auto share = co_await find_share_group(s, o.group);
    if (!share) co_return share.error();
    if (*share) co_return co_await share_group_describe(s, **share);
    co_return fail("consumer group or share group '" + o.group + "' does not exist");
  }

  // Every partition the group has an offset for or a member holds.
  std::map<client::topic_partition, const client::group_member_description*> owner;
  for (const auto& m : d->members)
    for (const auto& tp : m.assignment) owner[tp] = &m;
  tp_list tps;
  for (const auto& [tp, off] : *offsets) tps.push_back(tp);
  for (const auto& [tp, m] : owner)
    if (!offsets->count(tp)) tps.push_back(tp);
  std::sort(tps.begin(), tps.end());

  std::map<client::topic_partition, int64_t> ends;
  if (!tps.empty()) {
    auto e = co_await offsets_for_time(a, tps, client::latest_offset_timestamp);
    // A deleted topic leaves offsets behind; show them with an unknown end.
    if (e) ends = std::move(*e);
  }
  std::vector<group_offset_row> rows;
  for (const auto& tp : tps) {
    group_offset_row row{o.group, tp.topic, tp.partition, std::nullopt, std::nullopt, "", "", ""};
    if (auto it = offsets->find(tp); it != offsets->end()) row.current_offset = it->second;
    if (auto it = ends.find(tp); it != ends.end() && it->second >= 0)
      row.log_end_offset = it->second;
    if (auto it = owner.find(tp); it != owner.end()) {
      row.consumer_id = it->second->member_id;
      row.host = it->second->client_host;
      row.client_id = it->second->client_id;
    }
    rows.push_back(std::move(row));
  }
  if (d->members.empty())
    std::cout << "\nConsumer group '" << o.group << "' has no active members.\n\n";
  std::cout << group_offsets_table(rows) << std::flush;
  co_return ok;
}

awaitable<status> group_delete(session& s, const group_options& o) {
  client::admin a(s.cluster);
  auto r = co_await a.delete_groups(o.groups);
  if (!r) co_return from_client(r.error());
  for (const auto& [id, err] : *r)
    if (!err.ok()) co_return fail("cannot delete group '" + id + "': " + err.message);
  std::string names;
  for (const auto& g : o.groups) names += (names.empty() ? "'" : ", '") + g + "'";
  std::cout << "Deletion of requested consumer groups (" << names << ") was successful."
            << std::endl;
  co_return ok;
}

awaitable<status> group_reset_offsets(session& s, const group_options& o) {
  // Which reset: exactly one.
  int specs = o.to_earliest + o.to_latest + o.to_current + o.to_offset.has_value() +
              o.shift_by.has_value() + !o.to_datetime.empty() + !o.by_duration.empty() +
              !o.from_file.empty();
  if (specs != 1)
    co_return fail(
        "give exactly one of --to-earliest, --to-latest, --to-current, --to-offset, "
        "--shift-by, --to-datetime, --by-duration, --from-file");
  if (o.execute && o.dry_run) co_return usage("--execute and --dry-run contradict each other");
  reset_spec spec = reset::to_earliest{};
  std::optional<int64_t> time;
  if (o.to_latest) spec = reset::to_latest{};
  if (o.to_current) spec = reset::to_current{};
  if (o.to_offset) spec = reset::to_offset{*o.to_offset};
  if (o.shift_by) spec = reset::shift_by{*o.shift_by};
  if (!o.to_datetime.empty()) {
    auto t = parse_time(o.to_datetime, now_ms());
    if (!t) co_return t.error();
    time = *t;
  }
  if (!o.by_duration.empty()) {
    auto d = parse_duration_ms(o.by_duration);
    if (!d) co_return d.error();
    time = now_ms() - *d;
  }
  if (time) spec = reset::to_time{*time};
  if (!o.from_file.empty()) {
    std::ifstream in(o.from_file);
    if (!in) co_return fail("cannot read " + o.from_file);
    std::stringstream text;
    text << in.rdbuf();
    auto f = parse_reset_csv(text.str());
    if (!f) co_return f.error();
    spec = std::move(*f);
  }
  if (o.all_topics && !o.topics.empty()) co_return usage("give --topic or --all-topics, not both");
  auto* file = std::get_if<reset::from_file>(&spec);
  if (!o.all_topics && o.topics.empty() && !file)
    co_return usage("give --topic TOPIC[:P,P] or --all-topics");

  client::admin a(s.cluster);
  auto d = co_await describe_one(a, o.group);
  if (!d) co_return d.error();
  auto current = co_await committed(a, o.group);
  if (!current) co_return current.error();
  // An id that names no consumer group but a share group resets the share
  // group's start offsets instead (kafka-share-groups.sh --reset-offsets).
  bool share = false;
  size_t members = d->members.size();
  std::string state = d->state;
  if (!group_exists(*d, current->size())) {
    auto found = co_await find_share_group(s, o.group);
    if (!found) co_return found.error();
    if (*found) {
      share = true;
      members = (*found)->members.size();
      state = (*found)->state;
      auto starts = co_await share_start_offsets(s, o.group);
      if (!starts) co_return starts.error();
      *current = std::move(*starts);
    }
  }
  if (members > 0)
    co_return fail("assignments can only be reset if the group '" + o.group +
                   "' is inactive, but the current state is " + state + " (" +
                   std::to_string(members) + " members)");

  tp_list tps;
  if (o.all_topics) {
    for (const auto& [tp, off] : *current) tps.push_back(tp);
  } else if (!o.topics.empty()) {
    for (const auto& t : o.topics) {
      auto sel = parse_topic_selection(t);
      if (!sel) co_return sel.error();
      auto these = co_await partitions_of(s, sel->topic, sel->partitions);
      if (!these) co_return these.error();
      tps.insert(tps.end(), these->begin(), these->end());
    }
  } else {
    for (const auto& [tp, off] : file->offsets) tps.push_back({tp.topic, tp.partition});
  }
  std::sort(tps.begin(), tps.end());
  tps.erase(std::unique(tps.begin(), tps.end()), tps.end());
  if (tps.empty()) co_return fail("no partitions to reset for group '" + o.group + "'");

  auto bounds = co_await bounds_of(a, tps);
  if (!bounds) co_return bounds.error();
  std::map<client::topic_partition, int64_t> by_time;
  if (time) {
    auto t = co_await offsets_for_time(a, tps, *time);
    if (!t) co_return t.error();
    by_time = std::move(*t);
  }
  std::vector<partition_offsets> inputs;
  for (const auto& tp : tps) {
    partition_offsets p{{tp.topic, tp.partition},
                        std::nullopt,
                        (*bounds)[tp].log_start_offset,
                        (*bounds)[tp].log_end_offset,
                        std::nullopt};
    if (auto it = current->find(tp); it != current->end()) p.committed = it->second;
    if (auto it = by_time.find(tp); it != by_time.end()) p.offset_for_time = it->second;
    inputs.push_back(std::move(p));
  }
  auto plan = plan_reset(spec, inputs);
  if (!plan) co_return plan.error();

  std::vector<plan_row> rows;
  std::map<client::topic_partition, int64_t> commit;
  for (const auto& p : *plan) {
    rows.push_back({o.group, p.tp.topic, p.tp.partition, p.new_offset});
    commit[{p.tp.topic, p.tp.partition}] = p.new_offset;
  }
  std::cout << "\n" << reset_plan_table(rows) << std::flush;
  if (!o.execute) {
    std::cerr << "(dry run: nothing changed; add --execute to commit these offsets)" << std::endl;
    co_return ok;
  }
  if (share) co_return co_await share_group_alter(s, o.group, commit);
  auto r = co_await a.commit_offsets(o.group, commit);
  if (!r) co_return from_client(r.error());
  for (const auto& [tp, err] : *r)
    if (!err.ok()) co_return fail("cannot commit " + tp_name(tp) + ": " + err.message);
  co_return ok;
}

awaitable<status> group_wait(session& s, const group_options& o) {
  client::admin a(s.cluster);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(o.wait_timeout_ms);
  int64_t lag = 0;
  std::string why;
  while (true) {
    auto current = co_await committed(a, o.group);
    if (!current) co_return current.error();
    tp_list tps;
    std::set<std::string> wanted(o.topics.begin(), o.topics.end());
    for (const auto& [tp, off] : *current)
      if (wanted.empty() || wanted.count(tp.topic)) tps.push_back(tp);
    for (const auto& t : o.topics) {  // partitions never committed count too
      auto these = co_await partitions_of(s, t);
      if (!these) co_return these.error();
      for (auto& tp : *these)
        if (!current->count(tp)) tps.push_back(tp);
    }
    lag = 0;
    if (!tps.empty()) {
      auto bounds = co_await bounds_of(a, tps);
      if (!bounds) co_return bounds.error();
      for (const auto& tp : tps) {
        auto& b = (*bounds)[tp];
        auto it = current->find(tp);
        int64_t pos = it != current->end() ? it->second : b.log_start_offset;
        lag += std::max<int64_t>(0, b.log_end_offset - pos);
      }
    }
    if (tps.empty()) why = "group '" + o.group + "' has no committed offsets";
    if (lag == 0 && !tps.empty()) {
      std::cout << "Group " << o.group << " has caught up (lag 0)." << std::endl;
      co_return ok;
    }
    if (std::chrono::steady_clock::now() >= deadline || s.stop_requested) break;
    co_await sleep_for(std::chrono::milliseconds(o.poll_interval_ms));
  }
  if (!why.empty()) co_return fail(why + " after " + std::to_string(o.wait_timeout_ms) + " ms");
  co_return fail("group '" + o.group + "' still has lag " + std::to_string(lag) + " after " +
                 std::to_string(o.wait_timeout_ms) + " ms");
}

}  // namespace sluice::tools
