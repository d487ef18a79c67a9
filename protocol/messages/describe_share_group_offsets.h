#pragma once
// DescribeShareGroupOffsets (key 90, KIP-932), versions 0-1. Flexible at
// every version; v1 adds each partition's Lag (Kafka 4.2).
//
// Sluice extension (docs/decisions.md D13): each partition may carry two
// tagged fields Kafka does not define, numbered far from Kafka's own tags so
// they can never collide with a future one. Kafka's clients skip unknown
// tags; `sluice group describe` reads them.
//   tag 10000: the share-partition end offset (int64);
//   tag 10001: records currently acquired under a lock (int32).

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

inline constexpr uint32_t sluice_end_offset_tag = 10000;
inline constexpr uint32_t sluice_acquired_records_tag = 10001;

struct describe_share_group_offsets_request {
  static constexpr api_key api = api_key::describe_share_group_offsets;

  struct request_topic {
    std::string topic_name;
    std::vector<int32_t> partitions;
    friend bool operator==(const request_topic&, const request_topic&) = default;
  };
  struct request_group {
    std::string group_id;
    std::optional<std::vector<request_topic>> topics;  // null: every partition
    friend bool operator==(const request_group&, const request_group&) = default;
  };

  std::vector<request_group> groups;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const describe_share_group_offsets_request&,
                         const describe_share_group_offsets_request&) = default;
};

struct describe_share_group_offsets_response {
  static constexpr api_key api = api_key::describe_share_group_offsets;

  struct response_partition {
    int32_t partition_index = 0;
    int64_t start_offset = -1;  // -1: the group has no state for it
    int32_t leader_epoch = -1;
    int64_t lag = -1;  // v1+
    protocol::error_code error_code = protocol::error_code::none;
    std::optional<std::string> error_message;
    std::optional<int64_t> end_offset;        // tag 10000 (extension)
    std::optional<int32_t> acquired_records;  // tag 10001 (extension)
    friend bool operator==(const response_partition&, const response_partition&) = default;
  };
  struct response_topic {
    std::string topic_name;
    uuid topic_id;
    std::vector<response_partition> partitions;
    friend bool operator==(const response_topic&, const response_topic&) = default;
  };
  struct response_group {
    std::string group_id;
    std::vector<response_topic> topics;
    protocol::error_code error_code = protocol::error_code::none;
    std::optional<std::string> error_message;
    friend bool operator==(const response_group&, const response_group&) = default;
  };

  int32_t throttle_time_ms = 0;
  std::vector<response_group> groups;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const describe_share_group_offsets_response&,
                         const describe_share_group_offsets_response&) = default;
};

}  // namespace sluice::protocol
