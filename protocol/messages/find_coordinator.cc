#include "protocol/messages/find_coordinator.h"

namespace sluice::protocol {

void find_coordinator_request::decode(reader& r, int16_t version) {
  key = r.string();
  if (version >= 1) key_type = r.int8();
  r.skip_tagged_fields();
}

void find_coordinator_request::encode(writer& w, int16_t version) const {
  w.string(key);
  if (version >= 1) w.int8(key_type);
  w.empty_tagged_fields();
}

void find_coordinator_response::decode(reader& r, int16_t version) {
  if (version >= 1) throttle_time_ms = r.int32();
  error_code = static_cast<protocol::error_code>(r.int16());
  if (version >= 1) error_message = r.nullable_string();
  node_id = r.int32();
  host = r.string();
  port = r.int32();
  r.skip_tagged_fields();
}

void find_coordinator_response::encode(writer& w, int16_t version) const {
  if (version >= 1) w.int32(throttle_time_ms);
  w.int16(to_int(error_code));
  if (version >= 1) w.nullable_string(error_message);
  w.int32(node_id);
  w.string(host);
  w.int32(port);
  w.empty_tagged_fields();
}

}  // namespace sluice::protocol
