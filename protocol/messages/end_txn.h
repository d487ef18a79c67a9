#pragma once
// EndTxn (key 26), versions 0-5; v3 is the first flexible version. v1 and v2
// are v0 on the wire (v2: PRODUCER_FENCED), v4 is v3 (the client can handle TRANSACTION_ABORTABLE);
// v5 (KIP-890 transactions V2, latestVersionUnstable in Kafka's tree) adds
// producer_id/producer_epoch to the response: the coordinator bumps the epoch
// at every commit or abort and hands the new one back. No tagged fields.

#include <cstdint>
#include <string>

#include "protocol/api_keys.h"
#include "protocol/error_code.h"
#include "protocol/reader.h"
#include "protocol/writer.h"

namespace sluice::protocol {

struct end_txn_request {
  static constexpr api_key api = api_key::end_txn;

  std::string transactional_id;
  int64_t producer_id = 0;
  int16_t producer_epoch = 0;
  bool committed = false;  // false: abort

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const end_txn_request&, const end_txn_request&) = default;
};

struct end_txn_response {
  static constexpr api_key api = api_key::end_txn;

  int32_t throttle_time_ms = 0;
  protocol::error_code error_code = protocol::error_code::none;
  int64_t producer_id = -1;     // v5+
  int16_t producer_epoch = -1;  // v5+

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const end_txn_response&, const end_txn_response&) = default;
};

}  // namespace sluice::protocol
