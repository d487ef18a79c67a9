#pragma once
// CreateTopics (key 19), versions 0-7; v5 is the first flexible version.
// Request: v1 adds validate_only; v4 lets num_partitions and
// replication_factor be -1 (broker defaults) without manual assignments
// (KIP-464), a meaning change only; v5-v7 are v4 in the flexible encoding.
// Response: v1 adds a per-topic error_message; v2 throttle_time_ms; v5 the
// topic's resulting num_partitions, replication_factor and configs, plus the
// tagged topic_config_error_code (tag 0) for when the configs are left out;
// v7 the topic_id.

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

  struct creatable_topic_configs {
    std::string name;
    std::optional<std::string> value;
    bool read_only = false;
    int8_t config_source = -1;
    bool is_sensitive = false;
    friend bool operator==(const creatable_topic_configs&,
                           const creatable_topic_configs&) = default;
  };
  struct creatable_topic_result {
    std::string name;
    uuid topic_id;  // v7+
    protocol::error_code error_code = protocol::error_code::none;
    std::optional<std::string> error_message;  // v1+
    // v5+, tag 0: why `configs` is null although the topic was created.
    int16_t topic_config_error_code = 0;
    int32_t num_partitions = -1;                                  // v5+
    int16_t replication_factor = -1;                              // v5+
    std::optional<std::vector<creatable_topic_configs>> configs;  // v5+
    friend bool operator==(const creatable_topic_result&, const creatable_topic_result&) = default;
  };

  int32_t throttle_time_ms = 0;  // v2+
  std::vector<creatable_topic_result> topics;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const create_topics_response&, const create_topics_response&) = default;
};

}  // namespace sluice::protocol
