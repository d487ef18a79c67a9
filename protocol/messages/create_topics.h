#pragma once
// CreateTopics (key 19), versions 0-4, all non-flexible (v5 is the first
// flexible). Request: v1 adds validate_only; v4 lets num_partitions and
// replication_factor be -1 (broker defaults) without manual assignments
// (KIP-464), a meaning change only. Response: v1 adds a per-topic
// error_message; v2 throttle_time_ms; v3 and v4 are the same as v2.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/error_code.h"
#include "protocol/reader.h"
#include "protocol/writer.h"

namespace sluice::protocol {

struct create_topics_request {
  static constexpr api_key api = api_key::create_topics;

  struct creatable_replica_assignment {
    int32_t partition_index = 0;
    std::vector<int32_t> broker_ids;
    friend bool operator==(const creatable_replica_assignment&,
                           const creatable_replica_assignment&) = default;
  };
  struct creatable_topic_config {
    std::string name;
    std::optional<std::string> value;
    friend bool operator==(const creatable_topic_config&, const creatable_topic_config&) = default;
  };
  struct creatable_topic {
    std::string name;
    int32_t num_partitions = 0;                             // -1: the broker's default (v4+)
    int16_t replication_factor = 0;                         // -1: the broker's default (v4+)
    std::vector<creatable_replica_assignment> assignments;  // empty: automatic
    std::vector<creatable_topic_config> configs;
    friend bool operator==(const creatable_topic&, const creatable_topic&) = default;
  };

  std::vector<creatable_topic> topics;
  int32_t timeout_ms = 60000;
  bool validate_only = false;  // v1+

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const create_topics_request&, const create_topics_request&) = default;
};

struct create_topics_response {
  static constexpr api_key api = api_key::create_topics;

  struct creatable_topic_result {
    std::string name;
    protocol::error_code error_code = protocol::error_code::none;
    std::optional<std::string> error_message;  // v1+
    friend bool operator==(const creatable_topic_result&, const creatable_topic_result&) = default;
  };

  int32_t throttle_time_ms = 0;  // v2+
  std::vector<creatable_topic_result> topics;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const create_topics_response&, const create_topics_response&) = default;
};

}  // namespace sluice::protocol
