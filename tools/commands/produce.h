#pragma once
// sluice produce: one record per stdin line (kcat -P), or per line of a
// growing file with --follow (see tools/file_follower.h for what survives).

#include "client/producer.h"
#include "tools/commands/session.h"

namespace sluice::tools {

awaitable<status> produce_command(session& s, const produce_options& o);

// acks "0", "1", "-1"/"all"; compression by Kafka's name.
// Bad values and flags that do not go together are usage errors (exit 2).
result<client::producer_config> producer_config_of(const produce_options& o);

// Every check of the options that needs no broker (producer_config_of, the
// keying flags), run before connecting so that a usage error exits 2 even
// with no broker reachable.
status check_produce_options(const produce_options& o);

}  // namespace sluice::tools
