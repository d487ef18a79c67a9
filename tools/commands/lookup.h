#pragma once
// Lookups several commands share: a topic's partitions, each partition's log
// start and end offsets, and the offsets a time maps to (ListOffsets).

#include <map>
#include <vector>

#include "client/admin.h"
#include "tools/commands/session.h"
#include "tools/offset_spec.h"

namespace sluice::tools {

using tp_list = std::vector<client::topic_partition>;

// The topic's partitions, or just `only` (each checked to exist).
awaitable<result<tp_list>> partitions_of(session& s, const std::string& topic,
                                         const std::vector<int32_t>& only = {});

// isolation_level 1 (read_committed): the end is the last stable offset.
awaitable<result<std::map<client::topic_partition, partition_bounds>>> bounds_of(
    client::admin& a, const tp_list& tps, int8_t isolation_level = 0);

// ListOffsets(time) per partition: -1 where no record is that late.
// `time` may be client::earliest_offset_timestamp / latest_offset_timestamp.
awaitable<result<std::map<client::topic_partition, int64_t>>> offsets_for_time(
    client::admin& a, const tp_list& tps, int64_t time, int8_t isolation_level = 0);

}  // namespace sluice::tools
