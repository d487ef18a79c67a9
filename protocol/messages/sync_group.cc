#include "protocol/messages/sync_group.h"

#include "protocol/element_size.h"

namespace sluice::protocol {
namespace {

// Smallest encoding {compact, classic}, used to bound array counts.
constexpr element_size min_assignment_bytes{2, 6};  // member_id, assignment

std::vector<std::byte> read_bytes(reader& r) {
  const std::span<const std::byte> b = r.bytes();
  return {b.begin(), b.end()};
}

}  // namespace

void sync_group_request::decode(reader& r, int16_t version) {
  group_id = r.string();
  generation_id = r.int32();
  member_id = r.string();
  if (version >= 3) group_instance_id = r.nullable_string();
  if (version >= 5) {
    protocol_type = r.nullable_string();
    protocol_name = r.nullable_string();
  }
  r.array(assignments, min_assignment_bytes.in(r), [&](sync_group_request_assignment& a) {
    a.member_id = r.string();
    a.assignment = read_bytes(r);
    r.skip_tagged_fields();
  });
  r.skip_tagged_fields();
}

void sync_group_request::encode(writer& w, int16_t version) const {
  w.string(group_id);
  w.int32(generation_id);
  w.string(member_id);
  if (version >= 3) w.nullable_string(group_instance_id);
  if (version >= 5) {
    w.nullable_string(protocol_type);
    w.nullable_string(protocol_name);
  }
  w.array(assignments, [&](const sync_group_request_assignment& a) {
    w.string(a.member_id);
    w.bytes(a.assignment);
    w.empty_tagged_fields();
  });
  w.empty_tagged_fields();
}

void sync_group_response::decode(reader& r, int16_t version) {
  if (version >= 1) throttle_time_ms = r.int32();
  error_code = static_cast<protocol::error_code>(r.int16());
  if (version >= 5) {
    protocol_type = r.nullable_string();
    protocol_name = r.nullable_string();
  }
  assignment = read_bytes(r);
  r.skip_tagged_fields();
}

void sync_group_response::encode(writer& w, int16_t version) const {
  if (version >= 1) w.int32(throttle_time_ms);
  w.int16(to_int(error_code));
  if (version >= 5) {
    w.nullable_string(protocol_type);
    w.nullable_string(protocol_name);
  }
  w.bytes(assignment);
  w.empty_tagged_fields();
}

}  // namespace sluice::protocol
