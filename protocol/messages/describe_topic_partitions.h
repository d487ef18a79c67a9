#pragma once
// DescribeTopicPartitions (key 75, KIP-966), version 0, flexible only (no
// known tagged fields). Describes topics and their partitions page by page:
// the request names the topics (an empty list: every topic), caps the
// partitions in one answer (response_partition_limit) and may start at a
// cursor (topic name + partition index); the response carries next_cursor
// where the next page starts, null when there is none.
//
// Cursors are nullable structs: int8 -1 for null, 1 then the fields and the
// struct's tagged-field section for present (KIP-482).

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

struct describe_topic_partitions_cursor {
  std::string topic_name;
  int32_t partition_index = 0;
  friend bool operator==(const describe_topic_partitions_cursor&,
                         const describe_topic_partitions_cursor&) = default;
};

struct describe_topic_partitions_request {
  static constexpr api_key api = api_key::describe_topic_partitions;

  struct topic_request {
    std::string name;
    friend bool operator==(const topic_request&, const topic_request&) = default;
  };

  std::vector<topic_request> topics;
  int32_t response_partition_limit = 2000;
  std::optional<describe_topic_partitions_cursor> cursor;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const describe_topic_partitions_request&,
                         const describe_topic_partitions_request&) = default;
};

struct describe_topic_partitions_response {
  static constexpr api_key api = api_key::describe_topic_partitions;

  struct partition {
    protocol::error_code error_code = protocol::error_code::none;
    int32_t partition_index = 0;
    int32_t leader_id = 0;
    int32_t leader_epoch = -1;
    std::vector<int32_t> replica_nodes;
    std::vector<int32_t> isr_nodes;
    std::optional<std::vector<int32_t>> eligible_leader_replicas;  // default null
    std::optional<std::vector<int32_t>> last_known_elr;            // default null
    std::vector<int32_t> offline_replicas;
    friend bool operator==(const partition&, const partition&) = default;
  };
  struct topic {
    protocol::error_code error_code = protocol::error_code::none;
    std::optional<std::string> name;
    uuid topic_id;
    bool is_internal = false;
    std::vector<partition> partitions;
    int32_t topic_authorized_operations = INT32_MIN;
    friend bool operator==(const topic&, const topic&) = default;
  };

  int32_t throttle_time_ms = 0;
  std::vector<topic> topics;
  std::optional<describe_topic_partitions_cursor> next_cursor;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const describe_topic_partitions_response&,
                         const describe_topic_partitions_response&) = default;
};

}  // namespace sluice::protocol
