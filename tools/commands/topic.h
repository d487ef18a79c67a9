#pragma once
// sluice topic create|list|describe|delete|alter (kafka-topics.sh's jobs).

#include "tools/commands/session.h"

namespace sluice::tools {

awaitable<status> topic_create(session& s, const topic_options& o);
awaitable<status> topic_list(session& s, const topic_options& o);
awaitable<status> topic_describe(session& s, const topic_options& o);
awaitable<status> topic_delete(session& s, const topic_options& o);
awaitable<status> topic_alter(session& s, const topic_options& o);

}  // namespace sluice::tools
