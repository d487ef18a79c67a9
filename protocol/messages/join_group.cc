#include "protocol/messages/join_group.h"

#include "protocol/element_size.h"

namespace sluice::protocol {
namespace {

// Smallest encodings {compact, classic}, used to bound array counts.
constexpr element_size min_protocol_bytes{2, 6};  // name, metadata
constexpr element_size min_member_bytes{2, 6};    // member_id, metadata

std::vector<std::byte> read_bytes(reader& r) {
  const std::span<const std::byte> b = r.bytes();
  return {b.begin(), b.end()};
}

}  // namespace

void join_group_request::decode(reader& r, int16_t version) {
  group_id = r.string();
  session_timeout_ms = r.int32();
  if (version >= 1) rebalance_timeout_ms = r.int32();
  member_id = r.string();
  if (version >= 5) group_instance_id = r.nullable_string();
  protocol_type = r.string();
  r.array(protocols, min_protocol_bytes.in(r), [&](join_group_request_protocol& p) {
    p.name = r.string();
    p.metadata = read_bytes(r);
    r.skip_tagged_fields();
  });
  if (version >= 8) reason = r.nullable_string();
  r.skip_tagged_fields();
}

void join_group_request::encode(writer& w, int16_t version) const {
  w.string(group_id);
  w.int32(session_timeout_ms);
  if (version >= 1) w.int32(rebalance_timeout_ms);
  w.string(member_id);
  if (version >= 5) w.nullable_string(group_instance_id);
  w.string(protocol_type);
  w.array(protocols, [&](const join_group_request_protocol& p) {
    w.string(p.name);
    w.bytes(p.metadata);
    w.empty_tagged_fields();
  });
  if (version >= 8) w.nullable_string(reason);
  w.empty_tagged_fields();
}

void join_group_response::decode(reader& r, int16_t version) {
  if (version >= 2) throttle_time_ms = r.int32();
  error_code = static_cast<protocol::error_code>(r.int16());
  generation_id = r.int32();
  if (version >= 7) {
    protocol_type = r.nullable_string();
    protocol_name = r.nullable_string();
  } else {
    protocol_name = r.string();
  }
  leader = r.string();
  if (version >= 9) skip_assignment = r.boolean();
  member_id = r.string();
  r.array(members, min_member_bytes.in(r), [&](join_group_response_member& m) {
    m.member_id = r.string();
    if (version >= 5) m.group_instance_id = r.nullable_string();
    m.metadata = read_bytes(r);
    r.skip_tagged_fields();
  });
  r.skip_tagged_fields();
}

void join_group_response::encode(writer& w, int16_t version) const {
  if (version >= 2) w.int32(throttle_time_ms);
  w.int16(to_int(error_code));
  w.int32(generation_id);
  if (version >= 7) {
    w.nullable_string(protocol_type);
  } else if (!protocol_name) {
    w.fail(codec_errc::unexpected_null);
  }
  w.nullable_string(protocol_name);
  w.string(leader);
  if (version >= 9) w.boolean(skip_assignment);
  w.string(member_id);
  w.array(members, [&](const join_group_response_member& m) {
    w.string(m.member_id);
    if (version >= 5) w.nullable_string(m.group_instance_id);
    w.bytes(m.metadata);
    w.empty_tagged_fields();
  });
  w.empty_tagged_fields();
}

}  // namespace sluice::protocol
