#pragma once
// sluice produce: one record per stdin line (kcat -P), or per line of a
// growing file with --follow (see tools/file_follower.h for what survives).

#include "client/producer.h"
#include "tools/commands/session.h"

namespace sluice::tools {

awaitable<status> produce_command(session& s, const produce_options& o);

// acks "0", "1", "-1"/"all"; compression by Kafka's name.
result<client::producer_config> producer_config_of(const produce_options& o);

}  // namespace sluice::tools
