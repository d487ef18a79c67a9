#pragma once
// Big-endian loads and stores: the byte order of Kafka's wire format, of
// RecordBatch v2 and of every Sluice file format. The one copy for the tree;
// memcpy plus a byte swap compiles to a single mov/movbe on x86-64 and makes
// no alignment assumption. Pure functions; any thread.

#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

namespace sluice::base {

namespace detail {

template <std::integral T>
constexpr std::make_unsigned_t<T> to_big(std::make_unsigned_t<T> u) noexcept {
  static_assert(std::endian::native == std::endian::little ||
                std::endian::native == std::endian::big);
  if constexpr (std::endian::native == std::endian::big || sizeof(T) == 1) {
    return u;
  } else if constexpr (sizeof(T) == 2) {
    return __builtin_bswap16(u);
  } else if constexpr (sizeof(T) == 4) {
    return __builtin_bswap32(u);
  } else {
    static_assert(sizeof(T) == 8);
    return __builtin_bswap64(u);
  }
}

}  // namespace detail

// The T whose big-endian bytes start at p (sizeof(T) bytes must be readable).
template <std::integral T>
inline T load_be(const std::byte* p) noexcept {
  std::make_unsigned_t<T> u;
  std::memcpy(&u, p, sizeof u);
  return static_cast<T>(detail::to_big<T>(u));
}

// Writes v's sizeof(T) big-endian bytes at p.
template <std::integral T>
inline void store_be(std::byte* p, T v) noexcept {
  const auto u = detail::to_big<T>(static_cast<std::make_unsigned_t<T>>(v));
  std::memcpy(p, &u, sizeof u);
}

// Appends v's big-endian bytes to out.
template <std::integral T>
inline void append_be(std::vector<std::byte>& out, T v) {
  const size_t at = out.size();
  out.resize(at + sizeof(T));
  store_be<T>(out.data() + at, v);
}

}  // namespace sluice::base
