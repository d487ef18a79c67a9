#pragma once
// Where `sluice consume -o` starts and stops, and the times `sluice offsets`
// and `group reset-offsets` look up, parsed once into typed values.
//
//   beginning | end            the log start offset / the log end offset
//   N                          offset N
//   -N                         N records before the end (kcat's convention)
//   @1700000000000             the first offset whose timestamp is >= that (ms)
//   @-1h  @-30m  @-10s  @-2d   that long before now (also ms)
//   @2026-11-21T10:00:00Z      an ISO-8601 UTC time (fraction and +hh:mm allowed)
//   start:end                  a range of two of the above; end is exclusive
//   @t1:t2                     a time range (t2 may repeat the '@')
//   s@T  e@T  s@T1:e@T2        kcat's spelling: start at / stop at a time
//                              (-o s@T1 -o e@T2 arrive joined with ':')
//
// Starts resolve, per partition, to one offset (resolve()). A time stop is
// kcat's e@: the partition ends at its first record whose timestamp is >= t2
// (ListOffsets finds it when it is already there); when no record is that
// late yet, the consumer waits for one, or, once t2 has passed, stops at the
// end of the partition.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tools/result.h"

namespace sluice::tools {

struct offset_position {
  enum class kind { beginning, end, absolute, from_end, timestamp };
  kind what = kind::beginning;
  // absolute: the offset; from_end: how many records back; timestamp: ms.
  int64_t value = 0;

  friend bool operator==(const offset_position&, const offset_position&) = default;
};

struct offset_spec {
  offset_position start;
  std::optional<offset_position> stop;  // exclusive; none: no end
};

// now_ms anchors "@-1h" style times.
result<offset_spec> parse_offset_spec(std::string_view text, int64_t now_ms);

// One time: "1700000000000", "-1h", "2026-11-21T10:00:00Z" (no '@').
result<int64_t> parse_time(std::string_view text, int64_t now_ms);

// "90s", "15m", "1h", "2d", "500ms", or Kafka's ISO-8601 "PT1H30M" / "P1D".
result<int64_t> parse_duration_ms(std::string_view text);

// A partition's bounds and, for timestamp positions, what ListOffsets answered
// (-1 when no record is that late: the position becomes the log end offset).
struct partition_bounds {
  int64_t log_start_offset = 0;
  int64_t log_end_offset = 0;
};
int64_t resolve(const offset_position& p, const partition_bounds& b,
                std::optional<int64_t> offset_for_time = std::nullopt);

std::string format_time_utc(int64_t ms);  // "2026-11-21T10:00:00.000Z"

}  // namespace sluice::tools
