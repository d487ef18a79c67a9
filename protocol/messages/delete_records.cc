#include "protocol/messages/delete_records.h"

#include "protocol/element_size.h"

namespace sluice::protocol {
namespace {

// Smallest encodings {compact, classic}, used to bound array counts.
constexpr element_size min_topic_bytes{2, 6};               // name, partition array
constexpr element_size min_partition_bytes{12, 12};         // index, offset
constexpr element_size min_partition_result_bytes{14, 14};  // index, low_watermark, error_code

}  // namespace

void delete_records_request::decode(reader& r, int16_t /*version*/) {
  r.array(topics, min_topic_bytes.in(r), [&](delete_records_topic& t) {
    t.name = r.string();
    r.array(t.partitions, min_partition_bytes.in(r), [&](delete_records_partition& p) {
      p.partition_index = r.int32();
      p.offset = r.int64();
      r.skip_tagged_fields();
    });
    r.skip_tagged_fields();
  });
  timeout_ms = r.int32();
  r.skip_tagged_fields();
}

void delete_records_request::encode(writer& w, int16_t /*version*/) const {
  w.array(topics, [&](const delete_records_topic& t) {
    w.string(t.name);
    w.array(t.partitions, [&](const delete_records_partition& p) {
      w.int32(p.partition_index);
      w.int64(p.offset);
      w.empty_tagged_fields();
    });
    w.empty_tagged_fields();
  });
  w.int32(timeout_ms);
  w.empty_tagged_fields();
}

void delete_records_response::decode(reader& r, int16_t /*version*/) {
  throttle_time_ms = r.int32();
  r.array(topics, min_topic_bytes.in(r), [&](delete_records_topic_result& t) {
    t.name = r.string();
    r.array(t.partitions, min_partition_result_bytes.in(r),
            [&](delete_records_partition_result& p) {
              p.partition_index = r.int32();
              p.low_watermark = r.int64();
              p.error_code = static_cast<protocol::error_code>(r.int16());
              r.skip_tagged_fields();
            });
    r.skip_tagged_fields();
  });
  r.skip_tagged_fields();
}

void delete_records_response::encode(writer& w, int16_t /*version*/) const {
  w.int32(throttle_time_ms);
  w.array(topics, [&](const delete_records_topic_result& t) {
    w.string(t.name);
    w.array(t.partitions, [&](const delete_records_partition_result& p) {
      w.int32(p.partition_index);
      w.int64(p.low_watermark);
      w.int16(to_int(p.error_code));
      w.empty_tagged_fields();
    });
    w.empty_tagged_fields();
  });
  w.empty_tagged_fields();
}

}  // namespace sluice::protocol
