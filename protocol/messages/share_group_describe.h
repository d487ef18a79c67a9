#pragma once
// ShareGroupDescribe (key 77, KIP-932), version 1. Flexible at every version.
//
// Each member's assignment names topics by id and by name, which is also how
// a client of this broker maps the topic ids of ShareGroupHeartbeat and
// ShareFetch back to names (docs/share-groups.md "Topic ids").

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

// Sluice extension (docs/decisions.md D13): a member may carry the number of
// records it holds under an acquisition lock as tagged field 10000, a tag
// far from Kafka's own. Kafka's clients skip it.
inline constexpr uint32_t sluice_member_acquired_records_tag = 10000;

struct share_group_describe_request {
  static constexpr api_key api = api_key::share_group_describe;

  std::vector<std::string> group_ids;
  bool include_authorized_operations = false;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const share_group_describe_request&,
                         const share_group_describe_request&) = default;
};

struct share_group_describe_response {
  static constexpr api_key api = api_key::share_group_describe;

  struct topic_partitions {
    uuid topic_id;
    std::string topic_name;
    std::vector<int32_t> partitions;
    friend bool operator==(const topic_partitions&, const topic_partitions&) = default;
  };
  struct member {
    std::string member_id;
    std::optional<std::string> rack_id;
    int32_t member_epoch = 0;
    std::string client_id;
    std::string client_host;
    std::vector<std::string> subscribed_topic_names;
    std::vector<topic_partitions> assignment;  // Assignment.TopicPartitions
    std::optional<int32_t> acquired_records;   // tag 10000 (extension)
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
  friend bool operator==(const share_group_describe_response&,
                         const share_group_describe_response&) = default;
};

}  // namespace sluice::protocol
