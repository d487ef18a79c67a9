#pragma once
// Pieces shared by the share-group messages (KIP-932, keys 76-79): the
// acknowledgement batch that ShareFetch and ShareAcknowledge both carry, the
// partition's current leader, and the node endpoints that answer a
// NOT_LEADER_OR_FOLLOWER. All four APIs are flexible at every version, so
// these helpers always write compact forms and tagged-field sections.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/reader.h"
#include "protocol/writer.h"

namespace sluice::protocol {

// Kafka's acknowledge types (AcknowledgeTypes in the specs).
enum class acknowledge_type : int8_t {
  gap = 0,      // the offset holds no record (compaction, control batch)
  accept = 1,   // processed: never delivered again
  release = 2,  // give it back: available for another delivery
  reject = 3,   // unprocessable: archived, never delivered again
  renew = 4,    // v2 (KIP-1222): extend the acquisition lock, keep the record
};

struct acknowledgement_batch {
  int64_t first_offset = 0;
  int64_t last_offset = 0;  // inclusive
  // One type for the whole range, or one per offset.
  std::vector<int8_t> acknowledge_types;
  friend bool operator==(const acknowledgement_batch&, const acknowledgement_batch&) = default;
};

struct leader_id_and_epoch {
  int32_t leader_id = -1;
  int32_t leader_epoch = -1;
  friend bool operator==(const leader_id_and_epoch&, const leader_id_and_epoch&) = default;
};

struct share_node_endpoint {
  int32_t node_id = 0;
  std::string host;
  int32_t port = 0;
  std::optional<std::string> rack;
  friend bool operator==(const share_node_endpoint&, const share_node_endpoint&) = default;
};

// Smallest encodings (compact forms), to bound declared array counts.
inline constexpr size_t min_acknowledgement_batch_bytes = 8 + 8 + 1 + 1;
inline constexpr size_t min_node_endpoint_bytes = 4 + 1 + 4 + 1 + 1;

void read_acknowledgement_batch(reader& r, acknowledgement_batch& b);
void write_acknowledgement_batch(writer& w, const acknowledgement_batch& b);
void read_leader(reader& r, leader_id_and_epoch& l);
void write_leader(writer& w, const leader_id_and_epoch& l);
void read_node_endpoint(reader& r, share_node_endpoint& n);
void write_node_endpoint(writer& w, const share_node_endpoint& n);
// A compact array of int32 (partition indexes).
void read_int32s(reader& r, std::vector<int32_t>& out);
void write_int32s(writer& w, const std::vector<int32_t>& v);

}  // namespace sluice::protocol
