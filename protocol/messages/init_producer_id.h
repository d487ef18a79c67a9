#pragma once
// InitProducerId (key 22), versions 0-1, both non-flexible (v2 is the first
// flexible; v3 adds producer_id/producer_epoch to the request for epoch
// bumps). v1 is the same as v0 on the wire.
//
// librdkafka 2.0.2 only enables its idempotent producer when the advertised
// range contains v0 (PROTOCOL.md G2), and goes flexible at v2, so 0-1 is what
// the broker advertises.

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
