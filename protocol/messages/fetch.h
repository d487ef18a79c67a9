#pragma once
// Fetch (key 1), versions 4-17; v12 is the first flexible version.
// Request: v5 adds log_start_offset, v7 fetch sessions (session_id,
// session_epoch, forgotten_topics_data), v9 current_leader_epoch, v11 rack_id,
// v12 last_fetched_epoch and the tagged cluster_id (tag 0), v13 names topics
// by topic_id instead of by name (topics and forgotten topics), v15 moves
// replica_id into the tagged replica_state (tag 1), v17 adds each partition's
// tagged replica_directory_id (tag 0). v14 and v16 change only errors.
// Response: v5 adds log_start_offset, v7 error_code and session_id, v11
// preferred_read_replica, v12 the tagged partition fields diverging_epoch (0),
// current_leader (1) and snapshot_id (2), v13 topic_id instead of the name,
// v16 the tagged node_endpoints (top level, tag 0). Tagged fields are written
// only when they differ from their defaults.
//
// A sender that does not know the version it will be encoded at fills both a
// topic's name and its topic_id: each version writes only its own.
//
// Zero-copy: a partition's records are a record_set. A client decoding a
// response gets views into the frame. The broker encoding one may give each
// partition an external slice (record_set::external) naming bytes in a
// segment file; the encoded chunked_buffer then holds every other byte, and
// its chunks() list says, in wire order, where each slice goes, so the
// connection can write the owned pieces and sendfile() the slices. The size
// prefix already counts the slices' lengths.

#include <cstdint>
#include <limits>
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

// Fetch v13+ names topics by id.
inline constexpr int16_t fetch_first_topic_id_version = 13;

struct fetch_request {
  static constexpr api_key api = api_key::fetch;

  // Kafka's ReplicaState (named apart from the field, which C++ requires).
  struct follower_state {
    int32_t replica_id = -1;
    int64_t replica_epoch = -1;
    friend bool operator==(const follower_state&, const follower_state&) = default;
  };
  struct fetch_partition {
    int32_t partition = 0;
    int32_t current_leader_epoch = -1;  // v9+
    int64_t fetch_offset = 0;
    int64_t log_start_offset = -1;  // v5+
    int32_t partition_max_bytes = 0;
    int32_t last_fetched_epoch = -1;  // v12+
    uuid replica_directory_id{};      // v17+, tag 0
    friend bool operator==(const fetch_partition&, const fetch_partition&) = default;
  };
  struct fetch_topic {
    std::string topic;  // v0-12
    std::vector<fetch_partition> partitions;
    uuid topic_id{};  // v13+
    friend bool operator==(const fetch_topic&, const fetch_topic&) = default;
  };
  struct forgotten_topic {
    std::string topic;  // v7-12
    std::vector<int32_t> partitions;
    uuid topic_id{};  // v13+
    friend bool operator==(const forgotten_topic&, const forgotten_topic&) = default;
  };

  std::optional<std::string> cluster_id;  // v12+, tag 0
  int32_t replica_id = -1;                // v0-14
  follower_state replica_state{};         // v15+, tag 1
  int32_t max_wait_ms = 0;
  int32_t min_bytes = 0;
  int32_t max_bytes = std::numeric_limits<int32_t>::max();
  int8_t isolation_level = 0;
  int32_t session_id = 0;      // v7+
  int32_t session_epoch = -1;  // v7+
  std::vector<fetch_topic> topics;
  std::vector<forgotten_topic> forgotten_topics_data;  // v7+
  std::string rack_id;                                 // v11+

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const fetch_request&, const fetch_request&) = default;
};

struct fetch_response {
  static constexpr api_key api = api_key::fetch;

  struct aborted_transaction {
    int64_t producer_id = 0;
    int64_t first_offset = 0;
    friend bool operator==(const aborted_transaction&, const aborted_transaction&) = default;
  };
  struct epoch_end_offset {
    int32_t epoch = -1;
    int64_t end_offset = -1;
    friend bool operator==(const epoch_end_offset&, const epoch_end_offset&) = default;
  };
  // Kafka's SnapshotId (named apart from the field, which C++ requires).
  struct snapshot {
    int64_t end_offset = -1;
    int32_t epoch = -1;
    friend bool operator==(const snapshot&, const snapshot&) = default;
  };
  struct partition_data {
    int32_t partition_index = 0;
    protocol::error_code error_code = protocol::error_code::none;
    int64_t high_watermark = 0;
    int64_t last_stable_offset = -1;
    int64_t log_start_offset = -1;  // v5+
    std::optional<std::vector<aborted_transaction>> aborted_transactions =
        std::vector<aborted_transaction>{};
    int32_t preferred_read_replica = -1;  // v11+
    record_set records;
    epoch_end_offset diverging_epoch{};    // v12+, tag 0
    leader_id_and_epoch current_leader{};  // v12+, tag 1
    snapshot snapshot_id{};                // v12+, tag 2
    friend bool operator==(const partition_data&, const partition_data&) = default;
  };
  struct fetchable_topic_response {
    std::string topic;  // v0-12
    std::vector<partition_data> partitions;
    uuid topic_id{};  // v13+
    friend bool operator==(const fetchable_topic_response&,
                           const fetchable_topic_response&) = default;
  };

  int32_t throttle_time_ms = 0;
  protocol::error_code error_code = protocol::error_code::none;  // v7+
  int32_t session_id = 0;                                        // v7+
  std::vector<fetchable_topic_response> responses;
  std::vector<share_node_endpoint> node_endpoints{};  // v16+, tag 0

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const fetch_response&, const fetch_response&) = default;
};

}  // namespace sluice::protocol
