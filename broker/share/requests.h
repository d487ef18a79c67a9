#pragma once
// The pieces ShareFetch and ShareAcknowledge have in common, on top of the
// coordinator: share-session epochs, applying acknowledgement batches, and
// acquiring records with the bytes that hold them. The handlers
// (broker/handlers/share_*.cc) only decode, call these and encode.
//
// Share sessions (KIP-932): epoch 0 opens a session for (group, member) and
// may not carry acknowledgements; each later request carries the previous
// epoch + 1 (else INVALID_SHARE_SESSION_EPOCH; no session:
// SHARE_SESSION_NOT_FOUND); -1 closes it after its acknowledgements, giving
// back every record the member still holds. ShareFetch partitions join the
// session and are fetched from until forgotten.
//
// Thread: the shard's.

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "broker/share/coordinator.h"
#include "log/partition_log.h"
#include "protocol/error_code.h"
#include "protocol/messages/share_common.h"
#include "protocol/types.h"

namespace sluice::broker::share {

// Checks and advances the member's session for a request at `epoch` that
// arrived on `connection_id`, which the session is then tied to.
// `opening_allowed` is false for ShareAcknowledge (which cannot open one).
protocol::error_code advance_session(share_group& g, const std::string& member, int32_t epoch,
                                     bool opening_allowed, uint64_t connection_id);
// After a request at epoch -1: the session goes, and the member's records back.
void close_session(share_group& g, const std::string& member, int64_t now_ms);

struct partition_acks {
  protocol::uuid topic_id;
  int32_t partition = 0;
  const std::vector<protocol::acknowledgement_batch>* batches = nullptr;
};

// (topic id bytes, partition): a map key (uuid itself has no ordering).
using partition_key = std::pair<std::array<std::byte, 16>, int32_t>;
inline partition_key key_of(const protocol::uuid& id, int32_t partition) {
  return {id.bytes, partition};
}
inline protocol::uuid uuid_of(const partition_key& k) { return protocol::uuid{k.first}; }

struct ack_outcome {
  // NONE when every batch applied.
  std::map<partition_key, protocol::error_code> errors;
  std::vector<topic_partition> touched;  // partitions whose state changed
};

// Applies each batch; `renew_allowed` is false before v2 (RENEW is then an
// INVALID_REQUEST).
ack_outcome apply_acknowledgements(coordinator& c, share_group& g, const std::string& member,
                                   const std::vector<partition_acks>& acks, bool renew_allowed,
                                   int64_t now_ms);

struct acquired_partition {
  std::vector<std::pair<int64_t, int64_t>> ranges;  // first, last
  std::vector<int16_t> delivery_counts;
  // The batches from the first to the last that holds an acquired offset,
  // as one slice of a segment file: they leave by sendfile(2), as a Fetch's
  // do. Batches between may hold offsets this member did not acquire; the
  // client hands out only those inside `ranges` (KIP-932).
  std::optional<log::file_slice> records;
};

// Acquires up to `max_records` for `member` from `tp`, reading at most
// `max_bytes` of batches (their headers only: the records are not read).
// Empty when nothing is available; `error` is set for a partition that
// cannot be read.
acquired_partition acquire_records(coordinator& c, share_group& g, const topic_partition& tp,
                                   const std::string& member, int32_t max_records,
                                   uint64_t max_bytes, int64_t now_ms, protocol::error_code& error);

}  // namespace sluice::broker::share
