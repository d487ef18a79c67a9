#pragma once
// OffsetCommit (key 8), versions 0-9; v8 is the first flexible version and
// v9 has v8's fields (it is the first a KIP-848 consumer may use; a classic
// group answers it as v8). Sarama 1.22's defaults send v1, kafka-python v2.
// Request: v1 adds generation_id, member_id and a per-partition
// commit_timestamp; v2 replaces commit_timestamp with a request-wide
// retention_time_ms; v5 drops retention_time_ms (the broker's
// offsets.retention.minutes rules); v6 adds committed_leader_epoch; v7
// group_instance_id. Response: v3 adds throttle_time_ms. No tagged fields.
//
// generation_id -1 with an empty member_id is a commit from outside the group
// (admin tools, manual assignment), accepted while the group is Empty (G9).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/error_code.h"
#include "protocol/reader.h"
#include "protocol/writer.h"

namespace sluice::protocol {

struct offset_commit_request {
  static constexpr api_key api = api_key::offset_commit;

  struct offset_commit_request_partition {
    int32_t partition_index = 0;
    int64_t committed_offset = 0;
    int32_t committed_leader_epoch = -1;  // v6+
    int64_t commit_timestamp = -1;        // v1 only
    std::optional<std::string> committed_metadata;
    friend bool operator==(const offset_commit_request_partition&,
                           const offset_commit_request_partition&) = default;
  };
  struct offset_commit_request_topic {
    std::string name;
    std::vector<offset_commit_request_partition> partitions;
    friend bool operator==(const offset_commit_request_topic&,
                           const offset_commit_request_topic&) = default;
  };

  std::string group_id;
  int32_t generation_id = -1;                    // v1+
  std::string member_id;                         // v1+
  std::optional<std::string> group_instance_id;  // v7+
  int64_t retention_time_ms = -1;                // v2-4; -1: the broker's default
  std::vector<offset_commit_request_topic> topics;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const offset_commit_request&, const offset_commit_request&) = default;
};

struct offset_commit_response {
  static constexpr api_key api = api_key::offset_commit;

  struct offset_commit_response_partition {
    int32_t partition_index = 0;
    protocol::error_code error_code = protocol::error_code::none;
    friend bool operator==(const offset_commit_response_partition&,
                           const offset_commit_response_partition&) = default;
  };
  struct offset_commit_response_topic {
    std::string name;
    std::vector<offset_commit_response_partition> partitions;
    friend bool operator==(const offset_commit_response_topic&,
                           const offset_commit_response_topic&) = default;
  };

  int32_t throttle_time_ms = 0;  // v3+
  std::vector<offset_commit_response_topic> topics;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const offset_commit_response&, const offset_commit_response&) = default;
};

}  // namespace sluice::protocol
