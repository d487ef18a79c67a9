#pragma once
// ListGroups (key 16), versions 0-5; v3 is the first flexible version
// (librdkafka 2.0.2 goes flexible when it is advertised). The request has no
// fields before v4's states_filter (KIP-518) and v5's types_filter (KIP-848:
// "classic", "consumer", "share"); an empty filter matches every group.
// Response: v1 adds throttle_time_ms; v4 each group's group_state; v5 its
// group_type. No tagged fields.
//
// kafka-python 2.0.2's admin client sends its "v2" struct labelled as v1
// (PROTOCOL.md); the bytes are the same, so nothing special is needed.

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/error_code.h"
#include "protocol/reader.h"
#include "protocol/writer.h"

namespace sluice::protocol {

struct list_groups_request {
  static constexpr api_key api = api_key::list_groups;

  std::vector<std::string> states_filter;  // v4+
  std::vector<std::string> types_filter;   // v5+

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const list_groups_request&, const list_groups_request&) = default;
};

struct list_groups_response {
  static constexpr api_key api = api_key::list_groups;

  struct listed_group {
    std::string group_id;
    std::string protocol_type;
    std::string group_state;  // v4+
    std::string group_type;   // v5+
    friend bool operator==(const listed_group&, const listed_group&) = default;
  };

  int32_t throttle_time_ms = 0;  // v1+
  protocol::error_code error_code = protocol::error_code::none;
  std::vector<listed_group> groups;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const list_groups_response&, const list_groups_response&) = default;
};

}  // namespace sluice::protocol
