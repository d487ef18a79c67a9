#include "protocol/messages/produce.h"

namespace sluice::protocol {
namespace {

// Smallest encodings (compact forms, no tags), used to bound array counts.
constexpr size_t min_topic_bytes = 2;                // name, partition array
constexpr size_t min_partition_bytes = 5;            // index, records
constexpr size_t min_partition_response_bytes = 14;  // index, error_code, base_offset
constexpr size_t min_record_error_bytes = 5;         // batch_index, message

}  // namespace

void produce_request::decode(reader& r, int16_t version) {
  if (version >= 3) transactional_id = r.nullable_string();
  acks = r.int16();
  timeout_ms = r.int32();
  r.array(topic_data, min_topic_bytes, [&](topic_produce_data& t) {
    t.name = r.string();
    r.array(t.partition_data, min_partition_bytes, [&](partition_produce_data& p) {
      p.index = r.int32();
      p.records = r.records();
      r.skip_tagged_fields();
    });
    r.skip_tagged_fields();
  });
  r.skip_tagged_fields();
}

void produce_request::encode(writer& w, int16_t version) const {
  if (version >= 3) w.nullable_string(transactional_id);
  w.int16(acks);
  w.int32(timeout_ms);
  w.array(topic_data, [&](const topic_produce_data& t) {
    w.string(t.name);
    w.array(t.partition_data, [&](const partition_produce_data& p) {
      w.int32(p.index);
      w.records(p.records);
      w.empty_tagged_fields();
    });
    w.empty_tagged_fields();
  });
  w.empty_tagged_fields();
}

void produce_response::decode(reader& r, int16_t version) {
  r.array(responses, min_topic_bytes, [&](topic_produce_response& t) {
    t.name = r.string();
    r.array(
        t.partition_responses, min_partition_response_bytes, [&](partition_produce_response& p) {
          p.index = r.int32();
          p.error_code = static_cast<protocol::error_code>(r.int16());
          p.base_offset = r.int64();
          if (version >= 2) p.log_append_time_ms = r.int64();
          if (version >= 5) p.log_start_offset = r.int64();
          if (version >= 8) {
            r.array(p.record_errors, min_record_error_bytes, [&](batch_index_and_error_message& e) {
              e.batch_index = r.int32();
              e.batch_index_error_message = r.nullable_string();
              r.skip_tagged_fields();
            });
            p.error_message = r.nullable_string();
          }
          r.tagged_fields([&](uint32_t tag, reader& f) {
            if (version < 10 || tag != 0) return false;
            read_leader(f, p.current_leader);
            return true;
          });
        });
    r.skip_tagged_fields();
  });
  if (version >= 1) throttle_time_ms = r.int32();
  r.tagged_fields([&](uint32_t tag, reader& f) {
    if (version < 10 || tag != 0) return false;
    f.array(node_endpoints, min_node_endpoint_bytes,
            [&](share_node_endpoint& n) { read_node_endpoint(f, n); });
    return true;
  });
}

void produce_response::encode(writer& w, int16_t version) const {
  const bool tags = version >= 10;
  w.array(responses, [&](const topic_produce_response& t) {
    w.string(t.name);
    w.array(t.partition_responses, [&](const partition_produce_response& p) {
      w.int32(p.index);
      w.int16(to_int(p.error_code));
      w.int64(p.base_offset);
      if (version >= 2) w.int64(p.log_append_time_ms);
      if (version >= 5) w.int64(p.log_start_offset);
      if (version >= 8) {
        w.array(p.record_errors, [&](const batch_index_and_error_message& e) {
          w.int32(e.batch_index);
          w.nullable_string(e.batch_index_error_message);
          w.empty_tagged_fields();
        });
        w.nullable_string(p.error_message);
      }
      // Written only when it says something (Kafka: on NOT_LEADER_OR_FOLLOWER).
      const bool has_leader = tags && p.current_leader != leader_id_and_epoch{};
      w.tagged_field_count(has_leader ? 1 : 0);
      if (has_leader) w.tagged_field(0, [&](writer& f) { write_leader(f, p.current_leader); });
    });
    w.empty_tagged_fields();
  });
  if (version >= 1) w.int32(throttle_time_ms);
  const bool has_endpoints = tags && !node_endpoints.empty();
  w.tagged_field_count(has_endpoints ? 1 : 0);
  if (has_endpoints) {
    w.tagged_field(0, [&](writer& f) {
      f.array(node_endpoints, [&](const share_node_endpoint& n) { write_node_endpoint(f, n); });
    });
  }
}

}  // namespace sluice::protocol
