#include "protocol/uuid.h"

#include <random>

namespace sluice::protocol {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int sextet_of(char c) {
  const size_t at = kAlphabet.find(c);
  return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

}  // namespace

std::string to_base64url(const uuid& id) {
  std::string out;
  out.reserve(22);
  uint32_t acc = 0;
  int bits = 0;
  for (std::byte b : id.bytes) {
    acc = (acc << 8) | static_cast<uint8_t>(b);
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(acc >> bits) & 0x3f]);
    }
  }
  out.push_back(kAlphabet[(acc << (6 - bits)) & 0x3f]);  // 128 = 21 * 6 + 2
  return out;
}

std::optional<uuid> uuid_from_base64url(std::string_view text) {
  if (text.size() != 22) return std::nullopt;
  uuid id;
  uint32_t acc = 0;
  int bits = 0;
  size_t at = 0;
  for (char c : text) {
    const int v = sextet_of(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (at == id.bytes.size()) break;
      id.bytes[at++] = static_cast<std::byte>((acc >> bits) & 0xff);
    }
  }
  // The last character holds 2 data bits and 4 that must be zero.
  if (at != id.bytes.size() || (sextet_of(text.back()) & 0x0f) != 0) return std::nullopt;
  return id;
}

uuid random_uuid() {
  std::random_device rd;
  for (;;) {
    uuid id;
    for (size_t i = 0; i < id.bytes.size(); i += 4) {
      const uint32_t r = rd();
      for (size_t j = 0; j < 4; ++j) id.bytes[i + j] = static_cast<std::byte>(r >> (8 * j));
    }
    id.bytes[6] = (id.bytes[6] & std::byte{0x0f}) | std::byte{0x40};  // version 4
    id.bytes[8] = (id.bytes[8] & std::byte{0x3f}) | std::byte{0x80};  // RFC 9562 variant
    // The version bits already rule out both reserved values; only the
    // leading '-' needs a redraw.
    if (to_base64url(id).front() != '-') return id;
  }
}

}  // namespace sluice::protocol
