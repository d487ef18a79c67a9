#pragma once
// FindCoordinator (key 10), versions 0-2, all non-flexible (v3 is the first
// flexible; v4 batches keys). Request: v1 adds key_type. Response: v1 adds
// throttle_time_ms and error_message; v2 is the same as v1.
//
// librdkafka 2.0.2 only queries coordinators at all when the advertised range
// contains v0 (PROTOCOL.md G2), and kafka-python sends v0.

#include <cstdint>
#include <optional>
#include <string>

#include "protocol/api_keys.h"
#include "protocol/error_code.h"
#include "protocol/reader.h"
#include "protocol/writer.h"

namespace sluice::protocol {

inline constexpr int8_t coordinator_key_type_group = 0;
inline constexpr int8_t coordinator_key_type_transaction = 1;

struct find_coordinator_request {
  static constexpr api_key api = api_key::find_coordinator;

  std::string key;                               // the group id (or transactional id)
  int8_t key_type = coordinator_key_type_group;  // v1+

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const find_coordinator_request&,
                         const find_coordinator_request&) = default;
};

struct find_coordinator_response {
  static constexpr api_key api = api_key::find_coordinator;

  int32_t throttle_time_ms = 0;  // v1+
  protocol::error_code error_code = protocol::error_code::none;
  std::optional<std::string> error_message;  // v1+
  int32_t node_id = 0;
  std::string host;
  int32_t port = 0;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const find_coordinator_response&,
                         const find_coordinator_response&) = default;
};

}  // namespace sluice::protocol
