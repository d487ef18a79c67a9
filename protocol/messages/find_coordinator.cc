#include "protocol/messages/find_coordinator.h"

#include "protocol/element_size.h"

namespace sluice::protocol {
namespace {

// Smallest encodings {compact, classic}, used to bound array counts (v4+ is
// always flexible; the classic figures are the same fields' classic sizes).
constexpr element_size min_key_bytes{1, 2};
constexpr element_size min_coordinator_bytes{13, 16};  // key, node, host, port, error, message

}  // namespace

void find_coordinator_request::decode(reader& r, int16_t version) {
  if (version <= 3) key = r.string();
  if (version >= 1) key_type = r.int8();
  if (version >= 4) {
    r.array(coordinator_keys, min_key_bytes.in(r), [&](std::string& k) { k = r.string(); });
  }
  r.skip_tagged_fields();
}

void find_coordinator_request::encode(writer& w, int16_t version) const {
  if (version <= 3) w.string(key);
  if (version >= 1) w.int8(key_type);
  if (version >= 4) w.array(coordinator_keys, [&](const std::string& k) { w.string(k); });
  w.empty_tagged_fields();
}

void find_coordinator_response::decode(reader& r, int16_t version) {
  if (version >= 1) throttle_time_ms = r.int32();
  if (version <= 3) {
    error_code = static_cast<protocol::error_code>(r.int16());
    if (version >= 1) error_message = r.nullable_string();
    node_id = r.int32();
    host = r.string();
    port = r.int32();
  } else {
    r.array(coordinators, min_coordinator_bytes.in(r), [&](coordinator& c) {
      c.key = r.string();
      c.node_id = r.int32();
      c.host = r.string();
      c.port = r.int32();
      c.error_code = static_cast<protocol::error_code>(r.int16());
      c.error_message = r.nullable_string();
      r.skip_tagged_fields();
    });
  }
  r.skip_tagged_fields();
}

void find_coordinator_response::encode(writer& w, int16_t version) const {
  if (version >= 1) w.int32(throttle_time_ms);
  if (version <= 3) {
    w.int16(to_int(error_code));
    if (version >= 1) w.nullable_string(error_message);
    w.int32(node_id);
    w.string(host);
    w.int32(port);
  } else {
    w.array(coordinators, [&](const coordinator& c) {
      w.string(c.key);
      w.int32(c.node_id);
      w.string(c.host);
      w.int32(c.port);
      w.int16(to_int(c.error_code));
      w.nullable_string(c.error_message);
      w.empty_tagged_fields();
    });
  }
  w.empty_tagged_fields();
}

}  // namespace sluice::protocol
