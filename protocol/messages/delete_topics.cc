#include "protocol/messages/delete_topics.h"

#include "protocol/element_size.h"

namespace sluice::protocol {
namespace {

// Smallest encodings {compact, classic}, used to bound array counts.
constexpr element_size min_name_bytes{1, 2};
constexpr element_size min_result_bytes{3, 4};  // name, error_code

}  // namespace

void delete_topics_request::decode(reader& r, int16_t /*version*/) {
  r.array(topic_names, min_name_bytes.in(r), [&](std::string& name) { name = r.string(); });
  timeout_ms = r.int32();
  r.skip_tagged_fields();
}

void delete_topics_request::encode(writer& w, int16_t /*version*/) const {
  w.array(topic_names, [&](const std::string& name) { w.string(name); });
  w.int32(timeout_ms);
  w.empty_tagged_fields();
}

void delete_topics_response::decode(reader& r, int16_t version) {
  if (version >= 1) throttle_time_ms = r.int32();
  r.array(responses, min_result_bytes.in(r), [&](deletable_topic_result& t) {
    t.name = r.string();
    t.error_code = static_cast<protocol::error_code>(r.int16());
    r.skip_tagged_fields();
  });
  r.skip_tagged_fields();
}

void delete_topics_response::encode(writer& w, int16_t version) const {
  if (version >= 1) w.int32(throttle_time_ms);
  w.array(responses, [&](const deletable_topic_result& t) {
    w.string(t.name);
    w.int16(to_int(t.error_code));
    w.empty_tagged_fields();
  });
  w.empty_tagged_fields();
}

}  // namespace sluice::protocol
