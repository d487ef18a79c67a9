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

namespace sluice::client {

using bytes = std::vector<std::byte>;

// Copies text into bytes (keys and values are often strings).
bytes to_bytes(std::string_view text);
// Views bytes as text, without any check of the encoding.
std::string_view as_text(const bytes& b) noexcept;

// Not an aggregate on purpose: GCC 12 copies aggregate temporaries bitwise
// into coroutine frames (their strings then dangle); a constructor avoids it.
struct topic_partition {
  topic_partition() = default;
  topic_partition(std::string t, int32_t p) : topic(std::move(t)), partition(p) {}
  std::string topic;
  int32_t partition = 0;
  friend bool operator==(const topic_partition&, const topic_partition&) = default;
  friend auto operator<=>(const topic_partition&, const topic_partition&) = default;
};

struct record_header {
  std::string key;
  std::optional<bytes> value;
  friend bool operator==(const record_header&, const record_header&) = default;
};

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

template <>
struct std::hash<sluice::client::topic_partition> {
  size_t operator()(const sluice::client::topic_partition& tp) const noexcept {
    return std::hash<std::string>{}(tp.topic) * 31 + static_cast<size_t>(tp.partition);
  }
};
