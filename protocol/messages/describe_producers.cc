#include "protocol/messages/describe_producers.h"

#include "protocol/element_size.h"

namespace sluice::protocol {
namespace {

// Smallest encodings {compact, classic}, used to bound array counts.
constexpr element_size min_topic_bytes{2, 6};       // name, partitions
constexpr element_size min_partition_bytes{8, 12};  // index, error, message (null), producers
constexpr element_size min_producer_bytes{36, 36};  // pid, epoch, seq, timestamp, coord, start

}  // namespace

void describe_producers_request::decode(reader& r, int16_t /*version*/) {
  r.array(topics, min_topic_bytes.in(r), [&](topic_request& t) {
    t.name = r.string();
    r.array(t.partition_indexes, 4, [&](int32_t& p) { p = r.int32(); });
    r.skip_tagged_fields();
  });
  r.skip_tagged_fields();
}

void describe_producers_request::encode(writer& w, int16_t /*version*/) const {
  w.array(topics, [&](const topic_request& t) {
    w.string(t.name);
    w.array(t.partition_indexes, [&](int32_t p) { w.int32(p); });
    w.empty_tagged_fields();
  });
  w.empty_tagged_fields();
}

void describe_producers_response::decode(reader& r, int16_t /*version*/) {
  throttle_time_ms = r.int32();
  r.array(topics, min_topic_bytes.in(r), [&](topic_response& t) {
    t.name = r.string();
    r.array(t.partitions, min_partition_bytes.in(r), [&](partition_response& p) {
      p.partition_index = r.int32();
      p.error_code = static_cast<protocol::error_code>(r.int16());
      p.error_message = r.nullable_string();
      r.array(p.active_producers, min_producer_bytes.in(r), [&](producer_state& s) {
        s.producer_id = r.int64();
        s.producer_epoch = r.int32();
        s.last_sequence = r.int32();
        s.last_timestamp = r.int64();
        s.coordinator_epoch = r.int32();
        s.current_txn_start_offset = r.int64();
        r.skip_tagged_fields();
      });
      r.skip_tagged_fields();
    });
    r.skip_tagged_fields();
  });
  r.skip_tagged_fields();
}

void describe_producers_response::encode(writer& w, int16_t /*version*/) const {
  w.int32(throttle_time_ms);
  w.array(topics, [&](const topic_response& t) {
    w.string(t.name);
    w.array(t.partitions, [&](const partition_response& p) {
      w.int32(p.partition_index);
      w.int16(to_int(p.error_code));
      w.nullable_string(p.error_message);
      w.array(p.active_producers, [&](const producer_state& s) {
        w.int64(s.producer_id);
        w.int32(s.producer_epoch);
        w.int32(s.last_sequence);
        w.int64(s.last_timestamp);
        w.int32(s.coordinator_epoch);
        w.int64(s.current_txn_start_offset);
        w.empty_tagged_fields();
      });
      w.empty_tagged_fields();
    });
    w.empty_tagged_fields();
  });
  w.empty_tagged_fields();
}

}  // namespace sluice::protocol
