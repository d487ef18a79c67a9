#pragma once
// ShareGroupHeartbeat (key 76, KIP-932), version 1 (v0 was Kafka 4.0's early
// access and is gone since 4.1). Flexible at every version.
//
// A share consumer joins with member_epoch 0 and a member id it generated
// itself, heartbeats with the epoch it was given, and leaves with -1. The
// coordinator assigns partitions; unlike a consumer group, one partition may
// be assigned to many members at once. subscribed_topic_names and rack_id are
// null when unchanged since the previous heartbeat.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/error_code.h"
#include "protocol/reader.h"
#include "protocol/types.h"
#include "protocol/writer.h"

namespace sluice::protocol {

struct share_group_heartbeat_request {
  static constexpr api_key api = api_key::share_group_heartbeat;

  std::string group_id;
  std::string member_id;
  int32_t member_epoch = 0;  // 0: join; -1: leave
  std::optional<std::string> rack_id;
  std::optional<std::vector<std::string>> subscribed_topic_names;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const share_group_heartbeat_request&,
                         const share_group_heartbeat_request&) = default;
};

struct share_group_heartbeat_response {
  static constexpr api_key api = api_key::share_group_heartbeat;

  struct assigned_topic {
    uuid topic_id;
    std::vector<int32_t> partitions;
    friend bool operator==(const assigned_topic&, const assigned_topic&) = default;
  };
  struct assignment_data {
    std::vector<assigned_topic> topic_partitions;
    friend bool operator==(const assignment_data&, const assignment_data&) = default;
  };

  int32_t throttle_time_ms = 0;
  protocol::error_code error_code = protocol::error_code::none;
  std::optional<std::string> error_message;
  std::optional<std::string> member_id;
  int32_t member_epoch = 0;
  int32_t heartbeat_interval_ms = 0;
  std::optional<assignment_data> assignment;  // null: unchanged

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const share_group_heartbeat_response&,
                         const share_group_heartbeat_response&) = default;
};

}  // namespace sluice::protocol
