#pragma once
// ShareFetch (key 78, KIP-932), versions 1-2. Flexible at every version.
// v2 (Kafka 4.2) adds share_acquire_mode (KIP-1206) and is_renew_ack
// (KIP-1222: RENEW acknowledgements extend a lock without fetching).
//
// A request both acknowledges records delivered earlier (per partition
// acknowledgement_batches) and fetches: the answer carries record batches
// and, per partition, the offset ranges this member now holds
// (acquired_records) with their delivery counts. A client must hand out only
// the records inside those ranges: the batches may hold others.
//
// Records in the answer are a record_set like Fetch's: the broker passes
// them as an external file slice sent with sendfile(2), trimmed to the
// batches that hold acquired offsets.

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

struct share_fetch_request {
  static constexpr api_key api = api_key::share_fetch;

  struct fetch_partition {
    int32_t partition_index = 0;
    std::vector<acknowledgement_batch> acknowledgement_batches;
    friend bool operator==(const fetch_partition&, const fetch_partition&) = default;
  };
  struct fetch_topic {
    uuid topic_id;
    std::vector<fetch_partition> partitions;
    friend bool operator==(const fetch_topic&, const fetch_topic&) = default;
  };
  struct forgotten_topic {
    uuid topic_id;
    std::vector<int32_t> partitions;
    friend bool operator==(const forgotten_topic&, const forgotten_topic&) = default;
  };

  std::optional<std::string> group_id;
  std::optional<std::string> member_id;
  int32_t share_session_epoch = 0;  // 0: open; -1: close; else previous + 1
  int32_t max_wait_ms = 0;
  int32_t min_bytes = 0;
  int32_t max_bytes = 0x7fffffff;
  int32_t max_records = 0;
  int32_t batch_size = 0;
  int8_t share_acquire_mode = 0;  // v2+: 0 batch-optimized, 1 record-limit
  bool is_renew_ack = false;      // v2+
  std::vector<fetch_topic> topics;
  std::vector<forgotten_topic> forgotten_topics_data;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const share_fetch_request&, const share_fetch_request&) = default;
};

struct share_fetch_response {
  static constexpr api_key api = api_key::share_fetch;

  struct acquired_records {
    int64_t first_offset = 0;
    int64_t last_offset = 0;
    int16_t delivery_count = 0;
    friend bool operator==(const acquired_records&, const acquired_records&) = default;
  };
  struct partition_data {
    int32_t partition_index = 0;
    protocol::error_code error_code = protocol::error_code::none;
    std::optional<std::string> error_message;
    protocol::error_code acknowledge_error_code = protocol::error_code::none;
    std::optional<std::string> acknowledge_error_message;
    leader_id_and_epoch current_leader;
    record_set records;  // a view: written by copy (see the file comment)
    std::vector<acquired_records> acquired;
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
  int32_t acquisition_lock_timeout_ms = 0;
  std::vector<topic_response> responses;
  std::vector<share_node_endpoint> node_endpoints;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const share_fetch_response&, const share_fetch_response&) = default;
};

}  // namespace sluice::protocol
