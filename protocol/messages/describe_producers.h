#pragma once
// DescribeProducers (key 61), version 0, flexible (KIP-664: the active
// idempotent/transactional producers of each partition, from its producer
// state). No tagged fields.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/error_code.h"
#include "protocol/reader.h"
#include "protocol/writer.h"

namespace sluice::protocol {

struct describe_producers_request {
  static constexpr api_key api = api_key::describe_producers;

  struct topic_request {
    std::string name;
    std::vector<int32_t> partition_indexes;
    friend bool operator==(const topic_request&, const topic_request&) = default;
  };

  std::vector<topic_request> topics;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const describe_producers_request&,
                         const describe_producers_request&) = default;
};

struct describe_producers_response {
  static constexpr api_key api = api_key::describe_producers;

  struct producer_state {
    int64_t producer_id = 0;
    int32_t producer_epoch = 0;  // int32 on the wire, though epochs are int16
    int32_t last_sequence = -1;
    int64_t last_timestamp = -1;
    int32_t coordinator_epoch = 0;
    int64_t current_txn_start_offset = -1;  // -1: no ongoing transaction
    friend bool operator==(const producer_state&, const producer_state&) = default;
  };
  struct partition_response {
    int32_t partition_index = 0;
    protocol::error_code error_code = protocol::error_code::none;
    std::optional<std::string> error_message;
    std::vector<producer_state> active_producers;
    friend bool operator==(const partition_response&, const partition_response&) = default;
  };
  struct topic_response {
    std::string name;
    std::vector<partition_response> partitions;
    friend bool operator==(const topic_response&, const topic_response&) = default;
  };

  int32_t throttle_time_ms = 0;
  std::vector<topic_response> topics;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const describe_producers_response&,
                         const describe_producers_response&) = default;
};

}  // namespace sluice::protocol
