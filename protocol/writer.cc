#include "protocol/writer.h"

#include <bit>
#include <cstring>
#include <limits>

#include "base/big_endian.h"
#include "base/varint.h"

namespace sluice::protocol {
namespace {

constexpr size_t max_string_length = std::numeric_limits<int16_t>::max();
constexpr size_t max_bytes_length = std::numeric_limits<int32_t>::max();

}  // namespace

std::vector<chunk> chunked_buffer::chunks() const {
  std::vector<chunk> out;
  out.reserve(2 * splices_.size() + 1);
  size_t from = 0;
  for (const splice& s : splices_) {
    if (s.at > from) out.push_back({std::span(owned_).subspan(from, s.at - from), {}});
    from = s.at;
    if (s.data.is_external()) {
      out.push_back({{}, s.data.slice()});
    } else {
      out.push_back({s.data.bytes(), {}});
    }
  }
  if (owned_.size() > from) out.push_back({std::span(owned_).subspan(from), {}});
  return out;
}

std::error_code chunked_buffer::flatten(std::vector<std::byte>& out) const {
  if (has_external()) return codec_errc::external_not_flattenable;
  out.clear();
  out.reserve(size());
  for (const chunk& c : chunks()) out.insert(out.end(), c.bytes.begin(), c.bytes.end());
  return {};
}

void writer::append(const void* p, size_t n) {
  if (n == 0) return;
  const size_t at = out_.owned_.size();
  out_.owned_.resize(at + n);
  std::memcpy(out_.owned_.data() + at, p, n);
}

void writer::int8(int8_t v) { append(&v, 1); }

void writer::int16(int16_t v) { uint16(static_cast<uint16_t>(v)); }
void writer::int32(int32_t v) { uint32(static_cast<uint32_t>(v)); }

void writer::int64(int64_t v) {
  std::byte b[8];
  base::store_be(b, static_cast<uint64_t>(v));
  append(b, sizeof b);
}

void writer::uint16(uint16_t v) {
  std::byte b[2];
  base::store_be(b, v);
  append(b, sizeof b);
}

void writer::uint32(uint32_t v) {
  std::byte b[4];
  base::store_be(b, v);
  append(b, sizeof b);
}

void writer::float64(double v) { int64(std::bit_cast<int64_t>(v)); }

void writer::uuid_value(const uuid& v) { append(v.bytes.data(), v.bytes.size()); }

void writer::unsigned_varint(uint32_t v) {
  std::byte b[base::max_varint_bytes];
  append(b, base::write_unsigned_varint(v, b));
}

void writer::varint(int32_t v) {
  std::byte b[base::max_varint_bytes];
  append(b, base::write_varint(v, b));
}

void writer::varlong(int64_t v) {
  std::byte b[base::max_varlong_bytes];
  append(b, base::write_varlong(v, b));
}

void writer::string(std::string_view s) {
  if (s.size() > max_string_length) return fail(codec_errc::string_too_long);
  if (flexible_) {
    unsigned_varint(static_cast<uint32_t>(s.size() + 1));
  } else {
    int16(static_cast<int16_t>(s.size()));
  }
  append(s.data(), s.size());
}

void writer::nullable_string(std::optional<std::string_view> s) {
  if (s) return string(*s);
  if (flexible_) {
    unsigned_varint(0);
  } else {
    int16(-1);
  }
}

void writer::classic_nullable_string(std::optional<std::string_view> s) {
  const bool saved = flexible_;
  flexible_ = false;
  nullable_string(s);
  flexible_ = saved;
}

void writer::bytes(std::span<const std::byte> b) {
  if (b.size() > max_bytes_length) return fail(codec_errc::value_too_large);
  if (flexible_) {
    unsigned_varint(static_cast<uint32_t>(b.size() + 1));
  } else {
    int32(static_cast<int32_t>(b.size()));
  }
  append(b.data(), b.size());
}

void writer::nullable_bytes(std::optional<std::span<const std::byte>> b) {
  if (b) return bytes(*b);
  if (flexible_) {
    unsigned_varint(0);
  } else {
    int32(-1);
  }
}

void writer::records(const record_set& r) {
  if (r.is_null()) return nullable_bytes(std::nullopt);
  if (r.size() > max_bytes_length) return fail(codec_errc::value_too_large);
  if (flexible_) {
    unsigned_varint(static_cast<uint32_t>(r.size() + 1));
  } else {
    int32(static_cast<int32_t>(r.size()));
  }
  splice(r);
}

void writer::splice(const record_set& r) {
  if (r.size() == 0) return;
  out_.splices_.push_back({out_.owned_.size(), r});
  out_.spliced_bytes_ += r.size();
  if (r.is_external()) ++out_.external_count_;
}

void writer::array_length(size_t n) {
  if (n > max_bytes_length) return fail(codec_errc::value_too_large);
  if (flexible_) {
    unsigned_varint(static_cast<uint32_t>(n + 1));
  } else {
    int32(static_cast<int32_t>(n));
  }
}

void writer::null_array() {
  if (flexible_) {
    unsigned_varint(0);
  } else {
    int32(-1);
  }
}

void writer::append_tagged(uint32_t tag, const writer& field) {
  if (!field.ok()) return fail(field.errc());
  std::vector<std::byte> bytes;
  if (field.out_.flatten(bytes)) return fail(codec_errc::external_not_flattenable);
  if (bytes.size() > std::numeric_limits<uint32_t>::max()) return fail(codec_errc::value_too_large);
  unsigned_varint(tag);
  unsigned_varint(static_cast<uint32_t>(bytes.size()));
  append(bytes.data(), bytes.size());
}

size_t writer::reserve_int32() {
  const size_t at = out_.owned_.size();
  int32(0);
  return at;
}

void writer::patch_int32(size_t at, int32_t v) {
  base::store_be(out_.owned_.data() + at, static_cast<uint32_t>(v));
}

}  // namespace sluice::protocol
