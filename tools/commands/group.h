#pragma once
// sluice group list|describe|delete|reset-offsets|wait
// (kafka-consumer-groups.sh's jobs, with its output shapes).

#include "tools/commands/session.h"

namespace sluice::tools {

awaitable<status> group_list(session& s, const group_options& o);
awaitable<status> group_describe(session& s, const group_options& o);
awaitable<status> group_delete(session& s, const group_options& o);
awaitable<status> group_reset_offsets(session& s, const group_options& o);
awaitable<status> group_wait(session& s, const group_options& o);

}  // namespace sluice::tools
