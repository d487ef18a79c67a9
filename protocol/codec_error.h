#pragma once
// Why the codec refused some bytes (or, when encoding, a value). Decoding never
// throws: every reader failure becomes one of these, as a std::error_code, and
// the broker answers with to_kafka_error() of it or closes the connection.

#include <system_error>

#include "protocol/error_code.h"

namespace sluice::protocol {

enum class codec_errc {
  ok = 0,
  truncated = 1,             // a field, length or count needs more bytes than remain
  negative_length,           // a length or count below -1
  unexpected_null,           // null (-1, or compact 0) where the field is not nullable
  varint_too_long,           // more than 5 (varint) or 10 (varlong) bytes, or overflow
  string_too_long,           // a string longer than 32767 bytes
  bad_tagged_fields,         // duplicate or descending tags
  unsupported_version,       // (api, version) outside what the codec implements
  frame_too_small,           // size prefix below the smallest possible header
  frame_too_large,           // size prefix above the configured maximum
  value_too_large,           // encode: a value does not fit its wire type
  external_not_flattenable,  // flatten(): the buffer holds external slices
};

const std::error_category& codec_category() noexcept;

inline std::error_code make_error_code(codec_errc e) noexcept {
  return {static_cast<int>(e), codec_category()};
}

// The Kafka error a broker reports for a decode failure: UNSUPPORTED_VERSION
// for an unsupported version, INVALID_REQUEST for malformed bytes.
error_code to_kafka_error(std::error_code ec) noexcept;

}  // namespace sluice::protocol

template <>
struct std::is_error_code_enum<sluice::protocol::codec_errc> : std::true_type {};
