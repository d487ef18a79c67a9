#pragma once
// Decoding and encoding whole message bodies (the bytes after the header).
//
// Every message struct in protocol/messages/ has the same shape:
//
//   struct fetch_request {
//     static constexpr api_key api = api_key::fetch;
//     ...fields, with Kafka's names in snake_case and Kafka's defaults...
//     void decode(reader& r, int16_t version);        // sticky errors in r
//     void encode(writer& w, int16_t version) const;  // sticky errors in w
//   };
//
// decode/encode read and write the fields the version has and leave the
// others at their defaults. The helpers below set the reader's or writer's
// mode (flexible or classic) from the api_keys table, so message code never
// decides the encoding itself.
//
// Trailing bytes after a decoded body are tolerated, as Kafka's brokers do;
// the broker may inspect reader::remaining() if it wants to be stricter.

#include <concepts>
#include <cstdint>
#include <span>
#include <system_error>
#include <utility>

#include "protocol/api_keys.h"
#include "protocol/codec_error.h"
#include "protocol/reader.h"
#include "protocol/writer.h"

namespace sluice::protocol {

template <class M>
concept message = requires(M m, const M cm, reader& r, writer& w, int16_t v) {
  { M::api } -> std::convertible_to<api_key>;
  m.decode(r, v);
  cm.encode(w, v);
};

// Decodes a body of `version`; on error `out` is left untouched.
template <message M>
std::error_code decode_message(std::span<const std::byte> body, int16_t version, M& out) {
  if (!codec_supports(M::api, version)) return codec_errc::unsupported_version;
  reader r(body, is_flexible(M::api, version));
  M m{};
  m.decode(r, version);
  if (!r.ok()) return r.error();
  out = std::move(m);
  return {};
}

// Appends the body of `m` at `version` to `w`.
template <message M>
std::error_code encode_message(const M& m, int16_t version, writer& w) {
  if (!codec_supports(M::api, version)) return codec_errc::unsupported_version;
  const bool saved = w.flexible();
  w.set_flexible(is_flexible(M::api, version));
  m.encode(w, version);
  w.set_flexible(saved);
  return w.error();
}

}  // namespace sluice::protocol
