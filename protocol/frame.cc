#include "protocol/frame.h"

#include <limits>

namespace sluice::protocol {

int32_t read_size_prefix(std::span<const std::byte, size_prefix_bytes> prefix) noexcept {
  reader r(prefix);
  return r.int32();
}

std::error_code check_frame_size(int32_t size, const frame_limits& limits) noexcept {
  if (size < limits.min_bytes) return codec_errc::frame_too_small;
  if (size > limits.max_bytes) return codec_errc::frame_too_large;
  return {};
}

frame_split split_frame(std::span<const std::byte> buffered, const frame_limits& limits) noexcept {
  frame_split out;
  if (buffered.size() < size_prefix_bytes) {
    out.missing = size_prefix_bytes - buffered.size();
    return out;
  }
  const int32_t size = read_size_prefix(buffered.first<size_prefix_bytes>());
  if (auto ec = check_frame_size(size, limits)) {
    out.state = frame_split::status::invalid;
    out.error = ec;
    return out;
  }
  const size_t total = size_prefix_bytes + static_cast<size_t>(size);
  if (buffered.size() < total) {
    out.missing = total - buffered.size();
    return out;
  }
  out.state = frame_split::status::complete;
  out.frame = buffered.subspan(size_prefix_bytes, static_cast<size_t>(size));
  out.consumed = total;
  return out;
}

std::error_code parse_request_frame(std::span<const std::byte> frame, request_frame& out) noexcept {
  reader r(frame);
  decode_request_header(r, out.header);
  if (!r.ok()) return r.error();
  out.body = r.rest();
  return {};
}

std::error_code parse_response_frame(std::span<const std::byte> frame, api_key key,
                                     int16_t api_version, response_header& header,
                                     std::span<const std::byte>& body) noexcept {
  reader r(frame);
  decode_response_header(r, key, api_version, header);
  if (!r.ok()) return r.error();
  body = r.rest();
  return {};
}

namespace detail {

size_t begin_frame(writer& w) { return w.reserve_int32(); }

std::error_code end_frame(writer& w, size_t prefix_at, chunked_buffer& out) {
  if (!w.ok()) return w.error();
  const size_t frame_bytes = w.size() - prefix_at - size_prefix_bytes;
  if (frame_bytes > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    return codec_errc::value_too_large;
  }
  w.patch_int32(prefix_at, static_cast<int32_t>(frame_bytes));
  out = std::move(w).finish();
  return {};
}

}  // namespace detail
}  // namespace sluice::protocol
