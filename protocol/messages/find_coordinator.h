#pragma once
// FindCoordinator (key 10), versions 0-6; v3 is the first flexible version.
// Request: v1 adds key_type; v4 replaces key with coordinator_keys (KIP-699:
// several keys of one type in one request). Response: v1 adds
// throttle_time_ms and error_message; v4 replaces the single answer with one
// `coordinators` entry per key. v5 (TRANSACTION_ABORTABLE may be answered)
// and v6 (key_type 2, share groups) change no field. No tagged fields.
//
// Which form a message carries follows from its version: key and the single
// answer for v0-3, coordinator_keys and coordinators for v4+ (a client that
// does not know the version it will send fills both).
//
// librdkafka 2.0.2 only queries coordinators at all when the advertised range
// contains v0 (PROTOCOL.md G2), and kafka-python sends v0.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/error_code.h"
#include "protocol/reader.h"
#include "protocol/writer.h"

namespace sluice::protocol {

inline constexpr int8_t coordinator_key_type_group = 0;
inline constexpr int8_t coordinator_key_type_transaction = 1;
inline constexpr int8_t coordinator_key_type_share = 2;

struct find_coordinator_request {
  static constexpr api_key api = api_key::find_coordinator;

  std::string key;                               // v0-3: the group id (or transactional id)
  int8_t key_type = coordinator_key_type_group;  // v1+
  std::vector<std::string> coordinator_keys;     // v4+

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const find_coordinator_request&,
                         const find_coordinator_request&) = default;
};

struct find_coordinator_response {
  static constexpr api_key api = api_key::find_coordinator;

  struct coordinator {
    std::string key;
    int32_t node_id = 0;
    std::string host;
    int32_t port = 0;
    protocol::error_code error_code = protocol::error_code::none;
    std::optional<std::string> error_message;
    friend bool operator==(const coordinator&, const coordinator&) = default;
  };

  int32_t throttle_time_ms = 0;                                  // v1+
  protocol::error_code error_code = protocol::error_code::none;  // v0-3
  std::optional<std::string> error_message;                      // v1-3
  int32_t node_id = 0;                                           // v0-3
  std::string host;                                              // v0-3
  int32_t port = 0;                                              // v0-3
  std::vector<coordinator> coordinators;                         // v4+

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const find_coordinator_response&,
                         const find_coordinator_response&) = default;
};

}  // namespace sluice::protocol
