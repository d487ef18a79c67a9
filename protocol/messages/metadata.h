#pragma once
// Metadata (key 3), versions 0-12; v9 is the first flexible version.
// Request: v1 makes topics nullable; v4 adds allow_auto_topic_creation; v8
// adds the include_*_authorized_operations flags (the cluster one until v10);
// v10 adds each topic's topic_id and lets its name be null, though only v12
// may use them (Kafka refuses an id or a null name at v10-11 as
// INVALID_REQUEST).
// Response: v1 adds rack, controller_id and is_internal; v2 cluster_id; v3
// throttle_time_ms; v5 offline_replicas; v7 leader_epoch; v8 the
// *_authorized_operations bit fields (the cluster one until v10); v10 each
// topic's topic_id; v12 lets a topic's name be null (an unknown topic id).
//
// "All topics" is spelled differently by version (PROTOCOL.md G8): v0 sends an
// empty array, v1+ a null one (and empty means none). A null topics list
// encodes at v0 as an empty array, which means the same thing there; use
// wants_all_topics() rather than testing the list.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/error_code.h"
#include "protocol/reader.h"
#include "protocol/types.h"
#include "protocol/writer.h"

namespace sluice::protocol {

// Kafka's "authorized operations not requested" value.
inline constexpr int32_t authorized_operations_omitted = std::numeric_limits<int32_t>::min();

struct metadata_request {
  static constexpr api_key api = api_key::metadata;

  struct topic {
    std::optional<std::string> name;  // null (v10+) when asked by topic_id
    uuid topic_id{};                  // v10+; all zero: by name
    friend bool operator==(const topic&, const topic&) = default;
  };

  std::optional<std::vector<topic>> topics;            // null (v1+): all topics
  bool allow_auto_topic_creation = true;               // v4+
  bool include_cluster_authorized_operations = false;  // v8-10
  bool include_topic_authorized_operations = false;    // v8+

  bool wants_all_topics(int16_t version) const {
    return !topics || (version == 0 && topics->empty());
  }

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const metadata_request&, const metadata_request&) = default;
};

struct metadata_response {
  static constexpr api_key api = api_key::metadata;

  struct broker {
    int32_t node_id = 0;
    std::string host;
    int32_t port = 0;
    std::optional<std::string> rack;  // v1+
    friend bool operator==(const broker&, const broker&) = default;
  };
  struct partition {
    protocol::error_code error_code = protocol::error_code::none;
    int32_t partition_index = 0;
    int32_t leader_id = 0;
    int32_t leader_epoch = -1;  // v7+
    std::vector<int32_t> replica_nodes;
    std::vector<int32_t> isr_nodes;
    std::vector<int32_t> offline_replicas;  // v5+
    friend bool operator==(const partition&, const partition&) = default;
  };
  struct topic {
    protocol::error_code error_code = protocol::error_code::none;
    std::optional<std::string> name;  // null only at v12+ (an unknown topic id)
    bool is_internal = false;         // v1+
    std::vector<partition> partitions;
    int32_t topic_authorized_operations = authorized_operations_omitted;  // v8+
    uuid topic_id{};  // v10+; all zero for a topic asked by a name it does not have
    friend bool operator==(const topic&, const topic&) = default;
  };

  int32_t throttle_time_ms = 0;  // v3+
  std::vector<broker> brokers;
  std::optional<std::string> cluster_id;  // v2+
  int32_t controller_id = -1;             // v1+
  std::vector<topic> topics;
  int32_t cluster_authorized_operations = authorized_operations_omitted;  // v8-10

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const metadata_response&, const metadata_response&) = default;
};

}  // namespace sluice::protocol
