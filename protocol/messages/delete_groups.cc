#include "protocol/messages/delete_groups.h"

#include "protocol/element_size.h"

namespace sluice::protocol {
namespace {

// Smallest encodings {compact, classic}, used to bound array counts.
constexpr element_size min_name_bytes{1, 2};
constexpr element_size min_result_bytes{3, 4};  // group_id, error_code

}  // namespace

void delete_groups_request::decode(reader& r, int16_t /*version*/) {
  r.array(groups_names, min_name_bytes.in(r), [&](std::string& g) { g = r.string(); });
  r.skip_tagged_fields();
}

void delete_groups_request::encode(writer& w, int16_t /*version*/) const {
  w.array(groups_names, [&](const std::string& g) { w.string(g); });
  w.empty_tagged_fields();
}

void delete_groups_response::decode(reader& r, int16_t /*version*/) {
  throttle_time_ms = r.int32();
  r.array(results, min_result_bytes.in(r), [&](deletable_group_result& g) {
    g.group_id = r.string();
    g.error_code = static_cast<protocol::error_code>(r.int16());
    r.skip_tagged_fields();
  });
  r.skip_tagged_fields();
}

void delete_groups_response::encode(writer& w, int16_t /*version*/) const {
  w.int32(throttle_time_ms);
  w.array(results, [&](const deletable_group_result& g) {
    w.string(g.group_id);
    w.int16(to_int(g.error_code));
    w.empty_tagged_fields();
  });
  w.empty_tagged_fields();
}

}  // namespace sluice::protocol
