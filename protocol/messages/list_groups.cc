#include "protocol/messages/list_groups.h"

#include "protocol/element_size.h"

namespace sluice::protocol {
namespace {

// Smallest encoding {compact, classic}, used to bound array counts.
constexpr element_size min_group_bytes{2, 4};  // group_id, protocol_type
constexpr element_size min_filter_bytes{1, 2};

}  // namespace

void list_groups_request::decode(reader& r, int16_t version) {
  auto read_filter = [&](std::vector<std::string>& out) {
    r.array(out, min_filter_bytes.in(r), [&](std::string& s) { s = r.string(); });
  };
  if (version >= 4) read_filter(states_filter);
  if (version >= 5) read_filter(types_filter);
  r.skip_tagged_fields();
}

void list_groups_request::encode(writer& w, int16_t version) const {
  auto write_filter = [&](const std::vector<std::string>& in) {
    w.array(in, [&](const std::string& s) { w.string(s); });
  };
  if (version >= 4) write_filter(states_filter);
  if (version >= 5) write_filter(types_filter);
  w.empty_tagged_fields();
}

void list_groups_response::decode(reader& r, int16_t version) {
  if (version >= 1) throttle_time_ms = r.int32();
  error_code = static_cast<protocol::error_code>(r.int16());
  r.array(groups, min_group_bytes.in(r), [&](listed_group& g) {
    g.group_id = r.string();
    g.protocol_type = r.string();
    if (version >= 4) g.group_state = r.string();
    if (version >= 5) g.group_type = r.string();
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
    if (version >= 4) w.string(g.group_state);
    if (version >= 5) w.string(g.group_type);
    w.empty_tagged_fields();
  });
  w.empty_tagged_fields();
}

}  // namespace sluice::protocol
