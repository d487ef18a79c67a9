#pragma once
// AddOffsetsToTxn (key 25), versions 0-4; v3 is the first flexible version.
// v1 and v2 are v0 on the wire (v2: the client can handle PRODUCER_FENCED),
// v4 is v3 (KIP-890: the client can handle TRANSACTION_ABORTABLE). The producer adds
// the consumer group `group_id` to its transaction, before TxnOffsetCommit.
// No tagged fields.

#include <cstdint>
#include <string>

#include "protocol/api_keys.h"
#include "protocol/error_code.h"
#include "protocol/reader.h"
#include "protocol/writer.h"

namespace sluice::protocol {

struct add_offsets_to_txn_request {
  static constexpr api_key api = api_key::add_offsets_to_txn;

  std::string transactional_id;
  int64_t producer_id = 0;
  int16_t producer_epoch = 0;
  std::string group_id;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const add_offsets_to_txn_request&,
                         const add_offsets_to_txn_request&) = default;
};

struct add_offsets_to_txn_response {
  static constexpr api_key api = api_key::add_offsets_to_txn;

  int32_t throttle_time_ms = 0;
  protocol::error_code error_code = protocol::error_code::none;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const add_offsets_to_txn_response&,
                         const add_offsets_to_txn_response&) = default;
};

}  // namespace sluice::protocol
