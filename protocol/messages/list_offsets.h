#pragma once
// ListOffsets (key 2), versions 0-10; v6 and later are flexible (compact
// strings and arrays, tagged fields, no known tags). Request: v0 has
// max_num_offsets; v2 adds isolation_level; v4 current_leader_epoch; v10
// timeout_ms (for tiered storage reads). Response: v0 answers
// old_style_offsets (an array); v1 replaces it with a single timestamp +
// offset; v2 adds throttle_time_ms; v4 leader_epoch. v7, v8 and v9 add no
// field: they only allow the special timestamps below.
//
// Special timestamps (Kafka's ListOffsetsRequest constants), each valid from
// the version in brackets: -1 latest [0], -2 earliest [0], -3 max timestamp
// [7], -4 earliest local [8], -5 latest tiered [9].

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/error_code.h"
#include "protocol/reader.h"
#include "protocol/writer.h"

namespace sluice::protocol {

inline constexpr int64_t list_offsets_latest_timestamp = -1;
inline constexpr int64_t list_offsets_earliest_timestamp = -2;
inline constexpr int64_t list_offsets_max_timestamp = -3;
inline constexpr int64_t list_offsets_earliest_local_timestamp = -4;
inline constexpr int64_t list_offsets_latest_tiered_timestamp = -5;

struct list_offsets_request {
  static constexpr api_key api = api_key::list_offsets;

  struct partition {
    int32_t partition_index = 0;
    int32_t current_leader_epoch = -1;  // v4+
    int64_t timestamp = 0;
    int32_t max_num_offsets = 1;  // v0 only
    friend bool operator==(const partition&, const partition&) = default;
  };
  struct topic {
    std::string name;
    std::vector<partition> partitions;
    friend bool operator==(const topic&, const topic&) = default;
  };

  int32_t replica_id = -1;
  int8_t isolation_level = 0;  // v2+
  std::vector<topic> topics;
  int32_t timeout_ms = 0;  // v10+

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const list_offsets_request&, const list_offsets_request&) = default;
};

struct list_offsets_response {
  static constexpr api_key api = api_key::list_offsets;

  struct partition_response {
    int32_t partition_index = 0;
    protocol::error_code error_code = protocol::error_code::none;
    std::vector<int64_t> old_style_offsets;  // v0 only
    int64_t timestamp = -1;                  // v1+
    int64_t offset = -1;                     // v1+
    int32_t leader_epoch = -1;               // v4+
    friend bool operator==(const partition_response&, const partition_response&) = default;
  };
  struct topic_response {
    std::string name;
    std::vector<partition_response> partitions;
    friend bool operator==(const topic_response&, const topic_response&) = default;
  };

  int32_t throttle_time_ms = 0;  // v2+
  std::vector<topic_response> topics;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const list_offsets_response&, const list_offsets_response&) = default;
};

}  // namespace sluice::protocol
