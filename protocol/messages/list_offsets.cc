#include "protocol/messages/list_offsets.h"

namespace sluice::protocol {
namespace {

// Smallest encodings (compact forms, no tags), used to bound array counts.
constexpr size_t min_topic_bytes = 2;               // name, partition array
constexpr size_t min_partition_bytes = 12;          // index, timestamp
constexpr size_t min_partition_response_bytes = 6;  // index, error_code

}  // namespace

void list_offsets_request::decode(reader& r, int16_t version) {
  replica_id = r.int32();
  if (version >= 2) isolation_level = r.int8();
  r.array(topics, min_topic_bytes, [&](topic& t) {
    t.name = r.string();
    r.array(t.partitions, min_partition_bytes, [&](partition& p) {
      p.partition_index = r.int32();
      if (version >= 4) p.current_leader_epoch = r.int32();
      p.timestamp = r.int64();
      if (version == 0) p.max_num_offsets = r.int32();
      r.skip_tagged_fields();
    });
    r.skip_tagged_fields();
  });
  if (version >= 10) timeout_ms = r.int32();
  r.skip_tagged_fields();
}

void list_offsets_request::encode(writer& w, int16_t version) const {
  w.int32(replica_id);
  if (version >= 2) w.int8(isolation_level);
  w.array(topics, [&](const topic& t) {
    w.string(t.name);
    w.array(t.partitions, [&](const partition& p) {
      w.int32(p.partition_index);
      if (version >= 4) w.int32(p.current_leader_epoch);
      w.int64(p.timestamp);
      if (version == 0) w.int32(p.max_num_offsets);
      w.empty_tagged_fields();
    });
    w.empty_tagged_fields();
  });
  if (version >= 10) w.int32(timeout_ms);
  w.empty_tagged_fields();
}

void list_offsets_response::decode(reader& r, int16_t version) {
  if (version >= 2) throttle_time_ms = r.int32();
  r.array(topics, min_topic_bytes, [&](topic_response& t) {
    t.name = r.string();
    r.array(t.partitions, min_partition_response_bytes, [&](partition_response& p) {
      p.partition_index = r.int32();
      p.error_code = static_cast<protocol::error_code>(r.int16());
      if (version == 0) {
        r.array(p.old_style_offsets, 8, [&](int64_t& o) { o = r.int64(); });
      }
      if (version >= 1) {
        p.timestamp = r.int64();
        p.offset = r.int64();
      }
      if (version >= 4) p.leader_epoch = r.int32();
      r.skip_tagged_fields();
    });
    r.skip_tagged_fields();
  });
  r.skip_tagged_fields();
}

void list_offsets_response::encode(writer& w, int16_t version) const {
  if (version >= 2) w.int32(throttle_time_ms);
  w.array(topics, [&](const topic_response& t) {
    w.string(t.name);
    w.array(t.partitions, [&](const partition_response& p) {
      w.int32(p.partition_index);
      w.int16(to_int(p.error_code));
      if (version == 0) w.array(p.old_style_offsets, [&](int64_t o) { w.int64(o); });
      if (version >= 1) {
        w.int64(p.timestamp);
        w.int64(p.offset);
      }
      if (version >= 4) w.int32(p.leader_epoch);
      w.empty_tagged_fields();
    });
    w.empty_tagged_fields();
  });
  w.empty_tagged_fields();
}

}  // namespace sluice::protocol
