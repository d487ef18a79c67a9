#include "protocol/messages/share_fetch.h"

namespace sluice::protocol {
namespace {

using request = share_fetch_request;
using response = share_fetch_response;

constexpr size_t min_fetch_partition_bytes = 4 + 1 + 1;
constexpr size_t min_topic_bytes = 16 + 1 + 1;
constexpr size_t min_partition_data_bytes = 4 + 2 + 1 + 2 + 1 + 9 + 1 + 1 + 1;
constexpr size_t min_acquired_bytes = 8 + 8 + 2 + 1;

}  // namespace

void share_fetch_request::decode(reader& r, int16_t version) {
  group_id = r.nullable_string();
  member_id = r.nullable_string();
  share_session_epoch = r.int32();
  max_wait_ms = r.int32();
  min_bytes = r.int32();
  max_bytes = r.int32();
  max_records = r.int32();
  batch_size = r.int32();
  if (version >= 2) {
    share_acquire_mode = r.int8();
    is_renew_ack = r.boolean();
  }
  r.array(topics, min_topic_bytes, [&](fetch_topic& t) {
    t.topic_id = r.uuid_value();
    r.array(t.partitions, min_fetch_partition_bytes, [&](fetch_partition& p) {
      p.partition_index = r.int32();
      r.array(p.acknowledgement_batches, min_acknowledgement_batch_bytes,
              [&](acknowledgement_batch& b) { read_acknowledgement_batch(r, b); });
      r.skip_tagged_fields();
    });
    r.skip_tagged_fields();
  });
  r.array(forgotten_topics_data, min_topic_bytes, [&](forgotten_topic& t) {
    t.topic_id = r.uuid_value();
    read_int32s(r, t.partitions);
    r.skip_tagged_fields();
  });
  r.skip_tagged_fields();
}

void share_fetch_request::encode(writer& w, int16_t version) const {
  w.nullable_string(group_id);
  w.nullable_string(member_id);
  w.int32(share_session_epoch);
  w.int32(max_wait_ms);
  w.int32(min_bytes);
  w.int32(max_bytes);
  w.int32(max_records);
  w.int32(batch_size);
  if (version >= 2) {
    w.int8(share_acquire_mode);
    w.boolean(is_renew_ack);
  }
  w.array(topics, [&](const fetch_topic& t) {
    w.uuid_value(t.topic_id);
    w.array(t.partitions, [&](const fetch_partition& p) {
      w.int32(p.partition_index);
      w.array(p.acknowledgement_batches,
              [&](const acknowledgement_batch& b) { write_acknowledgement_batch(w, b); });
      w.empty_tagged_fields();
    });
    w.empty_tagged_fields();
  });
  w.array(forgotten_topics_data, [&](const forgotten_topic& t) {
    w.uuid_value(t.topic_id);
    write_int32s(w, t.partitions);
    w.empty_tagged_fields();
  });
  w.empty_tagged_fields();
}

void share_fetch_response::decode(reader& r, int16_t) {
  throttle_time_ms = r.int32();
  error_code = static_cast<protocol::error_code>(r.int16());
  error_message = r.nullable_string();
  acquisition_lock_timeout_ms = r.int32();
  r.array(responses, min_topic_bytes, [&](topic_response& t) {
    t.topic_id = r.uuid_value();
    r.array(t.partitions, min_partition_data_bytes, [&](partition_data& p) {
      p.partition_index = r.int32();
      p.error_code = static_cast<protocol::error_code>(r.int16());
      p.error_message = r.nullable_string();
      p.acknowledge_error_code = static_cast<protocol::error_code>(r.int16());
      p.acknowledge_error_message = r.nullable_string();
      read_leader(r, p.current_leader);
      p.records = r.records();
      r.array(p.acquired, min_acquired_bytes, [&](acquired_records& a) {
        a.first_offset = r.int64();
        a.last_offset = r.int64();
        a.delivery_count = r.int16();
        r.skip_tagged_fields();
      });
      r.skip_tagged_fields();
    });
    r.skip_tagged_fields();
  });
  r.array(node_endpoints, min_node_endpoint_bytes,
          [&](share_node_endpoint& n) { read_node_endpoint(r, n); });
  r.skip_tagged_fields();
}

void share_fetch_response::encode(writer& w, int16_t) const {
  w.int32(throttle_time_ms);
  w.int16(to_int(error_code));
  w.nullable_string(error_message);
  w.int32(acquisition_lock_timeout_ms);
  w.array(responses, [&](const topic_response& t) {
    w.uuid_value(t.topic_id);
    w.array(t.partitions, [&](const partition_data& p) {
      w.int32(p.partition_index);
      w.int16(to_int(p.error_code));
      w.nullable_string(p.error_message);
      w.int16(to_int(p.acknowledge_error_code));
      w.nullable_string(p.acknowledge_error_message);
      write_leader(w, p.current_leader);
      // Copied, so the broker's read buffer need not outlive the frame; an
      // external slice is still spliced. Same bytes on the wire either way.
      if (p.records.is_external()) {
        w.records(p.records);
      } else if (p.records.is_null()) {
        w.nullable_bytes(std::nullopt);
      } else {
        w.nullable_bytes(p.records.bytes());
      }
      w.array(p.acquired, [&](const acquired_records& a) {
        w.int64(a.first_offset);
        w.int64(a.last_offset);
        w.int16(a.delivery_count);
        w.empty_tagged_fields();
      });
      w.empty_tagged_fields();
    });
    w.empty_tagged_fields();
  });
  w.array(node_endpoints, [&](const share_node_endpoint& n) { write_node_endpoint(w, n); });
  w.empty_tagged_fields();
}

}  // namespace sluice::protocol
