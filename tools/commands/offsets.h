#pragma once
// sluice offsets: "topic:partition:offset" per partition, for earliest,
// latest or a time (kcat -Q / kafka-get-offsets.sh).

#include "tools/commands/session.h"

namespace sluice::tools {

awaitable<status> offsets_command(session& s, const offsets_options& o);

}  // namespace sluice::tools
