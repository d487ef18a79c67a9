#include "protocol/messages/heartbeat.h"

namespace sluice::protocol {

void heartbeat_request::decode(reader& r, int16_t version) {
  group_id = r.string();
  generation_id = r.int32();
  member_id = r.string();
  if (version >= 3) group_instance_id = r.nullable_string();
  r.skip_tagged_fields();
}

void heartbeat_request::encode(writer& w, int16_t version) const {
  w.string(group_id);
  w.int32(generation_id);
  w.string(member_id);
  if (version >= 3) w.nullable_string(group_instance_id);
  w.empty_tagged_fields();
}

void heartbeat_response::decode(reader& r, int16_t version) {
  if (version >= 1) throttle_time_ms = r.int32();
  error_code = static_cast<protocol::error_code>(r.int16());
  r.skip_tagged_fields();
}

void heartbeat_response::encode(writer& w, int16_t version) const {
  if (version >= 1) w.int32(throttle_time_ms);
  w.int16(to_int(error_code));
  w.empty_tagged_fields();
}

}  // namespace sluice::protocol
