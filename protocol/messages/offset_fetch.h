#pragma once
// OffsetFetch (key 9), versions 0-5, all non-flexible (v6 is the first
// flexible, and librdkafka 2.0.2 goes flexible when it is advertised).
// v0 read offsets kept in ZooKeeper, v1 from the log; the wire is the same.
// Request: v2 makes topics nullable (null: every topic the group committed).
// Response: v2 adds a top-level error_code; v3 throttle_time_ms; v5 a
// per-partition committed_leader_epoch.
//
// A partition without a committed offset answers offset -1, metadata "" and
// error 0 (G9). A null topics list cannot be said before v2: encoding one at
// v0/v1 fails with unexpected_null (an empty list means "no topics" there).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/error_code.h"
#include "protocol/reader.h"
#include "protocol/writer.h"

namespace sluice::protocol {

struct offset_fetch_request {
  static constexpr api_key api = api_key::offset_fetch;

  struct offset_fetch_request_topic {
    std::string name;
    std::vector<int32_t> partition_indexes;
    friend bool operator==(const offset_fetch_request_topic&,
                           const offset_fetch_request_topic&) = default;
  };

  std::string group_id;
  // Null (v2+): all topics. Defaults to an empty list, which every version can say.
  std::optional<std::vector<offset_fetch_request_topic>> topics{std::in_place};

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const offset_fetch_request&, const offset_fetch_request&) = default;
};

struct offset_fetch_response {
  static constexpr api_key api = api_key::offset_fetch;

  struct offset_fetch_response_partition {
    int32_t partition_index = 0;
    int64_t committed_offset = -1;
    int32_t committed_leader_epoch = -1;  // v5+
    std::optional<std::string> metadata;
    protocol::error_code error_code = protocol::error_code::none;
    friend bool operator==(const offset_fetch_response_partition&,
                           const offset_fetch_response_partition&) = default;
  };
  struct offset_fetch_response_topic {
    std::string name;
    std::vector<offset_fetch_response_partition> partitions;
    friend bool operator==(const offset_fetch_response_topic&,
                           const offset_fetch_response_topic&) = default;
  };

  int32_t throttle_time_ms = 0;  // v3+
  std::vector<offset_fetch_response_topic> topics;
  protocol::error_code error_code = protocol::error_code::none;  // v2+

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const offset_fetch_response&, const offset_fetch_response&) = default;
};

}  // namespace sluice::protocol
