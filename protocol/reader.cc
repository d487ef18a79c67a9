#include "protocol/reader.h"

#include <bit>
#include <cstring>
#include <limits>

#include "base/big_endian.h"
#include "base/varint.h"

namespace sluice::protocol {
namespace {

constexpr int64_t max_string_length = std::numeric_limits<int16_t>::max();

// One variable-length number from the front of `in` (base/varint.h): its
// value and size, or the error the reader records for it.
template <class T>
struct variable {
  T value = 0;
  size_t size = 0;
  codec_errc error = codec_errc::ok;
};

template <class T>
variable<T> read_variable(std::span<const std::byte> in,
                          base::varint_result<T> (*read)(std::span<const std::byte>&)) noexcept {
  const size_t before = in.size();
  const auto r = read(in);
  if (!r) {
    return {0, 0,
            r.error() == base::varint_error::truncated ? codec_errc::truncated
                                                       : codec_errc::varint_too_long};
  }
  return {*r, before - in.size()};
}

}  // namespace

void reader::fail(codec_errc e) noexcept {
  if (error_ == codec_errc::ok) error_ = e;
  pos_ = end_;
}

const std::byte* reader::take(size_t n) noexcept {
  if (n > remaining()) {
    fail(codec_errc::truncated);
    return nullptr;
  }
  const std::byte* p = pos_;
  pos_ += n;
  return p;
}

int8_t reader::int8() noexcept {
  const std::byte* p = take(1);
  return p ? static_cast<int8_t>(*p) : 0;
}
int16_t reader::int16() noexcept { return static_cast<int16_t>(uint16()); }
int32_t reader::int32() noexcept { return static_cast<int32_t>(uint32()); }
int64_t reader::int64() noexcept {
  const std::byte* p = take(8);
  return p ? static_cast<int64_t>(base::load_be<uint64_t>(p)) : 0;
}
uint16_t reader::uint16() noexcept {
  const std::byte* p = take(2);
  return p ? base::load_be<uint16_t>(p) : 0;
}
uint32_t reader::uint32() noexcept {
  const std::byte* p = take(4);
  return p ? base::load_be<uint32_t>(p) : 0;
}
double reader::float64() noexcept { return std::bit_cast<double>(static_cast<uint64_t>(int64())); }
bool reader::boolean() noexcept { return int8() != 0; }

uuid reader::uuid_value() noexcept {
  uuid u;
  if (const std::byte* p = take(u.bytes.size())) std::memcpy(u.bytes.data(), p, u.bytes.size());
  return u;
}

uint32_t reader::unsigned_varint() noexcept {
  const auto v = read_variable(rest(), &base::read_unsigned_varint);
  if (v.error != codec_errc::ok) fail(v.error);
  take(v.size);  // a no-op after a failure
  return v.value;
}

int32_t reader::varint() noexcept { return base::unzigzag(unsigned_varint()); }

int64_t reader::varlong() noexcept {
  const auto v = read_variable(rest(), &base::read_varlong);
  if (v.error != codec_errc::ok) fail(v.error);
  take(v.size);  // a no-op after a failure
  return v.value;
}

int32_t reader::checked_length(int64_t length, bool nullable, size_t unit) noexcept {
  if (!ok()) return 0;
  if (length == -1) {
    if (nullable) return -1;
    fail(codec_errc::unexpected_null);
    return 0;
  }
  if (length < -1) {
    fail(codec_errc::negative_length);
    return 0;
  }
  // Compare by division: length * unit can overflow. A compact length can
  // reach 2^32 - 2, beyond what a frame (an int32 size) can hold.
  if (length > std::numeric_limits<int32_t>::max() ||
      static_cast<uint64_t>(length) > remaining() / unit) {
    fail(codec_errc::truncated);
    return 0;
  }
  return static_cast<int32_t>(length);
}

int64_t reader::string_length(bool nullable) noexcept {
  // Compact: unsigned varint of length + 1, so 0 is null. Classic: int16, -1 null.
  const int64_t length = flexible_ ? static_cast<int64_t>(unsigned_varint()) - 1 : int16();
  if (ok() && length > max_string_length) {
    fail(codec_errc::string_too_long);
    return 0;
  }
  return checked_length(length, nullable, 1);
}

int64_t reader::bytes_length(bool nullable) noexcept {
  const int64_t length = flexible_ ? static_cast<int64_t>(unsigned_varint()) - 1 : int32();
  return checked_length(length, nullable, 1);
}

std::string_view reader::string_view() noexcept {
  const int64_t n = string_length(false);
  const std::byte* p = take(static_cast<size_t>(n));
  return p ? std::string_view(reinterpret_cast<const char*>(p), static_cast<size_t>(n))
           : std::string_view();
}

std::optional<std::string_view> reader::nullable_string_view() noexcept {
  const int64_t n = string_length(true);
  if (n < 0) return std::nullopt;
  const std::byte* p = take(static_cast<size_t>(n));
  return p ? std::string_view(reinterpret_cast<const char*>(p), static_cast<size_t>(n))
           : std::string_view();
}

std::optional<std::string_view> reader::classic_nullable_string_view() noexcept {
  const bool saved = flexible_;
  flexible_ = false;
  auto s = nullable_string_view();
  flexible_ = saved;
  return s;
}

std::string reader::string() { return std::string(string_view()); }

std::optional<std::string> reader::nullable_string() {
  auto s = nullable_string_view();
  if (!s) return std::nullopt;
  return std::string(*s);
}

std::span<const std::byte> reader::bytes() noexcept {
  const int64_t n = bytes_length(false);
  const std::byte* p = take(static_cast<size_t>(n));
  return p ? std::span<const std::byte>(p, static_cast<size_t>(n)) : std::span<const std::byte>();
}

std::optional<std::span<const std::byte>> reader::nullable_bytes() noexcept {
  const int64_t n = bytes_length(true);
  if (n < 0) return std::nullopt;
  const std::byte* p = take(static_cast<size_t>(n));
  return p ? std::span<const std::byte>(p, static_cast<size_t>(n)) : std::span<const std::byte>();
}

record_set reader::records() noexcept {
  auto b = nullable_bytes();
  return b ? record_set::of(*b) : record_set();
}

int32_t reader::array_length(size_t min_element_bytes) noexcept {
  const int64_t n = flexible_ ? static_cast<int64_t>(unsigned_varint()) - 1 : int32();
  return checked_length(n, false, min_element_bytes < 1 ? 1 : min_element_bytes);
}

int32_t reader::nullable_array_length(size_t min_element_bytes) noexcept {
  const int64_t n = flexible_ ? static_cast<int64_t>(unsigned_varint()) - 1 : int32();
  return checked_length(n, true, min_element_bytes < 1 ? 1 : min_element_bytes);
}

}  // namespace sluice::protocol
