#include "protocol/messages/offset_commit.h"

#include "protocol/element_size.h"

namespace sluice::protocol {
namespace {

// Smallest encodings {compact, classic}, used to bound array counts.
constexpr element_size min_topic_bytes{2, 6};             // name, partition array
constexpr element_size min_partition_bytes{13, 14};       // index, offset, metadata
constexpr element_size min_partition_result_bytes{6, 6};  // index, error_code

}  // namespace

void offset_commit_request::decode(reader& r, int16_t version) {
  group_id = r.string();
  if (version >= 1) {
    generation_id = r.int32();
    member_id = r.string();
  }
  if (version >= 7) group_instance_id = r.nullable_string();
  if (version >= 2 && version <= 4) retention_time_ms = r.int64();
  r.array(topics, min_topic_bytes.in(r), [&](offset_commit_request_topic& t) {
    t.name = r.string();
    r.array(t.partitions, min_partition_bytes.in(r), [&](offset_commit_request_partition& p) {
      p.partition_index = r.int32();
      p.committed_offset = r.int64();
      if (version >= 6) p.committed_leader_epoch = r.int32();
      if (version == 1) p.commit_timestamp = r.int64();
      p.committed_metadata = r.nullable_string();
      r.skip_tagged_fields();
    });
    r.skip_tagged_fields();
  });
  r.skip_tagged_fields();
}

void offset_commit_request::encode(writer& w, int16_t version) const {
  w.string(group_id);
  if (version >= 1) {
    w.int32(generation_id);
    w.string(member_id);
  }
  if (version >= 7) w.nullable_string(group_instance_id);
  if (version >= 2 && version <= 4) w.int64(retention_time_ms);
  w.array(topics, [&](const offset_commit_request_topic& t) {
    w.string(t.name);
    w.array(t.partitions, [&](const offset_commit_request_partition& p) {
      w.int32(p.partition_index);
      w.int64(p.committed_offset);
      if (version >= 6) w.int32(p.committed_leader_epoch);
      if (version == 1) w.int64(p.commit_timestamp);
      w.nullable_string(p.committed_metadata);
      w.empty_tagged_fields();
    });
    w.empty_tagged_fields();
  });
  w.empty_tagged_fields();
}

void offset_commit_response::decode(reader& r, int16_t version) {
  if (version >= 3) throttle_time_ms = r.int32();
  r.array(topics, min_topic_bytes.in(r), [&](offset_commit_response_topic& t) {
    t.name = r.string();
    r.array(t.partitions, min_partition_result_bytes.in(r),
            [&](offset_commit_response_partition& p) {
              p.partition_index = r.int32();
              p.error_code = static_cast<protocol::error_code>(r.int16());
              r.skip_tagged_fields();
            });
    r.skip_tagged_fields();
  });
  r.skip_tagged_fields();
}

void offset_commit_response::encode(writer& w, int16_t version) const {
  if (version >= 3) w.int32(throttle_time_ms);
  w.array(topics, [&](const offset_commit_response_topic& t) {
    w.string(t.name);
    w.array(t.partitions, [&](const offset_commit_response_partition& p) {
      w.int32(p.partition_index);
      w.int16(to_int(p.error_code));
      w.empty_tagged_fields();
    });
    w.empty_tagged_fields();
  });
  w.empty_tagged_fields();
}

}  // namespace sluice::protocol
