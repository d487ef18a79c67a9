#include "protocol/messages/alter_share_group_offsets.h"

namespace sluice::protocol {
namespace {

using request = alter_share_group_offsets_request;
using response = alter_share_group_offsets_response;

constexpr size_t min_request_partition_bytes = 4 + 8 + 1;
constexpr size_t min_request_topic_bytes = 1 + 1 + 1;
constexpr size_t min_response_partition_bytes = 4 + 2 + 1 + 1;
constexpr size_t min_response_topic_bytes = 1 + 16 + 1 + 1;

}  // namespace

void alter_share_group_offsets_request::decode(reader& r, int16_t) {
  group_id = r.string();
  r.array(topics, min_request_topic_bytes, [&](request::request_topic& t) {
    t.topic_name = r.string();
    r.array(t.partitions, min_request_partition_bytes, [&](request::request_partition& p) {
      p.partition_index = r.int32();
      p.start_offset = r.int64();
      r.skip_tagged_fields();
    });
    r.skip_tagged_fields();
  });
  r.skip_tagged_fields();
}

void alter_share_group_offsets_request::encode(writer& w, int16_t) const {
  w.string(group_id);
  w.array(topics, [&](const request::request_topic& t) {
    w.string(t.topic_name);
    w.array(t.partitions, [&](const request::request_partition& p) {
      w.int32(p.partition_index);
      w.int64(p.start_offset);
      w.empty_tagged_fields();
    });
    w.empty_tagged_fields();
  });
  w.empty_tagged_fields();
}

void alter_share_group_offsets_response::decode(reader& r, int16_t) {
  throttle_time_ms = r.int32();
  error_code = static_cast<protocol::error_code>(r.int16());
  error_message = r.nullable_string();
  r.array(responses, min_response_topic_bytes, [&](response::response_topic& t) {
    t.topic_name = r.string();
    t.topic_id = r.uuid_value();
    r.array(t.partitions, min_response_partition_bytes, [&](response::response_partition& p) {
      p.partition_index = r.int32();
      p.error_code = static_cast<protocol::error_code>(r.int16());
      p.error_message = r.nullable_string();
      r.skip_tagged_fields();
    });
    r.skip_tagged_fields();
  });
  r.skip_tagged_fields();
}

void alter_share_group_offsets_response::encode(writer& w, int16_t) const {
  w.int32(throttle_time_ms);
  w.int16(to_int(error_code));
  w.nullable_string(error_message);
  w.array(responses, [&](const response::response_topic& t) {
    w.string(t.topic_name);
    w.uuid_value(t.topic_id);
    w.array(t.partitions, [&](const response::response_partition& p) {
      w.int32(p.partition_index);
      w.int16(to_int(p.error_code));
      w.nullable_string(p.error_message);
      w.empty_tagged_fields();
    });
    w.empty_tagged_fields();
  });
  w.empty_tagged_fields();
}

}  // namespace sluice::protocol
