#include "protocol/messages/share_acknowledge.h"

namespace sluice::protocol {
namespace {

constexpr size_t min_partition_bytes = 4 + 1 + 1;
constexpr size_t min_topic_bytes = 16 + 1 + 1;
constexpr size_t min_partition_data_bytes = 4 + 2 + 1 + 9 + 1;

}  // namespace

void share_acknowledge_request::decode(reader& r, int16_t version) {
  group_id = r.nullable_string();
  member_id = r.nullable_string();
  share_session_epoch = r.int32();
  if (version >= 2) is_renew_ack = r.boolean();
  r.array(topics, min_topic_bytes, [&](acknowledge_topic& t) {
    t.topic_id = r.uuid_value();
    r.array(t.partitions, min_partition_bytes, [&](acknowledge_partition& p) {
      p.partition_index = r.int32();
      r.array(p.acknowledgement_batches, min_acknowledgement_batch_bytes,
              [&](acknowledgement_batch& b) { read_acknowledgement_batch(r, b); });
      r.skip_tagged_fields();
    });
    r.skip_tagged_fields();
  });
  r.skip_tagged_fields();
}

void share_acknowledge_request::encode(writer& w, int16_t version) const {
  w.nullable_string(group_id);
  w.nullable_string(member_id);
  w.int32(share_session_epoch);
  if (version >= 2) w.boolean(is_renew_ack);
  w.array(topics, [&](const acknowledge_topic& t) {
    w.uuid_value(t.topic_id);
    w.array(t.partitions, [&](const acknowledge_partition& p) {
      w.int32(p.partition_index);
      w.array(p.acknowledgement_batches,
              [&](const acknowledgement_batch& b) { write_acknowledgement_batch(w, b); });
      w.empty_tagged_fields();
    });
    w.empty_tagged_fields();
  });
  w.empty_tagged_fields();
}

void share_acknowledge_response::decode(reader& r, int16_t version) {
  throttle_time_ms = r.int32();
  error_code = static_cast<protocol::error_code>(r.int16());
  error_message = r.nullable_string();
  if (version >= 2) acquisition_lock_timeout_ms = r.int32();
  r.array(responses, min_topic_bytes, [&](topic_response& t) {
    t.topic_id = r.uuid_value();
    r.array(t.partitions, min_partition_data_bytes, [&](partition_data& p) {
      p.partition_index = r.int32();
      p.error_code = static_cast<protocol::error_code>(r.int16());
      p.error_message = r.nullable_string();
      read_leader(r, p.current_leader);
      r.skip_tagged_fields();
    });
    r.skip_tagged_fields();
  });
  r.array(node_endpoints, min_node_endpoint_bytes,
          [&](share_node_endpoint& n) { read_node_endpoint(r, n); });
  r.skip_tagged_fields();
}

void share_acknowledge_response::encode(writer& w, int16_t version) const {
  w.int32(throttle_time_ms);
  w.int16(to_int(error_code));
  w.nullable_string(error_message);
  if (version >= 2) w.int32(acquisition_lock_timeout_ms);
  w.array(responses, [&](const topic_response& t) {
    w.uuid_value(t.topic_id);
    w.array(t.partitions, [&](const partition_data& p) {
      w.int32(p.partition_index);
      w.int16(to_int(p.error_code));
      w.nullable_string(p.error_message);
      write_leader(w, p.current_leader);
      w.empty_tagged_fields();
    });
    w.empty_tagged_fields();
  });
  w.array(node_endpoints, [&](const share_node_endpoint& n) { write_node_endpoint(w, n); });
  w.empty_tagged_fields();
}

}  // namespace sluice::protocol
