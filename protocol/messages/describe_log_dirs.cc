#include "protocol/messages/describe_log_dirs.h"

#include "protocol/element_size.h"

namespace sluice::protocol {
namespace {

// Smallest encodings {compact, classic}, used to bound array counts.
constexpr element_size min_request_topic_bytes{2, 6};  // topic, partitions
constexpr element_size min_result_bytes{4, 8};         // error_code, log_dir, topics
constexpr element_size min_topic_bytes{2, 6};          // name, partitions
constexpr size_t min_partition_bytes = 21;             // index, size, lag, is_future_key

}  // namespace

void describe_log_dirs_request::decode(reader& r, int16_t /*version*/) {
  r.nullable_array(topics, min_request_topic_bytes.in(r), [&](describable_log_dir_topic& t) {
    t.topic = r.string();
    r.array(t.partitions, 4, [&](int32_t& p) { p = r.int32(); });
    r.skip_tagged_fields();
  });
  r.skip_tagged_fields();
}

void describe_log_dirs_request::encode(writer& w, int16_t /*version*/) const {
  w.nullable_array(topics, [&](const describable_log_dir_topic& t) {
    w.string(t.topic);
    w.array(t.partitions, [&](int32_t p) { w.int32(p); });
    w.empty_tagged_fields();
  });
  w.empty_tagged_fields();
}

void describe_log_dirs_response::decode(reader& r, int16_t version) {
  throttle_time_ms = r.int32();
  if (version >= 3) error_code = static_cast<protocol::error_code>(r.int16());
  r.array(results, min_result_bytes.in(r), [&](describe_log_dirs_result& d) {
    d.error_code = static_cast<protocol::error_code>(r.int16());
    d.log_dir = r.string();
    r.array(d.topics, min_topic_bytes.in(r), [&](describe_log_dirs_topic& t) {
      t.name = r.string();
      r.array(t.partitions, min_partition_bytes, [&](describe_log_dirs_partition& p) {
        p.partition_index = r.int32();
        p.partition_size = r.int64();
        p.offset_lag = r.int64();
        p.is_future_key = r.boolean();
        r.skip_tagged_fields();
      });
      r.skip_tagged_fields();
    });
    if (version >= 4) {
      d.total_bytes = r.int64();
      d.usable_bytes = r.int64();
    }
    r.skip_tagged_fields();
  });
  r.skip_tagged_fields();
}

void describe_log_dirs_response::encode(writer& w, int16_t version) const {
  w.int32(throttle_time_ms);
  if (version >= 3) w.int16(to_int(error_code));
  w.array(results, [&](const describe_log_dirs_result& d) {
    w.int16(to_int(d.error_code));
    w.string(d.log_dir);
    w.array(d.topics, [&](const describe_log_dirs_topic& t) {
      w.string(t.name);
      w.array(t.partitions, [&](const describe_log_dirs_partition& p) {
        w.int32(p.partition_index);
        w.int64(p.partition_size);
        w.int64(p.offset_lag);
        w.boolean(p.is_future_key);
        w.empty_tagged_fields();
      });
      w.empty_tagged_fields();
    });
    if (version >= 4) {
      w.int64(d.total_bytes);
      w.int64(d.usable_bytes);
    }
    w.empty_tagged_fields();
  });
  w.empty_tagged_fields();
}

}  // namespace sluice::protocol
