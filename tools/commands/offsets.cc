#include "tools/commands/offsets.h"

#include <iostream>

#include "tools/commands/lookup.h"

namespace sluice::tools {

awaitable<status> offsets_command(session& s, const offsets_options& o) {
  int64_t time = 0;
  if (o.time == "earliest" || o.time == "beginning") {
    time = client::earliest_offset_timestamp;
  } else if (o.time == "latest" || o.time == "end") {
    time = client::latest_offset_timestamp;
  } else {
    auto t = parse_time(o.time.starts_with("@") ? o.time.substr(1) : o.time, now_ms());
    if (!t) co_return t.error();
    time = *t;
  }
  auto tps = co_await partitions_of(s, o.topic, o.partitions);
  if (!tps) co_return tps.error();
  client::admin a(s.cluster);
  auto offsets = co_await offsets_for_time(a, *tps, time);
  if (!offsets) co_return offsets.error();
  std::string out;
  for (const auto& tp : *tps)
    out +=
        tp.topic + ":" + std::to_string(tp.partition) + ":" + std::to_string((*offsets)[tp]) + "\n";
  std::cout << out << std::flush;
  co_return ok;
}

}  // namespace sluice::tools
