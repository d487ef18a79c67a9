#pragma once
// OffsetFetch (key 9), versions 0-9; v6 is the first flexible version.
// v0 read offsets kept in ZooKeeper, v1 from the log; the wire is the same.
// Request: v2 makes topics nullable (null: every topic the group committed);
// v7 adds require_stable; v8 replaces group_id/topics with a `groups` batch
// (several groups in one request, each with its own nullable topics); v9 adds
// each group's member_id and member_epoch (KIP-848; null and -1 from a
// classic consumer).
// Response: v2 adds a top-level error_code; v3 throttle_time_ms; v5 a
// per-partition committed_leader_epoch; v8 moves topics and error_code into
// one `groups` entry per requested group. No tagged fields.
//
// Which form a message carries follows from its version: group_id/topics for
// v0-7, groups for v8+ (a client that does not know the version it will send
// fills both). A partition without a committed offset answers offset -1,
// metadata "" and error 0 (G9). A null topics list cannot be said before v2:
// encoding one at v0/v1 fails with unexpected_null (an empty list means "no
// topics" there).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
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
  struct offset_fetch_request_group {
    std::string group_id;
    std::optional<std::string> member_id;  // v9+
    int32_t member_epoch = -1;             // v9+
    // Null: all topics.
    std::optional<std::vector<offset_fetch_request_topic>> topics{std::in_place};
    friend bool operator==(const offset_fetch_request_group&,
                           const offset_fetch_request_group&) = default;
  };

  std::string group_id;  // v0-7
  // v0-7. Null (v2+): all topics. Defaults to an empty list, which every version can say.
  std::optional<std::vector<offset_fetch_request_topic>> topics{std::in_place};
  std::vector<offset_fetch_request_group> groups;  // v8+
  bool require_stable = false;                     // v7+

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
  struct offset_fetch_response_group {
    std::string group_id;
    std::vector<offset_fetch_response_topic> topics;
    protocol::error_code error_code = protocol::error_code::none;
    friend bool operator==(const offset_fetch_response_group&,
                           const offset_fetch_response_group&) = default;
  };

  int32_t throttle_time_ms = 0;                                  // v3+
  std::vector<offset_fetch_response_topic> topics;               // v0-7
  protocol::error_code error_code = protocol::error_code::none;  // v2-7
  std::vector<offset_fetch_response_group> groups;               // v8+

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const offset_fetch_response&, const offset_fetch_response&) = default;
};

// The answer for `group_id` whichever form the response has: its `groups`
// entry (v8+), else the top-level topics and error code (v0-7).
offset_fetch_response::offset_fetch_response_group single_group(const offset_fetch_response& r,
                                                                std::string_view group_id);

}  // namespace sluice::protocol
