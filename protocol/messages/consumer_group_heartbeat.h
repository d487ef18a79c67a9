#pragma once
// ConsumerGroupHeartbeat (key 68, KIP-848), versions 0-1, flexible at every
// version. v1 adds SubscribedTopicRegex; from v1 the member id is chosen by
// the client (v0 clients may send "" on their first heartbeat and take the
// coordinator's). A member joins with member_epoch 0, heartbeats with the
// epoch it was given, leaves with -1 (-2: a static member leaving for a
// while, keeping its instance id's assignment). Optional fields are null when
// unchanged since the previous heartbeat.

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

struct consumer_group_topic_partitions {
  uuid topic_id;
  std::vector<int32_t> partitions;
  friend bool operator==(const consumer_group_topic_partitions&,
                         const consumer_group_topic_partitions&) = default;
};

struct consumer_group_heartbeat_request {
  static constexpr api_key api = api_key::consumer_group_heartbeat;

  std::string group_id;
  std::string member_id;
  int32_t member_epoch = 0;  // 0: join; -1: leave; -2: static member leaves for now
  std::optional<std::string> instance_id;
  std::optional<std::string> rack_id;
  int32_t rebalance_timeout_ms = -1;  // -1: unchanged
  std::optional<std::vector<std::string>> subscribed_topic_names;
  std::optional<std::string> subscribed_topic_regex;  // v1+
  std::optional<std::string> server_assignor;
  // The partitions the member owns; null: unchanged.
  std::optional<std::vector<consumer_group_topic_partitions>> topic_partitions;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const consumer_group_heartbeat_request&,
                         const consumer_group_heartbeat_request&) = default;
};

struct consumer_group_heartbeat_response {
  static constexpr api_key api = api_key::consumer_group_heartbeat;

  struct assignment_data {
    std::vector<consumer_group_topic_partitions> topic_partitions;
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
  friend bool operator==(const consumer_group_heartbeat_response&,
                         const consumer_group_heartbeat_response&) = default;
};

}  // namespace sluice::protocol
