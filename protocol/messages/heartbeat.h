#pragma once
// Heartbeat (key 12), versions 0-4; v4 is the first flexible version (and
// adds no field). Request: v3 adds group_instance_id. Response: v1 adds
// throttle_time_ms; v2 and v3 are the same as v1. No tagged fields.
//
// The error code drives client rebalances: REBALANCE_IN_PROGRESS (27),
// ILLEGAL_GENERATION (22), UNKNOWN_MEMBER_ID (25) (PROTOCOL.md G9).

#include <cstdint>
#include <optional>
#include <string>

#include "protocol/api_keys.h"
#include "protocol/error_code.h"
#include "protocol/reader.h"
#include "protocol/writer.h"

namespace sluice::protocol {

struct heartbeat_request {
  static constexpr api_key api = api_key::heartbeat;

  std::string group_id;
  int32_t generation_id = 0;
  std::string member_id;
  std::optional<std::string> group_instance_id;  // v3+

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const heartbeat_request&, const heartbeat_request&) = default;
};

struct heartbeat_response {
  static constexpr api_key api = api_key::heartbeat;

  int32_t throttle_time_ms = 0;  // v1+
  protocol::error_code error_code = protocol::error_code::none;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const heartbeat_response&, const heartbeat_response&) = default;
};

}  // namespace sluice::protocol
