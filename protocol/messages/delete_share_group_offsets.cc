#include "protocol/messages/delete_share_group_offsets.h"

namespace sluice::protocol {
namespace {

using response = delete_share_group_offsets_response;

constexpr size_t min_request_topic_bytes = 1 + 1;
constexpr size_t min_response_topic_bytes = 1 + 16 + 2 + 1 + 1;

}  // namespace

void delete_share_group_offsets_request::decode(reader& r, int16_t) {
  group_id = r.string();
  r.array(topic_names, min_request_topic_bytes, [&](std::string& t) {
    t = r.string();
    r.skip_tagged_fields();
  });
  r.skip_tagged_fields();
}

void delete_share_group_offsets_request::encode(writer& w, int16_t) const {
  w.string(group_id);
  w.array(topic_names, [&](const std::string& t) {
    w.string(t);
    w.empty_tagged_fields();
  });
  w.empty_tagged_fields();
}

void delete_share_group_offsets_response::decode(reader& r, int16_t) {
  throttle_time_ms = r.int32();
  error_code = static_cast<protocol::error_code>(r.int16());
  error_message = r.nullable_string();
  r.array(responses, min_response_topic_bytes, [&](response::response_topic& t) {
    t.topic_name = r.string();
    t.topic_id = r.uuid_value();
    t.error_code = static_cast<protocol::error_code>(r.int16());
    t.error_message = r.nullable_string();
    r.skip_tagged_fields();
  });
  r.skip_tagged_fields();
}

void delete_share_group_offsets_response::encode(writer& w, int16_t) const {
  w.int32(throttle_time_ms);
  w.int16(to_int(error_code));
  w.nullable_string(error_message);
  w.array(responses, [&](const response::response_topic& t) {
    w.string(t.topic_name);
    w.uuid_value(t.topic_id);
    w.int16(to_int(t.error_code));
    w.nullable_string(t.error_message);
    w.empty_tagged_fields();
  });
  w.empty_tagged_fields();
}

}  // namespace sluice::protocol
