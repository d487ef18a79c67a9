#pragma once
// DeleteShareGroupOffsets (key 92, KIP-932), version 0, flexible: forgets
// the share state of whole topics for an empty share group; the next member
// starts them afresh (group.share.auto.offset.reset).

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

struct delete_share_group_offsets_request {
  static constexpr api_key api = api_key::delete_share_group_offsets;

  std::string group_id;
  std::vector<std::string> topic_names;  // Topics[].TopicName

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const delete_share_group_offsets_request&,
                         const delete_share_group_offsets_request&) = default;
};

struct delete_share_group_offsets_response {
  static constexpr api_key api = api_key::delete_share_group_offsets;

  struct response_topic {
    std::string topic_name;
    uuid topic_id;
    protocol::error_code error_code = protocol::error_code::none;
    std::optional<std::string> error_message;
    friend bool operator==(const response_topic&, const response_topic&) = default;
  };

  int32_t throttle_time_ms = 0;
  protocol::error_code error_code = protocol::error_code::none;
  std::optional<std::string> error_message;
  std::vector<response_topic> responses;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const delete_share_group_offsets_response&,
                         const delete_share_group_offsets_response&) = default;
};

}  // namespace sluice::protocol
