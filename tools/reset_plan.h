#pragma once
// `sluice group reset-offsets`: from what the group has committed, each
// partition's log start/end offsets and (for time specs) what ListOffsets
// answered, compute the new offsets. A pure function, so the dry run and
// --execute print and commit exactly the same plan.
//
// As kafka-consumer-groups.sh does, every target is clamped into
// [log start offset, log end offset]; a time with no record at or after it
// resets to the log end offset; --shift-by needs a committed offset.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "base/topic_partition.h"
#include "tools/result.h"

namespace sluice::tools {

using topic_partition = base::topic_partition;

namespace reset {
struct to_earliest {};
struct to_latest {};
struct to_current {};
struct to_offset {
  int64_t offset;
};
struct shift_by {
  int64_t delta;
};
// --to-datetime and --by-duration: both become a time the caller looks up.
struct to_time {
  int64_t timestamp_ms;
};
// --from-file: the offsets to set, per partition.
struct from_file {
  std::map<topic_partition, int64_t> offsets;
};
}  // namespace reset

using reset_spec =
    std::variant<reset::to_earliest, reset::to_latest, reset::to_current, reset::to_offset,
                 reset::shift_by, reset::to_time, reset::from_file>;

struct partition_offsets {
  topic_partition tp;
  std::optional<int64_t> committed;  // none: the group has no offset here
  int64_t log_start_offset = 0;
  int64_t log_end_offset = 0;
  std::optional<int64_t> offset_for_time;  // ListOffsets(time); -1 or none: no such record
};

struct planned_offset {
  topic_partition tp;
  int64_t new_offset = 0;
};

result<std::vector<planned_offset>> plan_reset(const reset_spec& spec,
                                               const std::vector<partition_offsets>& partitions);

// "topic,partition,offset" lines (kafka-consumer-groups' --from-file CSV; a
// fourth leading group column, as its --export writes, is accepted too).
result<reset::from_file> parse_reset_csv(std::string_view text);

// "t", "t:0", "t:0,2": a topic and, optionally, some of its partitions.
struct topic_selection {
  std::string topic;
  std::vector<int32_t> partitions;  // empty: all
};
result<topic_selection> parse_topic_selection(std::string_view text);

}  // namespace sluice::tools
