#pragma once
// AlterShareGroupOffsets (key 91, KIP-932), version 0, flexible: moves the
// share-partition start offset of an empty share group (a reset or replay).

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

struct alter_share_group_offsets_request {
  static constexpr api_key api = api_key::alter_share_group_offsets;

  struct request_partition {
    int32_t partition_index = 0;
    int64_t start_offset = 0;
    friend bool operator==(const request_partition&, const request_partition&) = default;
  };
  struct request_topic {
    std::string topic_name;
    std::vector<request_partition> partitions;
    friend bool operator==(const request_topic&, const request_topic&) = default;
  };

  std::string group_id;
  std::vector<request_topic> topics;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const alter_share_group_offsets_request&,
                         const alter_share_group_offsets_request&) = default;
};

struct alter_share_group_offsets_response {
  static constexpr api_key api = api_key::alter_share_group_offsets;

  struct response_partition {
    int32_t partition_index = 0;
    protocol::error_code error_code = protocol::error_code::none;
    std::optional<std::string> error_message;
    friend bool operator==(const response_partition&, const response_partition&) = default;
  };
  struct response_topic {
    std::string topic_name;
    uuid topic_id;
    std::vector<response_partition> partitions;
    friend bool operator==(const response_topic&, const response_topic&) = default;
  };

  int32_t throttle_time_ms = 0;
  protocol::error_code error_code = protocol::error_code::none;
  std::optional<std::string> error_message;
  std::vector<response_topic> responses;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const alter_share_group_offsets_response&,
                         const alter_share_group_offsets_response&) = default;
};

}  // namespace sluice::protocol
