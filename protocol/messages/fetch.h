#pragma once
// Fetch (key 1), versions 4-11, all non-flexible (v12 is the first flexible).
// Request: v5 adds log_start_offset, v7 fetch sessions (session_id,
// session_epoch, forgotten_topics_data), v9 current_leader_epoch, v11 rack_id.
// Response: v5 adds log_start_offset, v7 error_code and session_id, v11
// preferred_read_replica.
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
#include "protocol/reader.h"
#include "protocol/types.h"
#include "protocol/writer.h"

namespace sluice::protocol {

struct fetch_request {
  static constexpr api_key api = api_key::fetch;

  struct fetch_partition {
    int32_t partition = 0;
    int32_t current_leader_epoch = -1;  // v9+
    int64_t fetch_offset = 0;
    int64_t log_start_offset = -1;  // v5+
    int32_t partition_max_bytes = 0;
    friend bool operator==(const fetch_partition&, const fetch_partition&) = default;
  };
  struct fetch_topic {
    std::string topic;
    std::vector<fetch_partition> partitions;
    friend bool operator==(const fetch_topic&, const fetch_topic&) = default;
  };
  struct forgotten_topic {
    std::string topic;
    std::vector<int32_t> partitions;
    friend bool operator==(const forgotten_topic&, const forgotten_topic&) = default;
  };

  int32_t replica_id = -1;
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
    friend bool operator==(const partition_data&, const partition_data&) = default;
  };
  struct fetchable_topic_response {
    std::string topic;
    std::vector<partition_data> partitions;
    friend bool operator==(const fetchable_topic_response&,
                           const fetchable_topic_response&) = default;
  };

  int32_t throttle_time_ms = 0;
  protocol::error_code error_code = protocol::error_code::none;  // v7+
  int32_t session_id = 0;                                        // v7+
  std::vector<fetchable_topic_response> responses;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const fetch_response&, const fetch_response&) = default;
};

}  // namespace sluice::protocol
