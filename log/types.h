#pragma once
// Strong types for the three integers the storage engine must never mix up:
// an absolute offset in a partition, an offset relative to a segment's base
// offset (what the indexes store), and a byte position inside a file.

#include <compare>
#include <cstdint>

namespace sluice::log {

// Absolute position of a record in a partition (Kafka's "offset").
struct offset {
  int64_t value = 0;
  constexpr auto operator<=>(const offset&) const = default;
  constexpr offset operator+(int64_t n) const { return {value + n}; }
  constexpr offset operator-(int64_t n) const { return {value - n}; }
  constexpr int64_t operator-(offset o) const { return value - o.value; }
};

// Offset minus the base offset of the segment that holds it; fits 32 bits
// because a segment never spans more than INT32_MAX offsets.
struct relative_offset {
  uint32_t value = 0;
  constexpr auto operator<=>(const relative_offset&) const = default;
};

// Byte position inside a segment's .log file.
struct file_position {
  uint64_t value = 0;
  constexpr auto operator<=>(const file_position&) const = default;
  constexpr file_position operator+(uint64_t n) const { return {value + n}; }
};

// Milliseconds since the Unix epoch, as Kafka timestamps are.
using timestamp_ms = int64_t;
inline constexpr timestamp_ms no_timestamp = -1;

}  // namespace sluice::log
