#include "tools/commands/share_group.h"

#include <iostream>

#include "tools/table.h"

namespace sluice::tools {
namespace {

std::string or_dash(const std::optional<int64_t>& v) { return v ? std::to_string(*v) : "-"; }

std::string assignment_text(const std::vector<client::topic_partition>& tps) {
  std::string out;
  for (const auto& tp : tps) {
    out += (out.empty() ? "" : ",") + tp.topic + ":" + std::to_string(tp.partition);
  }
  return out.empty() ? "-" : out;
}

}  // namespace

awaitable<result<std::optional<client::share_group_description>>> find_share_group(
    session& s, const std::string& group) {
  client::share_admin a(s.cluster);
  auto d = co_await a.describe(group);
  if (!d) co_return from_client(d.error());
  if (d->error.code == protocol::error_code::group_id_not_found) {
    co_return std::optional<client::share_group_description>{};
  }
  if (!d->error.ok()) co_return fail(d->error.message);
  co_return std::optional<client::share_group_description>(std::move(*d));
}

awaitable<status> share_group_describe(session& s, const client::share_group_description& d) {
  client::share_admin a(s.cluster);
  auto offsets = co_await a.offsets(d.group_id);
  if (!offsets) co_return from_client(offsets.error());

  std::vector<std::vector<std::string>> rows;
  for (const auto& [tp, o] : *offsets) {
    if (!o.error.ok()) co_return fail(o.error.message);
    std::optional<int64_t> in_flight;
    if (o.end_offset && o.start_offset >= 0) in_flight = *o.end_offset - o.start_offset;
    std::optional<int64_t> acquired;
    if (o.acquired_records) acquired = *o.acquired_records;
    rows.push_back(
        {d.group_id, tp.topic, std::to_string(tp.partition),
         or_dash(o.start_offset >= 0 ? std::optional<int64_t>(o.start_offset) : std::nullopt),
         or_dash(o.end_offset), or_dash(in_flight), or_dash(acquired),
         or_dash(o.lag >= 0 ? std::optional<int64_t>(o.lag) : std::nullopt)});
  }
  std::string out = "\nShare group '" + d.group_id + "' (state " + d.state + ", epoch " +
                    std::to_string(d.group_epoch) + ")";
  if (d.members.empty()) {
    out += " has no active members.\n\n";
  } else {
    std::vector<std::vector<std::string>> members;
    for (const auto& m : d.members) {
      std::optional<int64_t> held;
      if (m.acquired_records) held = *m.acquired_records;
      members.push_back({m.member_id, m.client_id, m.client_host.empty() ? "-" : m.client_host,
                         or_dash(held), assignment_text(m.assignment)});
    }
    out += "\n\n" +
           format_columns({"MEMBER-ID", "CLIENT-ID", "HOST", "ACQUIRED", "ASSIGNMENT"}, members) +
           "\n";
  }
  if (rows.empty()) {
    out += "The group has not read any partition yet.\n";
  } else {
    out += format_columns({"GROUP", "TOPIC", "PARTITION", "START-OFFSET", "END-OFFSET", "IN-FLIGHT",
                           "ACQUIRED", "LAG"},
                          rows);
  }
  std::cout << out << std::flush;
  co_return ok;
}

awaitable<result<std::map<client::topic_partition, int64_t>>> share_start_offsets(
    session& s, const std::string& group) {
  client::share_admin a(s.cluster);
  auto offsets = co_await a.offsets(group);
  if (!offsets) co_return from_client(offsets.error());
  std::map<client::topic_partition, int64_t> out;
  for (const auto& [tp, o] : *offsets) {
    if (!o.error.ok()) co_return fail(o.error.message);
    if (o.start_offset >= 0) out[tp] = o.start_offset;
  }
  co_return out;
}

awaitable<status> share_group_alter(session& s, const std::string& group,
                                    const std::map<client::topic_partition, int64_t>& offsets) {
  client::share_admin a(s.cluster);
  auto r = co_await a.alter_offsets(group, offsets);
  if (!r) co_return from_client(r.error());
  for (const auto& [tp, err] : *r) {
    if (!err.ok()) co_return fail("cannot move the start offset: " + err.message);
  }
  co_return ok;
}

}  // namespace sluice::tools
