#include "protocol/messages/offset_for_leader_epoch.h"

#include "protocol/element_size.h"

namespace sluice::protocol {
namespace {

// Smallest encodings, used to bound array counts before reserving.
constexpr element_size topic_bytes{2, 6};  // topic string, partition array
// partition, leader_epoch (v0's layout; later versions are longer).
constexpr size_t partition_bytes = 8;
// error_code, partition, end_offset (v0's layout).
constexpr size_t epoch_end_offset_bytes = 14;

}  // namespace

void offset_for_leader_epoch_request::decode(reader& r, int16_t version) {
  if (version >= 3) replica_id = r.int32();
  r.array(topics, topic_bytes.in(r), [&](offset_for_leader_topic& t) {
    t.topic = r.string();
    r.array(t.partitions, partition_bytes, [&](offset_for_leader_partition& p) {
      p.partition = r.int32();
      if (version >= 2) p.current_leader_epoch = r.int32();
      p.leader_epoch = r.int32();
      r.skip_tagged_fields();
    });
    r.skip_tagged_fields();
  });
  r.skip_tagged_fields();
}

void offset_for_leader_epoch_request::encode(writer& w, int16_t version) const {
  if (version >= 3) w.int32(replica_id);
  w.array(topics, [&](const offset_for_leader_topic& t) {
    w.string(t.topic);
    w.array(t.partitions, [&](const offset_for_leader_partition& p) {
      w.int32(p.partition);
      if (version >= 2) w.int32(p.current_leader_epoch);
      w.int32(p.leader_epoch);
      w.empty_tagged_fields();
    });
    w.empty_tagged_fields();
  });
  w.empty_tagged_fields();
}

void offset_for_leader_epoch_response::decode(reader& r, int16_t version) {
  if (version >= 2) throttle_time_ms = r.int32();
  r.array(topics, topic_bytes.in(r), [&](offset_for_leader_topic_result& t) {
    t.topic = r.string();
    r.array(t.partitions, epoch_end_offset_bytes, [&](epoch_end_offset& p) {
      p.error_code = static_cast<protocol::error_code>(r.int16());
      p.partition = r.int32();
      if (version >= 1) p.leader_epoch = r.int32();
      p.end_offset = r.int64();
      r.skip_tagged_fields();
    });
    r.skip_tagged_fields();
  });
  r.skip_tagged_fields();
}

void offset_for_leader_epoch_response::encode(writer& w, int16_t version) const {
  if (version >= 2) w.int32(throttle_time_ms);
  w.array(topics, [&](const offset_for_leader_topic_result& t) {
    w.string(t.topic);
    w.array(t.partitions, [&](const epoch_end_offset& p) {
      w.int16(to_int(p.error_code));
      w.int32(p.partition);
      if (version >= 1) w.int32(p.leader_epoch);
      w.int64(p.end_offset);
      w.empty_tagged_fields();
    });
    w.empty_tagged_fields();
  });
  w.empty_tagged_fields();
}

}  // namespace sluice::protocol
