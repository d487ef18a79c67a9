#include "protocol/messages/txn_offset_commit.h"

#include "protocol/element_size.h"

namespace sluice::protocol {
namespace {

// Smallest encodings {compact, classic}, used to bound array counts.
constexpr element_size min_topic_bytes{2, 6};  // name, partitions
// index, offset, metadata (null); the v2+ leader epoch is not counted.
constexpr element_size min_partition_bytes{13, 14};
constexpr element_size min_partition_result_bytes{6, 6};  // index, error code

}  // namespace

void txn_offset_commit_request::decode(reader& r, int16_t version) {
  transactional_id = r.string();
  group_id = r.string();
  producer_id = r.int64();
  producer_epoch = r.int16();
  if (version >= 3) {
    generation_id = r.int32();
    member_id = r.string();
    group_instance_id = r.nullable_string();
  }
  r.array(topics, min_topic_bytes.in(r), [&](txn_offset_commit_request_topic& t) {
    t.name = r.string();
    r.array(t.partitions, min_partition_bytes.in(r), [&](txn_offset_commit_request_partition& p) {
      p.partition_index = r.int32();
      p.committed_offset = r.int64();
      if (version >= 2) p.committed_leader_epoch = r.int32();
      p.committed_metadata = r.nullable_string();
      r.skip_tagged_fields();
    });
    r.skip_tagged_fields();
  });
  r.skip_tagged_fields();
}

void txn_offset_commit_request::encode(writer& w, int16_t version) const {
  w.string(transactional_id);
  w.string(group_id);
  w.int64(producer_id);
  w.int16(producer_epoch);
  if (version >= 3) {
    w.int32(generation_id);
    w.string(member_id);
    w.nullable_string(group_instance_id);
  }
  w.array(topics, [&](const txn_offset_commit_request_topic& t) {
    w.string(t.name);
    w.array(t.partitions, [&](const txn_offset_commit_request_partition& p) {
      w.int32(p.partition_index);
      w.int64(p.committed_offset);
      if (version >= 2) w.int32(p.committed_leader_epoch);
      w.nullable_string(p.committed_metadata);
      w.empty_tagged_fields();
    });
    w.empty_tagged_fields();
  });
  w.empty_tagged_fields();
}

void txn_offset_commit_response::decode(reader& r, int16_t /*version*/) {
  throttle_time_ms = r.int32();
  r.array(topics, min_topic_bytes.in(r), [&](txn_offset_commit_response_topic& t) {
    t.name = r.string();
    r.array(t.partitions, min_partition_result_bytes.in(r),
            [&](txn_offset_commit_response_partition& p) {
              p.partition_index = r.int32();
              p.error_code = static_cast<protocol::error_code>(r.int16());
              r.skip_tagged_fields();
            });
    r.skip_tagged_fields();
  });
  r.skip_tagged_fields();
}

void txn_offset_commit_response::encode(writer& w, int16_t /*version*/) const {
  w.int32(throttle_time_ms);
  w.array(topics, [&](const txn_offset_commit_response_topic& t) {
    w.string(t.name);
    w.array(t.partitions, [&](const txn_offset_commit_response_partition& p) {
      w.int32(p.partition_index);
      w.int16(to_int(p.error_code));
      w.empty_tagged_fields();
    });
    w.empty_tagged_fields();
  });
  w.empty_tagged_fields();
}

}  // namespace sluice::protocol
