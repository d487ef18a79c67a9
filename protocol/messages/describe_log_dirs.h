#pragma once
// DescribeLogDirs (key 35), versions 0-4; v2 is the first flexible version.
// Request: the partitions to describe (null topics: every partition). v1 is
// v0. Response: per log directory, its partitions' sizes; v3 adds a top-level
// error_code, v4 each directory's total_bytes and usable_bytes (-1 unknown).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/error_code.h"
#include "protocol/reader.h"
#include "protocol/writer.h"

namespace sluice::protocol {

struct describe_log_dirs_request {
  static constexpr api_key api = api_key::describe_log_dirs;

  struct describable_log_dir_topic {
    std::string topic;
    std::vector<int32_t> partitions;
    friend bool operator==(const describable_log_dir_topic&,
                           const describable_log_dir_topic&) = default;
  };

  std::optional<std::vector<describable_log_dir_topic>> topics;  // null: all

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const describe_log_dirs_request&,
                         const describe_log_dirs_request&) = default;
};

struct describe_log_dirs_response {
  static constexpr api_key api = api_key::describe_log_dirs;

  struct describe_log_dirs_partition {
    int32_t partition_index = 0;
    int64_t partition_size = 0;  // bytes
    int64_t offset_lag = 0;      // behind the current replica (a future replica's lag)
    bool is_future_key = false;  // a replica being moved to this directory
    friend bool operator==(const describe_log_dirs_partition&,
                           const describe_log_dirs_partition&) = default;
  };
  struct describe_log_dirs_topic {
    std::string name;
    std::vector<describe_log_dirs_partition> partitions;
    friend bool operator==(const describe_log_dirs_topic&,
                           const describe_log_dirs_topic&) = default;
  };
  struct describe_log_dirs_result {
    protocol::error_code error_code = protocol::error_code::none;
    std::string log_dir;
    std::vector<describe_log_dirs_topic> topics;
    int64_t total_bytes = -1;   // v4+
    int64_t usable_bytes = -1;  // v4+
    friend bool operator==(const describe_log_dirs_result&,
                           const describe_log_dirs_result&) = default;
  };

  int32_t throttle_time_ms = 0;
  protocol::error_code error_code = protocol::error_code::none;  // v3+
  std::vector<describe_log_dirs_result> results;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const describe_log_dirs_response&,
                         const describe_log_dirs_response&) = default;
};

}  // namespace sluice::protocol
