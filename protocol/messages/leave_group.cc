#include "protocol/messages/leave_group.h"

#include "protocol/element_size.h"

namespace sluice::protocol {
namespace {

// Smallest encodings {compact, classic}, used to bound array counts.
constexpr element_size min_identity_bytes{2, 4};         // member_id, group_instance_id
constexpr element_size min_member_response_bytes{4, 6};  // member_id, group_instance_id, error_code

}  // namespace

void leave_group_request::decode(reader& r, int16_t version) {
  group_id = r.string();
  if (version <= 2) member_id = r.string();
  if (version >= 3) {
    r.array(members, min_identity_bytes.in(r), [&](member_identity& m) {
      m.member_id = r.string();
      m.group_instance_id = r.nullable_string();
      if (version >= 5) m.reason = r.nullable_string();
      r.skip_tagged_fields();
    });
  }
  r.skip_tagged_fields();
}

void leave_group_request::encode(writer& w, int16_t version) const {
  w.string(group_id);
  if (version <= 2) w.string(member_id);
  if (version >= 3) {
    w.array(members, [&](const member_identity& m) {
      w.string(m.member_id);
      w.nullable_string(m.group_instance_id);
      if (version >= 5) w.nullable_string(m.reason);
      w.empty_tagged_fields();
    });
  }
  w.empty_tagged_fields();
}

void leave_group_response::decode(reader& r, int16_t version) {
  if (version >= 1) throttle_time_ms = r.int32();
  error_code = static_cast<protocol::error_code>(r.int16());
  if (version >= 3) {
    r.array(members, min_member_response_bytes.in(r), [&](member_response& m) {
      m.member_id = r.string();
      m.group_instance_id = r.nullable_string();
      m.error_code = static_cast<protocol::error_code>(r.int16());
      r.skip_tagged_fields();
    });
  }
  r.skip_tagged_fields();
}

void leave_group_response::encode(writer& w, int16_t version) const {
  if (version >= 1) w.int32(throttle_time_ms);
  w.int16(to_int(error_code));
  if (version >= 3) {
    w.array(members, [&](const member_response& m) {
      w.string(m.member_id);
      w.nullable_string(m.group_instance_id);
      w.int16(to_int(m.error_code));
      w.empty_tagged_fields();
    });
  }
  w.empty_tagged_fields();
}

}  // namespace sluice::protocol
