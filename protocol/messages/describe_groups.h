#pragma once
// DescribeGroups (key 15), versions 0-5; v5 is the first flexible version
// (and adds no field; no tagged fields). Request: v3 adds include_authorized_operations. Response:
// v1 adds throttle_time_ms; v3 a per-group authorized_operations; v4 a per-member
// group_instance_id.
//
// group_state is Kafka's state name ("Empty", "PreparingRebalance",
// "CompletingRebalance", "Stable", "Dead"); kafkajs's admin.setOffsets checks
// for "Empty" or "Dead" (G9). protocol_data is the chosen assignor's name.
// Member metadata and assignment are the opaque JoinGroup/SyncGroup bytes.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/error_code.h"
#include "protocol/messages/metadata.h"
#include "protocol/reader.h"
#include "protocol/writer.h"

namespace sluice::protocol {

struct describe_groups_request {
  static constexpr api_key api = api_key::describe_groups;

  std::vector<std::string> groups;
  bool include_authorized_operations = false;  // v3+

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const describe_groups_request&, const describe_groups_request&) = default;
};

struct describe_groups_response {
  static constexpr api_key api = api_key::describe_groups;

  struct described_group_member {
    std::string member_id;
    std::optional<std::string> group_instance_id;  // v4+
    std::string client_id;
    std::string client_host;
    std::vector<std::byte> member_metadata;
    std::vector<std::byte> member_assignment;
    friend bool operator==(const described_group_member&, const described_group_member&) = default;
  };
  struct described_group {
    protocol::error_code error_code = protocol::error_code::none;
    std::string group_id;
    std::string group_state;
    std::string protocol_type;
    std::string protocol_data;
    std::vector<described_group_member> members;
    int32_t authorized_operations = authorized_operations_omitted;  // v3+
    friend bool operator==(const described_group&, const described_group&) = default;
  };

  int32_t throttle_time_ms = 0;  // v1+
  std::vector<described_group> groups;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const describe_groups_response&,
                         const describe_groups_response&) = default;
};

}  // namespace sluice::protocol
