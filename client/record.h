#pragma once
// What users produce and consume: records with Kafka's fields, and the
// (topic, partition) pair that names a log.
//
// Keys and values are owned byte vectors, null (std::nullopt) distinct from
// empty, as Kafka has them. Values only; no threads, no I/O.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/topic_partition.h"
#include "protocol/record_batch.h"

namespace sluice::client {

using bytes = std::vector<std::byte>;

// Copies text into bytes (keys and values are often strings).
bytes to_bytes(std::string_view text);
// Views bytes as text, without any check of the encoding.
std::string_view as_text(const bytes& b) noexcept;

using topic_partition = base::topic_partition;

using record_header = protocol::record_header;

// Kafka's timestampType: CreateTime is set by the producer, LogAppendTime by
// the broker (topic config message.timestamp.type).
enum class timestamp_type : int8_t { create_time = 0, log_append_time = 1 };

struct producer_record {
  std::string topic;
  // Unset: chosen by the partitioner (murmur2 of the key, else sticky or
  // round robin; see producer_config).
  std::optional<int32_t> partition;
  std::optional<bytes> key;
  std::optional<bytes> value;
  std::vector<record_header> headers;
  // Unset: the time send() was called (CreateTime, ms since the epoch).
  std::optional<int64_t> timestamp_ms;
};

struct consumer_record {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t timestamp_ms = 0;
  client::timestamp_type timestamp_type = client::timestamp_type::create_time;
  std::optional<bytes> key;
  std::optional<bytes> value;
  std::vector<record_header> headers;
  friend bool operator==(const consumer_record&, const consumer_record&) = default;
};

}  // namespace sluice::client
