#pragma once
// The share path's one owner (KIP-932): ShareFetch and ShareAcknowledge as
// the coordinator serves them. The handlers (broker/handlers/share_*.cc)
// only decode, call one of these and encode the answer.
//
// fetch: checks and advances the member's share session, applies the
// request's acknowledgements and makes them durable, then acquires records
// for the member from its session's partitions. When nothing can be
// acquired it waits, up to MaxWaitMs, for an event that may change that:
// an append to one of those partitions (topic_table::watch), or a change in
// the group (share_group::wait_for_change: records acknowledged, released
// or given back by a lock expiry, a member leaving). Nothing polls.
//
// Fair dispatch: a member gets at most min(MaxRecords,
// sluice.share.member.max.acquired.records) minus what it already holds, so
// a worker that acknowledges quickly gets proportionally more, and one that
// holds its limit is woken as soon as its own acknowledgement is durable.
//
// Records leave as file slices (sendfile), trimmed to the batches that hold
// acquired offsets (requests.h, acquire_records).
//
// acknowledge: ShareAcknowledge; answers once the new states are durable.
//
// Thread: the shard's. `done` is called exactly once, on that thread.

#include <cstdint>
#include <functional>
#include <vector>

#include "log/partition_log.h"
#include "protocol/messages/share_acknowledge.h"
#include "protocol/messages/share_fetch.h"

namespace sluice::broker::share {

class coordinator;

// What the request arrived with besides its body.
struct request_context {
  int16_t api_version = 0;
  uint64_t connection_id = 0;  // the share session is tied to it
};

struct fetch_answer {
  protocol::share_fetch_response body;
  // The file slices the body's external record sets name, by index.
  std::vector<log::file_slice> slices;
};

void fetch(coordinator& c, const request_context& ctx, protocol::share_fetch_request req,
           std::function<void(fetch_answer)> done);

void acknowledge(coordinator& c, const request_context& ctx,
                 protocol::share_acknowledge_request req,
                 std::function<void(protocol::share_acknowledge_response)> done);

}  // namespace sluice::broker::share
