#pragma once
// The share-group side of `sluice group describe` and `sluice group
// reset-offsets` (kafka-share-groups.sh's --describe and --reset-offsets):
// used when the id names a share group rather than a consumer group.

#include <map>
#include <optional>

#include "client/share_admin.h"
#include "tools/commands/session.h"

namespace sluice::tools {

// The group's description, or nullopt when no share group has this id.
awaitable<result<std::optional<client::share_group_description>>> find_share_group(
    session& s, const std::string& group);

// Prints members (with the records each holds) and every share partition:
// start and end offsets, records in flight and acquired, lag.
awaitable<status> share_group_describe(session& s, const client::share_group_description& d);

// The group's share-partition start offsets (the "current" offsets a reset
// starts from), only those it has state for.
awaitable<result<std::map<client::topic_partition, int64_t>>> share_start_offsets(
    session& s, const std::string& group);

// Moves start offsets with AlterShareGroupOffsets.
awaitable<status> share_group_alter(session& s, const std::string& group,
                                    const std::map<client::topic_partition, int64_t>& offsets);

}  // namespace sluice::tools
