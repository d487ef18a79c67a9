#include "protocol/messages/delete_topics.h"

#include "protocol/element_size.h"

namespace sluice::protocol {
namespace {

// Smallest encodings {compact, classic}, used to bound array counts.
constexpr element_size min_name_bytes{1, 2};
constexpr element_size min_state_bytes{17, 18};  // name (nullable), topic_id
constexpr element_size min_result_bytes{3, 4};   // name, error_code

}  // namespace

delete_topics_request delete_topics_request::by_names(std::vector<std::string> names,
                                                      int32_t timeout_ms) {
  delete_topics_request r;
  for (const std::string& n : names) r.topics.push_back({n, uuid{}});
  r.topic_names = std::move(names);
  r.timeout_ms = timeout_ms;
  return r;
}

void delete_topics_request::decode(reader& r, int16_t version) {
  if (version >= 6) {
    r.array(topics, min_state_bytes.in(r), [&](delete_topic_state& t) {
      t.name = r.nullable_string();
      t.topic_id = r.uuid_value();
      r.skip_tagged_fields();
    });
  } else {
    r.array(topic_names, min_name_bytes.in(r), [&](std::string& name) { name = r.string(); });
  }
  timeout_ms = r.int32();
  r.skip_tagged_fields();
}

void delete_topics_request::encode(writer& w, int16_t version) const {
  if (version >= 6) {
    w.array(topics, [&](const delete_topic_state& t) {
      w.nullable_string(t.name);
      w.uuid_value(t.topic_id);
      w.empty_tagged_fields();
    });
  } else {
    w.array(topic_names, [&](const std::string& name) { w.string(name); });
  }
  w.int32(timeout_ms);
  w.empty_tagged_fields();
}

void delete_topics_response::decode(reader& r, int16_t version) {
  if (version >= 1) throttle_time_ms = r.int32();
  r.array(responses, min_result_bytes.in(r), [&](deletable_topic_result& t) {
    if (version >= 6) {
      t.name = r.nullable_string();
      t.topic_id = r.uuid_value();
    } else {
      t.name = r.string();
    }
    t.error_code = static_cast<protocol::error_code>(r.int16());
    if (version >= 5) t.error_message = r.nullable_string();
    r.skip_tagged_fields();
  });
  r.skip_tagged_fields();
}

void delete_topics_response::encode(writer& w, int16_t version) const {
  if (version >= 1) w.int32(throttle_time_ms);
  w.array(responses, [&](const deletable_topic_result& t) {
    if (version >= 6) {
      w.nullable_string(t.name);
      w.uuid_value(t.topic_id);
    } else if (t.name) {
      w.string(*t.name);
    } else {
      w.fail(codec_errc::unexpected_null);  // a null name exists from v6 only
    }
    w.int16(to_int(t.error_code));
    if (version >= 5) w.nullable_string(t.error_message);
    w.empty_tagged_fields();
  });
  w.empty_tagged_fields();
}

}  // namespace sluice::protocol
