#pragma once
// Frames: every Kafka request and response travels as an int32 big-endian
// size followed by that many bytes (header, then body).
//
// The splitter looks only at the size prefix and refuses a negative, too
// small or too large size before anyone allocates for it (RELIABILITY.md E1):
// a connection reads 4 bytes, calls check_frame_size, and only then sizes its
// buffer. parse_request_frame then reads the request header with the header
// version the api_keys table gives for (api_key, api_version), and hands back
// the body as a view for decode_message.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <system_error>

#include "protocol/api_keys.h"
#include "protocol/headers.h"
#include "protocol/message.h"
#include "protocol/writer.h"

namespace sluice::protocol {

inline constexpr size_t size_prefix_bytes = 4;
// Kafka's socket.request.max.bytes default (100 MiB).
inline constexpr int32_t default_max_request_bytes = 104857600;
// api_key + api_version + correlation_id: the shortest request header (v0).
inline constexpr int32_t min_request_frame_bytes = 8;
// correlation_id: the shortest response header.
inline constexpr int32_t min_response_frame_bytes = 4;

struct frame_limits {
  int32_t min_bytes = min_request_frame_bytes;
  int32_t max_bytes = default_max_request_bytes;
};

// The size in a 4-byte prefix (may be negative: check it).
int32_t read_size_prefix(std::span<const std::byte, size_prefix_bytes> prefix) noexcept;
// frame_too_small for a size below limits.min_bytes (negatives included),
// frame_too_large above limits.max_bytes.
std::error_code check_frame_size(int32_t size, const frame_limits& limits) noexcept;

// What split_frame found at the front of a receive buffer.
struct frame_split {
  enum class status : uint8_t { need_more, complete, invalid };
  status state = status::need_more;
  size_t missing = 0;                // need_more: bytes still to read for the next step
  std::span<const std::byte> frame;  // complete: the bytes after the size prefix
  size_t consumed = 0;               // complete: prefix + frame, to drop from the buffer
  std::error_code error;             // invalid: why (close the connection)
};
frame_split split_frame(std::span<const std::byte> buffered, const frame_limits& limits) noexcept;

// A request frame split into its header and body. Views into the frame.
struct request_frame {
  request_header header;
  std::span<const std::byte> body;
};
// Reads the header. On error, the fixed part (key, version, correlation id) is
// still filled in when the frame had it, so the broker can log and answer.
std::error_code parse_request_frame(std::span<const std::byte> frame, request_frame& out) noexcept;

// A response frame's header and body, for the client, which knows the
// (key, version) it asked with.
std::error_code parse_response_frame(std::span<const std::byte> frame, api_key key,
                                     int16_t api_version, response_header& header,
                                     std::span<const std::byte>& body) noexcept;

namespace detail {
size_t begin_frame(writer& w);
std::error_code end_frame(writer& w, size_t prefix_at, chunked_buffer& out);
}  // namespace detail

// Encodes size prefix + request header + body into chunks ready to send.
template <message M>
std::error_code encode_request_frame(const M& body, int16_t api_version, int32_t correlation_id,
                                     std::optional<std::string_view> client_id,
                                     chunked_buffer& out) {
  writer w;
  const size_t at = detail::begin_frame(w);
  encode_request_header(w, {M::api, api_version, correlation_id, client_id});
  if (auto ec = encode_message(body, api_version, w)) return ec;
  return detail::end_frame(w, at, out);
}

// Encodes size prefix + response header + body. For a Fetch response whose
// record sets are external slices, the chunks say where each slice goes.
template <message M>
std::error_code encode_response_frame(const M& body, int16_t api_version, int32_t correlation_id,
                                      chunked_buffer& out) {
  writer w;
  const size_t at = detail::begin_frame(w);
  encode_response_header(w, M::api, api_version, {correlation_id});
  if (auto ec = encode_message(body, api_version, w)) return ec;
  return detail::end_frame(w, at, out);
}

}  // namespace sluice::protocol
