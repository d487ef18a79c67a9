#pragma once
// ConsumerGroupDescribe (key 69, KIP-848), versions 0-1, flexible at every
// version. v1 adds each member's MemberType (KIP-1099: -1 unknown, 0 a
// classic-protocol member, 1 a consumer-protocol member). Each assignment
// names topics by id and by name.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/error_code.h"
#include "protocol/reader.h"
#include "protocol/types.h"
#include "protocol/writer.h"

namespace sluice::protocol {

struct consumer_group_describe_request {
  static constexpr api_key api = api_key::consumer_group_describe;

  std::vector<std::string> group_ids;
  bool include_authorized_operations = false;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const consumer_group_describe_request&,
                         const consumer_group_describe_request&) = default;
};

struct consumer_group_describe_response {
  static constexpr api_key api = api_key::consumer_group_describe;

  struct topic_partitions {
    uuid topic_id;
    std::string topic_name;
    std::vector<int32_t> partitions;
    friend bool operator==(const topic_partitions&, const topic_partitions&) = default;
  };
  struct member {
    std::string member_id;
    std::optional<std::string> instance_id;
    std::optional<std::string> rack_id;
    int32_t member_epoch = 0;
    std::string client_id;
    std::string client_host;
    std::vector<std::string> subscribed_topic_names;
    std::optional<std::string> subscribed_topic_regex;
    std::vector<topic_partitions> assignment;         // Assignment.TopicPartitions
    std::vector<topic_partitions> target_assignment;  // TargetAssignment.TopicPartitions
    int8_t member_type = -1;                          // v1+
    friend bool operator==(const member&, const member&) = default;
  };
  struct described_group {
    protocol::error_code error_code = protocol::error_code::none;
    std::optional<std::string> error_message;
    std::string group_id;
    std::string group_state;
    int32_t group_epoch = 0;
    int32_t assignment_epoch = 0;
    std::string assignor_name;
    std::vector<member> members;
    int32_t authorized_operations = std::numeric_limits<int32_t>::min();
    friend bool operator==(const described_group&, const described_group&) = default;
  };

  int32_t throttle_time_ms = 0;
  std::vector<described_group> groups;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const consumer_group_describe_response&,
                         const consumer_group_describe_response&) = default;
};

}  // namespace sluice::protocol
