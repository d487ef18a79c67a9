#pragma once
// The leader epoch of every partition on this single-node broker, and Kafka's
// fencing rule for the current_leader_epoch a client sends (KIP-320).
//
// This broker is the only replica and the leader of every partition from its
// creation on, and no election ever happens, so each partition is in leader
// epoch 0 for its whole life: Metadata answers leader_epoch 0, ListOffsets
// and OffsetForLeaderEpoch answer the same, Fetch fences by it, and Produce
// stamps it into every batch it appends (handlers/produce.cc).

#include <cstdint>

#include "protocol/error_code.h"

namespace sluice::broker {

inline constexpr int32_t current_leader_epoch = 0;
// Kafka's "no epoch" (RecordBatch.NO_PARTITION_LEADER_EPOCH): the client does
// not ask for fencing.
inline constexpr int32_t no_leader_epoch = -1;

// Kafka's Partition.checkCurrentLeaderEpoch: an older epoch than the leader's
// is FENCED_LEADER_EPOCH (the client's metadata is stale), a newer one
// UNKNOWN_LEADER_EPOCH (this broker's is, as far as the client knows).
inline protocol::error_code check_leader_epoch(int32_t client_epoch) {
  if (client_epoch == no_leader_epoch) return protocol::error_code::none;
  if (client_epoch < current_leader_epoch) return protocol::error_code::fenced_leader_epoch;
  if (client_epoch > current_leader_epoch) return protocol::error_code::unknown_leader_epoch;
  return protocol::error_code::none;
}

}  // namespace sluice::broker
