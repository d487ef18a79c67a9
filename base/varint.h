#pragma once
// Kafka's variable-length integers: the one copy for the tree. The wire
// codec's reader and writer (KIP-482 compact lengths, tagged fields), the
// RecordBatch codec (protocol/record_batch.h) and the log's record framing
// checks (log/record_batch.h, log/cleaner_records.cc, log/producer_state.cc)
// all call these.
//
// Byte layout:
//   unsigned varint / varlong: 7 bits a byte, least significant group first;
//     the high bit of a byte is set when another byte follows. A uint32 takes
//     at most 5 bytes (the fifth carries bits 28-31 only), a uint64 at most
//     10 (the tenth carries bit 63 only).
//   varint / varlong (signed): zigzag, (v << 1) ^ (v >> 31 or 63), then
//     unsigned, so a small magnitude of either sign takes one byte
//     (0 -> 00, -1 -> 01, 1 -> 02, -64 -> 7f, 64 -> 80 01). A varint and a
//     varlong of the same int32 are the same bytes.
//
// Reading is strict where Kafka's ByteUtils is lax: a fifth (tenth) byte
// with bits beyond the type is too_long rather than silently dropped, so a
// malformed length is refused instead of read as a different number.
//
// Pure functions; any thread.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "base/result.h"

namespace sluice::base {

enum class varint_error : uint8_t {
  truncated = 1,  // the input ended inside the number
  too_long,       // more bytes than the type allows, or bits beyond its width
};

inline constexpr size_t max_varint_bytes = 5;
inline constexpr size_t max_varlong_bytes = 10;

template <class T>
using varint_result = basic_result<T, varint_error>;

namespace detail {

template <std::unsigned_integral U>
inline varint_result<U> read_unsigned(std::span<const std::byte>& in) noexcept {
  constexpr size_t max_bytes = (sizeof(U) * 8 + 6) / 7;
  constexpr unsigned last_byte_limit = 1u << (sizeof(U) * 8 - 7 * (max_bytes - 1));
  const size_t n = in.size() < max_bytes ? in.size() : max_bytes;
  U value = 0;
  for (size_t i = 0; i < n; ++i) {
    const auto b = std::to_integer<uint8_t>(in[i]);
    if (i == max_bytes - 1 && b >= last_byte_limit) return varint_error::too_long;
    value |= static_cast<U>(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) {
      in = in.subspan(i + 1);
      return value;
    }
  }
  // The last allowed byte either ended the number or was refused above.
  return varint_error::truncated;
}

template <std::unsigned_integral U>
inline size_t write_unsigned(U v, std::byte* out) noexcept {
  size_t n = 0;
  while (v >= 0x80) {
    out[n++] = static_cast<std::byte>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out[n++] = static_cast<std::byte>(v);
  return n;
}

}  // namespace detail

constexpr uint32_t zigzag(int32_t v) noexcept {
  return (static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31);
}
constexpr uint64_t zigzag(int64_t v) noexcept {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
constexpr int32_t unzigzag(uint32_t u) noexcept {
  return static_cast<int32_t>((u >> 1) ^ (~(u & 1) + 1));
}
constexpr int64_t unzigzag(uint64_t u) noexcept {
  return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
}

// Each reads one number from the front of `in` and, on success only,
// advances `in` past it.
inline varint_result<uint32_t> read_unsigned_varint(std::span<const std::byte>& in) noexcept {
  return detail::read_unsigned<uint32_t>(in);
}
inline varint_result<uint64_t> read_unsigned_varlong(std::span<const std::byte>& in) noexcept {
  return detail::read_unsigned<uint64_t>(in);
}
inline varint_result<int32_t> read_varint(std::span<const std::byte>& in) noexcept {
  auto u = detail::read_unsigned<uint32_t>(in);
  if (!u) return u.error();
  return unzigzag(*u);
}
inline varint_result<int64_t> read_varlong(std::span<const std::byte>& in) noexcept {
  auto u = detail::read_unsigned<uint64_t>(in);
  if (!u) return u.error();
  return unzigzag(*u);
}

// Each writes one number at `out`, which has room for max_varint_bytes
// (max_varlong_bytes), and returns how many bytes it wrote.
inline size_t write_unsigned_varint(uint32_t v, std::byte* out) noexcept {
  return detail::write_unsigned(v, out);
}
inline size_t write_unsigned_varlong(uint64_t v, std::byte* out) noexcept {
  return detail::write_unsigned(v, out);
}
inline size_t write_varint(int32_t v, std::byte* out) noexcept {
  return detail::write_unsigned(zigzag(v), out);
}
inline size_t write_varlong(int64_t v, std::byte* out) noexcept {
  return detail::write_unsigned(zigzag(v), out);
}

// Appends `v` as a varlong (for an int32, also its varint). Byte by byte:
// faster than writing to a buffer and inserting it (measured with GCC 12).
inline void append_varlong(std::vector<std::byte>& out, int64_t v) {
  uint64_t u = zigzag(v);
  while (u >= 0x80) {
    out.push_back(static_cast<std::byte>((u & 0x7f) | 0x80));
    u >>= 7;
  }
  out.push_back(static_cast<std::byte>(u));
}

// The bytes write_varlong / append_varlong take for `v`.
constexpr size_t varlong_size(int64_t v) noexcept {
  return (static_cast<size_t>(std::bit_width(zigzag(v) | 1)) + 6) / 7;
}

}  // namespace sluice::base
