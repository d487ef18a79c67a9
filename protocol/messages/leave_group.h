#pragma once
// LeaveGroup (key 13), versions 0-5; v4 is the first flexible version.
// v0-2 leave one member (member_id); v3 leaves a batch of members, each by
// member_id and/or group_instance_id (KIP-345), and the response answers per
// member; v5 adds each member's reason (KIP-800). Response: v1 adds
// throttle_time_ms. No tagged fields.
//
// The two request shapes are kept as Kafka has them; which one a decoded
// request carries follows from its version.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/error_code.h"
#include "protocol/reader.h"
#include "protocol/writer.h"

namespace sluice::protocol {

struct leave_group_request {
  static constexpr api_key api = api_key::leave_group;

  struct member_identity {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    std::optional<std::string> reason;  // v5+
    friend bool operator==(const member_identity&, const member_identity&) = default;
  };

  std::string group_id;
  std::string member_id;                 // v0-2
  std::vector<member_identity> members;  // v3+

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const leave_group_request&, const leave_group_request&) = default;
};

struct leave_group_response {
  static constexpr api_key api = api_key::leave_group;

  struct member_response {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    protocol::error_code error_code = protocol::error_code::none;
    friend bool operator==(const member_response&, const member_response&) = default;
  };

  int32_t throttle_time_ms = 0;  // v1+
  protocol::error_code error_code = protocol::error_code::none;
  std::vector<member_response> members;  // v3+

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const leave_group_response&, const leave_group_response&) = default;
};

}  // namespace sluice::protocol
