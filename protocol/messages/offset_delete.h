#pragma once
// OffsetDelete (key 47), version 0, Kafka's only one, never flexible. Deletes a group's committed
// offsets for partitions it no longer consumes (librdkafka's DeleteConsumerGroupOffsets). Note the
// response puts error_code before throttle_time_ms, unlike most responses.

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/error_code.h"
#include "protocol/reader.h"
#include "protocol/writer.h"

namespace sluice::protocol {

struct offset_delete_request {
  static constexpr api_key api = api_key::offset_delete;

  struct offset_delete_request_partition {
    int32_t partition_index = 0;
    friend bool operator==(const offset_delete_request_partition&,
                           const offset_delete_request_partition&) = default;
  };
  struct offset_delete_request_topic {
    std::string name;
    std::vector<offset_delete_request_partition> partitions;
    friend bool operator==(const offset_delete_request_topic&,
                           const offset_delete_request_topic&) = default;
  };

  std::string group_id;
  std::vector<offset_delete_request_topic> topics;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const offset_delete_request&, const offset_delete_request&) = default;
};

struct offset_delete_response {
  static constexpr api_key api = api_key::offset_delete;

  struct offset_delete_response_partition {
    int32_t partition_index = 0;
    protocol::error_code error_code = protocol::error_code::none;
    friend bool operator==(const offset_delete_response_partition&,
                           const offset_delete_response_partition&) = default;
  };
  struct offset_delete_response_topic {
    std::string name;
    std::vector<offset_delete_response_partition> partitions;
    friend bool operator==(const offset_delete_response_topic&,
                           const offset_delete_response_topic&) = default;
  };

  protocol::error_code error_code = protocol::error_code::none;
  int32_t throttle_time_ms = 0;
  std::vector<offset_delete_response_topic> topics;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const offset_delete_response&, const offset_delete_response&) = default;
};

}  // namespace sluice::protocol
