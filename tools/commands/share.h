#pragma once
// sluice share consume: a member of a share group (KIP-932) printing the
// records the group hands it, each acknowledged on its own: with --ack auto
// accepted once printed (the share consumer's implicit mode), with --ack
// manual as a line read from stdin says (a/accept, r/release, x/reject; and
// n/renew to extend the record's lock before answering). Records fetched
// beyond -c are released so other members get them at once.

#include "tools/commands/session.h"

namespace sluice::tools {

awaitable<status> share_consume(session& s, const share_options& o);

}  // namespace sluice::tools
