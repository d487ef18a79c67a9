#pragma once
// sluice consume: kcat -C's job. Without --group every partition is assigned
// directly and -o (offsets, times, ranges) is resolved per partition to
// offsets; with --group the group decides the partitions, committed offsets
// decide where they start, and -o beginning|end is where a partition without
// a committed offset starts.

#include "client/record.h"
#include "tools/commands/session.h"
#include "tools/record_format.h"

namespace sluice::tools {

awaitable<status> consume_command(session& s, const consume_options& o);

// The checks that need no broker (-o, -f/--json, --isolation, what --group
// allows), run before connecting: a failure is a usage error (exit 2).
status check_consume_options(const consume_options& o);

// A fetched record as -f and --json render it (shared with share consume).
printable_record printable(const client::consumer_record& r);

}  // namespace sluice::tools
