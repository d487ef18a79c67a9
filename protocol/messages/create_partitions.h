#pragma once
// CreatePartitions (key 37), versions 0-3; v2 is the first flexible version.
// v1 is the same as v0 on the wire (it only changed when a throttled broker
// answers); v3 is v2, except that it may answer THROTTLING_QUOTA_EXCEEDED. The request's
// assignments are nullable: null lets the broker place the new partitions.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/error_code.h"
#include "protocol/reader.h"
#include "protocol/writer.h"

namespace sluice::protocol {

struct create_partitions_request {
  static constexpr api_key api = api_key::create_partitions;

  struct create_partitions_assignment {
    std::vector<int32_t> broker_ids;
    friend bool operator==(const create_partitions_assignment&,
                           const create_partitions_assignment&) = default;
  };
  struct create_partitions_topic {
    std::string name;
    int32_t count = 0;  // the new total partition count
    std::optional<std::vector<create_partitions_assignment>> assignments;  // null: automatic
    friend bool operator==(const create_partitions_topic&,
                           const create_partitions_topic&) = default;
  };

  std::vector<create_partitions_topic> topics;
  int32_t timeout_ms = 0;
  bool validate_only = false;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const create_partitions_request&,
                         const create_partitions_request&) = default;
};

struct create_partitions_response {
  static constexpr api_key api = api_key::create_partitions;

  struct create_partitions_topic_result {
    std::string name;
    protocol::error_code error_code = protocol::error_code::none;
    std::optional<std::string> error_message;
    friend bool operator==(const create_partitions_topic_result&,
                           const create_partitions_topic_result&) = default;
  };

  int32_t throttle_time_ms = 0;
  std::vector<create_partitions_topic_result> results;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const create_partitions_response&,
                         const create_partitions_response&) = default;
};

}  // namespace sluice::protocol
