#pragma once
// InitProducerId (key 22), versions 0-5. v1 is v0 on the wire; v2 is the
// first flexible version; v3 adds producer_id/producer_epoch to the request
// (KIP-360: a producer that knows its id asks for an epoch bump instead of a
// new id); v4 and v5 are v3 on the wire (v4: the client can handle
// PRODUCER_FENCED, v5: TRANSACTION_ABORTABLE, KIP-890). No tagged fields.
//
// librdkafka 2.0.2 only enables its idempotent producer when the advertised
// range contains v0 (PROTOCOL.md G2), and goes flexible at v2.

#include <cstdint>
#include <optional>
#include <string>

#include "protocol/api_keys.h"
#include "protocol/error_code.h"
#include "protocol/reader.h"
#include "protocol/writer.h"

namespace sluice::protocol {

struct init_producer_id_request {
  static constexpr api_key api = api_key::init_producer_id;

  std::optional<std::string> transactional_id;  // null: idempotent, not transactional
  int32_t transaction_timeout_ms = 0;
  int64_t producer_id = -1;     // v3+: the id held, -1 for none
  int16_t producer_epoch = -1;  // v3+: its epoch, -1 for none

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const init_producer_id_request&,
                         const init_producer_id_request&) = default;
};

struct init_producer_id_response {
  static constexpr api_key api = api_key::init_producer_id;

  int32_t throttle_time_ms = 0;
  protocol::error_code error_code = protocol::error_code::none;
  int64_t producer_id = -1;
  int16_t producer_epoch = 0;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const init_producer_id_response&,
                         const init_producer_id_response&) = default;
};

}  // namespace sluice::protocol
