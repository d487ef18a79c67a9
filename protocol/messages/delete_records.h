#pragma once
// DeleteRecords (key 21), versions 0-2; v2 is v1 in the flexible encoding,
// and v1 is the same as v0 on the wire. The request moves each
// partition's log start offset up to `offset` (-1: the high watermark); the
// response reports the new low watermark (log start offset).

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/error_code.h"
#include "protocol/reader.h"
#include "protocol/writer.h"

namespace sluice::protocol {

struct delete_records_request {
  static constexpr api_key api = api_key::delete_records;

  struct delete_records_partition {
    int32_t partition_index = 0;
    int64_t offset = 0;  // delete everything before this; -1: the high watermark
    friend bool operator==(const delete_records_partition&,
                           const delete_records_partition&) = default;
  };
  struct delete_records_topic {
    std::string name;
    std::vector<delete_records_partition> partitions;
    friend bool operator==(const delete_records_topic&, const delete_records_topic&) = default;
  };

  std::vector<delete_records_topic> topics;
  int32_t timeout_ms = 0;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const delete_records_request&, const delete_records_request&) = default;
};

struct delete_records_response {
  static constexpr api_key api = api_key::delete_records;

  struct delete_records_partition_result {
    int32_t partition_index = 0;
    int64_t low_watermark = 0;
    protocol::error_code error_code = protocol::error_code::none;
    friend bool operator==(const delete_records_partition_result&,
                           const delete_records_partition_result&) = default;
  };
  struct delete_records_topic_result {
    std::string name;
    std::vector<delete_records_partition_result> partitions;
    friend bool operator==(const delete_records_topic_result&,
                           const delete_records_topic_result&) = default;
  };

  int32_t throttle_time_ms = 0;
  std::vector<delete_records_topic_result> topics;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const delete_records_response&, const delete_records_response&) = default;
};

}  // namespace sluice::protocol
