#pragma once
// sluice consume: kcat -C's job. Without --group every partition is assigned
// directly and -o (offsets, times, ranges) is resolved per partition to
// offsets; with --group the group decides the partitions, committed offsets
// decide where they start, and -o beginning|end is where a partition without
// a committed offset starts.

#include "tools/commands/session.h"

namespace sluice::tools {

awaitable<status> consume_command(session& s, const consume_options& o);

}  // namespace sluice::tools
