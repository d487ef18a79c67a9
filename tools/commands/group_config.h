#pragma once
// sluice group config <group> [--set k=v ...] [--delete k ...]: the group's
// KIP-848/KIP-932 configs (the GROUP config resource), as
// `kafka-configs.sh --entity-type groups --entity-name <group>` shows and
// alters them. Without --set/--delete: every group config with its value and
// where it comes from (the group's own override, or the broker default).

#include "tools/commands/session.h"

namespace sluice::tools {

awaitable<status> group_config(session& s, const group_options& o);

}  // namespace sluice::tools
