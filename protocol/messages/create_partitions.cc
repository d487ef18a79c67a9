#include "protocol/messages/create_partitions.h"

#include "protocol/element_size.h"

namespace sluice::protocol {
namespace {

// Smallest encodings {compact, classic}, used to bound array counts.
constexpr element_size min_topic_bytes{6, 10};      // name, count, assignments
constexpr element_size min_assignment_bytes{1, 4};  // broker_ids
constexpr element_size min_result_bytes{4, 6};      // name, error_code, error_message

}  // namespace

void create_partitions_request::decode(reader& r, int16_t /*version*/) {
  r.array(topics, min_topic_bytes.in(r), [&](create_partitions_topic& t) {
    t.name = r.string();
    t.count = r.int32();
    r.nullable_array(t.assignments, min_assignment_bytes.in(r),
                     [&](create_partitions_assignment& a) {
                       r.array(a.broker_ids, 4, [&](int32_t& id) { id = r.int32(); });
                       r.skip_tagged_fields();
                     });
    r.skip_tagged_fields();
  });
  timeout_ms = r.int32();
  validate_only = r.boolean();
  r.skip_tagged_fields();
}

void create_partitions_request::encode(writer& w, int16_t /*version*/) const {
  w.array(topics, [&](const create_partitions_topic& t) {
    w.string(t.name);
    w.int32(t.count);
    w.nullable_array(t.assignments, [&](const create_partitions_assignment& a) {
      w.array(a.broker_ids, [&](int32_t id) { w.int32(id); });
      w.empty_tagged_fields();
    });
    w.empty_tagged_fields();
  });
  w.int32(timeout_ms);
  w.boolean(validate_only);
  w.empty_tagged_fields();
}

void create_partitions_response::decode(reader& r, int16_t /*version*/) {
  throttle_time_ms = r.int32();
  r.array(results, min_result_bytes.in(r), [&](create_partitions_topic_result& t) {
    t.name = r.string();
    t.error_code = static_cast<protocol::error_code>(r.int16());
    t.error_message = r.nullable_string();
    r.skip_tagged_fields();
  });
  r.skip_tagged_fields();
}

void create_partitions_response::encode(writer& w, int16_t /*version*/) const {
  w.int32(throttle_time_ms);
  w.array(results, [&](const create_partitions_topic_result& t) {
    w.string(t.name);
    w.int16(to_int(t.error_code));
    w.nullable_string(t.error_message);
    w.empty_tagged_fields();
  });
  w.empty_tagged_fields();
}

}  // namespace sluice::protocol
