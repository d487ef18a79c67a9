#include "protocol/messages/list_groups.h"

#include "protocol/element_size.h"

namespace sluice::protocol {
namespace {

// Smallest encoding {compact, classic}, used to bound array counts.
constexpr element_size min_group_bytes{2, 4};  // group_id, protocol_type

}  // namespace

void list_groups_request::decode(reader& r, int16_t /*version*/) { r.skip_tagged_fields(); }

void list_groups_request::encode(writer& w, int16_t /*version*/) const { w.empty_tagged_fields(); }

void list_groups_response::decode(reader& r, int16_t version) {
  if (version >= 1) throttle_time_ms = r.int32();
  error_code = static_cast<protocol::error_code>(r.int16());
  r.array(groups, min_group_bytes.in(r), [&](listed_group& g) {
    g.group_id = r.string();
    g.protocol_type = r.string();
    r.skip_tagged_fields();
  });
  r.skip_tagged_fields();
}

void list_groups_response::encode(writer& w, int16_t version) const {
  if (version >= 1) w.int32(throttle_time_ms);
  w.int16(to_int(error_code));
  w.array(groups, [&](const listed_group& g) {
    w.string(g.group_id);
    w.string(g.protocol_type);
    w.empty_tagged_fields();
  });
  w.empty_tagged_fields();
}

}  // namespace sluice::protocol
