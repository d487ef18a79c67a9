#pragma once
// OffsetForLeaderEpoch (key 23), versions 0-4; v4 is the first flexible
// (compact strings and arrays, tagged fields, no known tags). A consumer
// (KIP-320) or follower asks, per partition, where a leader epoch ended, to
// detect log truncation.
//
// Request: topics[topic, partitions[partition, current_leader_epoch (v2+),
// leader_epoch]]; replica_id from v3 (default -2, Kafka's "debugging"
// replica, what an older request means). Response: throttle_time_ms (v2+),
// topics[topic, partitions[error_code, partition, leader_epoch (v1+),
// end_offset]]; -1 end offset and epoch when the epoch is unknown.

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/error_code.h"
#include "protocol/reader.h"
#include "protocol/writer.h"

namespace sluice::protocol {

struct offset_for_leader_epoch_request {
  static constexpr api_key api = api_key::offset_for_leader_epoch;

  struct offset_for_leader_partition {
    int32_t partition = 0;
    int32_t current_leader_epoch = -1;  // v2+
    int32_t leader_epoch = 0;
    friend bool operator==(const offset_for_leader_partition&,
                           const offset_for_leader_partition&) = default;
  };
  struct offset_for_leader_topic {
    std::string topic;
    std::vector<offset_for_leader_partition> partitions;
    friend bool operator==(const offset_for_leader_topic&,
                           const offset_for_leader_topic&) = default;
  };

  int32_t replica_id = -2;  // v3+
  std::vector<offset_for_leader_topic> topics;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const offset_for_leader_epoch_request&,
                         const offset_for_leader_epoch_request&) = default;
};

struct offset_for_leader_epoch_response {
  static constexpr api_key api = api_key::offset_for_leader_epoch;

  struct epoch_end_offset {
    protocol::error_code error_code = protocol::error_code::none;
    int32_t partition = 0;
    int32_t leader_epoch = -1;  // v1+
    int64_t end_offset = -1;
    friend bool operator==(const epoch_end_offset&, const epoch_end_offset&) = default;
  };
  struct offset_for_leader_topic_result {
    std::string topic;
    std::vector<epoch_end_offset> partitions;
    friend bool operator==(const offset_for_leader_topic_result&,
                           const offset_for_leader_topic_result&) = default;
  };

  int32_t throttle_time_ms = 0;  // v2+
  std::vector<offset_for_leader_topic_result> topics;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const offset_for_leader_epoch_response&,
                         const offset_for_leader_epoch_response&) = default;
};

}  // namespace sluice::protocol
