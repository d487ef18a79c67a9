#pragma once
// JoinGroup (key 11), versions 0-9; v6 is the first flexible version.
// Request: v1 adds rebalance_timeout_ms; v5 group_instance_id (static
// membership); v8 reason (KIP-800, why the member rejoins). Response: v2 adds
// throttle_time_ms; v5 a group_instance_id per member; v7 protocol_type and
// a nullable protocol_name; v9 skip_assignment (KIP-814: a static leader that
// rejoins without a rebalance must not assign again). v4 changed meaning
// only: the coordinator may answer MEMBER_ID_REQUIRED (79) with the member id
// to rejoin with. No tagged fields.
//
// protocol_name is null only where v7+ can say so: encoding null below v7
// fails with unexpected_null.
//
// Protocol metadata and member metadata are opaque bytes here, copied out of
// the frame because the coordinator keeps them for the group's life. For
// protocol_type "consumer" they hold a ConsumerProtocolSubscription
// (consumer_protocol.h).

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

struct join_group_request {
  static constexpr api_key api = api_key::join_group;

  struct join_group_request_protocol {
    std::string name;  // the assignor: "range", "roundrobin", ...
    std::vector<std::byte> metadata;
    friend bool operator==(const join_group_request_protocol&,
                           const join_group_request_protocol&) = default;
  };

  std::string group_id;
  int32_t session_timeout_ms = 0;
  int32_t rebalance_timeout_ms = -1;             // v1+; v0 members use session_timeout_ms
  std::string member_id;                         // empty on a first join
  std::optional<std::string> group_instance_id;  // v5+
  std::string protocol_type;                     // "consumer" for consumers
  std::vector<join_group_request_protocol> protocols;
  std::optional<std::string> reason;  // v8+

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const join_group_request&, const join_group_request&) = default;
};

struct join_group_response {
  static constexpr api_key api = api_key::join_group;

  struct join_group_response_member {
    std::string member_id;
    std::optional<std::string> group_instance_id;  // v5+
    std::vector<std::byte> metadata;
    friend bool operator==(const join_group_response_member&,
                           const join_group_response_member&) = default;
  };

  int32_t throttle_time_ms = 0;  // v2+
  protocol::error_code error_code = protocol::error_code::none;
  int32_t generation_id = -1;
  std::optional<std::string> protocol_type;                 // v7+
  std::optional<std::string> protocol_name{std::in_place};  // null from v7 only
  std::string leader;
  bool skip_assignment = false;  // v9+
  std::string member_id;
  std::vector<join_group_response_member> members;  // filled for the leader only

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const join_group_response&, const join_group_response&) = default;
};

}  // namespace sluice::protocol
