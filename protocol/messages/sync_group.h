#pragma once
// SyncGroup (key 14), versions 0-5; v4 is the first flexible version.
// Request: v3 adds group_instance_id; v5 protocol_type and protocol_name (the
// coordinator refuses a pair that is not the group's with
// INCONSISTENT_GROUP_PROTOCOL). Response: v1 adds throttle_time_ms; v5
// protocol_type and protocol_name (the group's). No tagged fields.
//
// Assignments are opaque bytes, copied out of the frame because the
// coordinator hands them to other members later. For protocol_type "consumer"
// they hold a ConsumerProtocolAssignment (consumer_protocol.h).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/error_code.h"
#include "protocol/reader.h"
#include "protocol/writer.h"

namespace sluice::protocol {

struct sync_group_request {
  static constexpr api_key api = api_key::sync_group;

  struct sync_group_request_assignment {
    std::string member_id;
    std::vector<std::byte> assignment;
    friend bool operator==(const sync_group_request_assignment&,
                           const sync_group_request_assignment&) = default;
  };

  std::string group_id;
  int32_t generation_id = 0;
  std::string member_id;
  std::optional<std::string> group_instance_id;            // v3+
  std::optional<std::string> protocol_type;                // v5+
  std::optional<std::string> protocol_name;                // v5+
  std::vector<sync_group_request_assignment> assignments;  // from the leader only

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const sync_group_request&, const sync_group_request&) = default;
};

struct sync_group_response {
  static constexpr api_key api = api_key::sync_group;

  int32_t throttle_time_ms = 0;  // v1+
  protocol::error_code error_code = protocol::error_code::none;
  std::optional<std::string> protocol_type;  // v5+
  std::optional<std::string> protocol_name;  // v5+
  std::vector<std::byte> assignment;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const sync_group_response&, const sync_group_response&) = default;
};

}  // namespace sluice::protocol
