#include "protocol/headers.h"

namespace sluice::protocol {

void encode_request_header(writer& w, const request_header& h) {
  const int16_t header_version = request_header_version(h.key, h.api_version);
  w.int16(static_cast<int16_t>(h.key));
  w.int16(h.api_version);
  w.int32(h.correlation_id);
  if (header_version >= 1) w.classic_nullable_string(h.client_id);
  if (header_version >= 2) {
    const bool saved = w.flexible();
    w.set_flexible(true);
    w.empty_tagged_fields();
    w.set_flexible(saved);
  }
}

void decode_request_header(reader& r, request_header& out) {
  out.key = static_cast<api_key>(r.int16());
  out.api_version = r.int16();
  out.correlation_id = r.int32();
  if (!r.ok()) return;
  const int16_t header_version = request_header_version(out.key, out.api_version);
  if (header_version >= 1) out.client_id = r.classic_nullable_string_view();
  if (header_version >= 2) {
    // Unknown header tags are skipped, bounded like any tagged section
    // (CVE-2026-111115 was an unbounded header tag count).
    const bool saved = r.flexible();
    r.set_flexible(true);
    r.skip_tagged_fields();
    r.set_flexible(saved);
  }
}

void encode_response_header(writer& w, api_key key, int16_t api_version, const response_header& h) {
  w.int32(h.correlation_id);
  if (response_header_version(key, api_version) >= 1) {
    const bool saved = w.flexible();
    w.set_flexible(true);
    w.empty_tagged_fields();
    w.set_flexible(saved);
  }
}

void decode_response_header(reader& r, api_key key, int16_t api_version, response_header& out) {
  out.correlation_id = r.int32();
  if (response_header_version(key, api_version) >= 1) {
    const bool saved = r.flexible();
    r.set_flexible(true);
    r.skip_tagged_fields();
    r.set_flexible(saved);
  }
}

}  // namespace sluice::protocol
