#include "protocol/messages/offset_delete.h"

#include "protocol/element_size.h"

namespace sluice::protocol {
namespace {

// Smallest encodings {compact, classic}, used to bound array counts.
constexpr element_size min_topic_bytes{2, 6};             // name, partition array
constexpr element_size min_partition_bytes{4, 4};         // index
constexpr element_size min_partition_result_bytes{6, 6};  // index, error_code

}  // namespace

void offset_delete_request::decode(reader& r, int16_t /*version*/) {
  group_id = r.string();
  r.array(topics, min_topic_bytes.in(r), [&](offset_delete_request_topic& t) {
    t.name = r.string();
    r.array(t.partitions, min_partition_bytes.in(r), [&](offset_delete_request_partition& p) {
      p.partition_index = r.int32();
      r.skip_tagged_fields();
    });
    r.skip_tagged_fields();
  });
  r.skip_tagged_fields();
}

void offset_delete_request::encode(writer& w, int16_t /*version*/) const {
  w.string(group_id);
  w.array(topics, [&](const offset_delete_request_topic& t) {
    w.string(t.name);
    w.array(t.partitions, [&](const offset_delete_request_partition& p) {
      w.int32(p.partition_index);
      w.empty_tagged_fields();
    });
    w.empty_tagged_fields();
  });
  w.empty_tagged_fields();
}

void offset_delete_response::decode(reader& r, int16_t /*version*/) {
  error_code = static_cast<protocol::error_code>(r.int16());
  throttle_time_ms = r.int32();
  r.array(topics, min_topic_bytes.in(r), [&](offset_delete_response_topic& t) {
    t.name = r.string();
    r.array(t.partitions, min_partition_result_bytes.in(r),
            [&](offset_delete_response_partition& p) {
              p.partition_index = r.int32();
              p.error_code = static_cast<protocol::error_code>(r.int16());
              r.skip_tagged_fields();
            });
    r.skip_tagged_fields();
  });
  r.skip_tagged_fields();
}

void offset_delete_response::encode(writer& w, int16_t /*version*/) const {
  w.int16(to_int(error_code));
  w.int32(throttle_time_ms);
  w.array(topics, [&](const offset_delete_response_topic& t) {
    w.string(t.name);
    w.array(t.partitions, [&](const offset_delete_response_partition& p) {
      w.int32(p.partition_index);
      w.int16(to_int(p.error_code));
      w.empty_tagged_fields();
    });
    w.empty_tagged_fields();
  });
  w.empty_tagged_fields();
}

}  // namespace sluice::protocol
