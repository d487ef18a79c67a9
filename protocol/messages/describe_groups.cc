#include "protocol/messages/describe_groups.h"

#include "protocol/element_size.h"

namespace sluice::protocol {
namespace {

// Smallest encodings {compact, classic}, used to bound array counts.
constexpr element_size min_group_id_bytes{1, 2};
// member_id, client_id, client_host, metadata, assignment
constexpr element_size min_member_bytes{5, 14};
constexpr element_size min_group_bytes{7, 14};  // error_code, four strings, members

std::vector<std::byte> read_bytes(reader& r) {
  const std::span<const std::byte> b = r.bytes();
  return {b.begin(), b.end()};
}

}  // namespace

void describe_groups_request::decode(reader& r, int16_t version) {
  r.array(groups, min_group_id_bytes.in(r), [&](std::string& g) { g = r.string(); });
  if (version >= 3) include_authorized_operations = r.boolean();
  r.skip_tagged_fields();
}

void describe_groups_request::encode(writer& w, int16_t version) const {
  w.array(groups, [&](const std::string& g) { w.string(g); });
  if (version >= 3) w.boolean(include_authorized_operations);
  w.empty_tagged_fields();
}

void describe_groups_response::decode(reader& r, int16_t version) {
  if (version >= 1) throttle_time_ms = r.int32();
  r.array(groups, min_group_bytes.in(r), [&](described_group& g) {
    g.error_code = static_cast<protocol::error_code>(r.int16());
    g.group_id = r.string();
    g.group_state = r.string();
    g.protocol_type = r.string();
    g.protocol_data = r.string();
    r.array(g.members, min_member_bytes.in(r), [&](described_group_member& m) {
      m.member_id = r.string();
      if (version >= 4) m.group_instance_id = r.nullable_string();
      m.client_id = r.string();
      m.client_host = r.string();
      m.member_metadata = read_bytes(r);
      m.member_assignment = read_bytes(r);
      r.skip_tagged_fields();
    });
    if (version >= 3) g.authorized_operations = r.int32();
    r.skip_tagged_fields();
  });
  r.skip_tagged_fields();
}

void describe_groups_response::encode(writer& w, int16_t version) const {
  if (version >= 1) w.int32(throttle_time_ms);
  w.array(groups, [&](const described_group& g) {
    w.int16(to_int(g.error_code));
    w.string(g.group_id);
    w.string(g.group_state);
    w.string(g.protocol_type);
    w.string(g.protocol_data);
    w.array(g.members, [&](const described_group_member& m) {
      w.string(m.member_id);
      if (version >= 4) w.nullable_string(m.group_instance_id);
      w.string(m.client_id);
      w.string(m.client_host);
      w.bytes(m.member_metadata);
      w.bytes(m.member_assignment);
      w.empty_tagged_fields();
    });
    if (version >= 3) w.int32(g.authorized_operations);
    w.empty_tagged_fields();
  });
  w.empty_tagged_fields();
}

}  // namespace sluice::protocol
