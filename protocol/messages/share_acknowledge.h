#pragma once
// ShareAcknowledge (key 79, KIP-932), versions 1-2. Flexible at every
// version. v2 (Kafka 4.2, KIP-1222) adds is_renew_ack to the request and
// acquisition_lock_timeout_ms to the response.
//
// Acknowledges without fetching; the broker answers only once the new
// states are durable (docs/share-groups.md "Durability").

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/error_code.h"
#include "protocol/messages/share_common.h"
#include "protocol/reader.h"
#include "protocol/types.h"
#include "protocol/writer.h"

namespace sluice::protocol {

struct share_acknowledge_request {
  static constexpr api_key api = api_key::share_acknowledge;

  struct acknowledge_partition {
    int32_t partition_index = 0;
    std::vector<acknowledgement_batch> acknowledgement_batches;
    friend bool operator==(const acknowledge_partition&, const acknowledge_partition&) = default;
  };
  struct acknowledge_topic {
    uuid topic_id;
    std::vector<acknowledge_partition> partitions;
    friend bool operator==(const acknowledge_topic&, const acknowledge_topic&) = default;
  };

  std::optional<std::string> group_id;
  std::optional<std::string> member_id;
  int32_t share_session_epoch = 0;
  bool is_renew_ack = false;  // v2+
  std::vector<acknowledge_topic> topics;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const share_acknowledge_request&,
                         const share_acknowledge_request&) = default;
};

struct share_acknowledge_response {
  static constexpr api_key api = api_key::share_acknowledge;

  struct partition_data {
    int32_t partition_index = 0;
    protocol::error_code error_code = protocol::error_code::none;
    std::optional<std::string> error_message;
    leader_id_and_epoch current_leader;
    friend bool operator==(const partition_data&, const partition_data&) = default;
  };
  struct topic_response {
    uuid topic_id;
    std::vector<partition_data> partitions;
    friend bool operator==(const topic_response&, const topic_response&) = default;
  };

  int32_t throttle_time_ms = 0;
  protocol::error_code error_code = protocol::error_code::none;
  std::optional<std::string> error_message;
  int32_t acquisition_lock_timeout_ms = 0;  // v2+
  std::vector<topic_response> responses;
  std::vector<share_node_endpoint> node_endpoints;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const share_acknowledge_response&,
                         const share_acknowledge_response&) = default;
};

}  // namespace sluice::protocol
