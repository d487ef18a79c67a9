#include "protocol/messages/offset_fetch.h"

#include "protocol/element_size.h"

namespace sluice::protocol {
namespace {

// Smallest encodings {compact, classic}, used to bound array counts.
constexpr element_size min_topic_bytes{2, 6};        // name, partition array
constexpr element_size min_partition_bytes{15, 16};  // index, offset, metadata, error_code

}  // namespace

void offset_fetch_request::decode(reader& r, int16_t version) {
  group_id = r.string();
  auto read_topic = [&](offset_fetch_request_topic& t) {
    t.name = r.string();
    r.array(t.partition_indexes, 4, [&](int32_t& p) { p = r.int32(); });
    r.skip_tagged_fields();
  };
  if (version >= 2) {
    r.nullable_array(topics, min_topic_bytes.in(r), read_topic);
  } else {
    r.array(topics.emplace(), min_topic_bytes.in(r), read_topic);
  }
  r.skip_tagged_fields();
}

void offset_fetch_request::encode(writer& w, int16_t version) const {
  w.string(group_id);
  if (version < 2 && !topics) w.fail(codec_errc::unexpected_null);
  w.nullable_array(topics, [&](const offset_fetch_request_topic& t) {
    w.string(t.name);
    w.array(t.partition_indexes, [&](int32_t p) { w.int32(p); });
    w.empty_tagged_fields();
  });
  w.empty_tagged_fields();
}

void offset_fetch_response::decode(reader& r, int16_t version) {
  if (version >= 3) throttle_time_ms = r.int32();
  r.array(topics, min_topic_bytes.in(r), [&](offset_fetch_response_topic& t) {
    t.name = r.string();
    r.array(t.partitions, min_partition_bytes.in(r), [&](offset_fetch_response_partition& p) {
      p.partition_index = r.int32();
      p.committed_offset = r.int64();
      if (version >= 5) p.committed_leader_epoch = r.int32();
      p.metadata = r.nullable_string();
      p.error_code = static_cast<protocol::error_code>(r.int16());
      r.skip_tagged_fields();
    });
    r.skip_tagged_fields();
  });
  if (version >= 2) error_code = static_cast<protocol::error_code>(r.int16());
  r.skip_tagged_fields();
}

void offset_fetch_response::encode(writer& w, int16_t version) const {
  if (version >= 3) w.int32(throttle_time_ms);
  w.array(topics, [&](const offset_fetch_response_topic& t) {
    w.string(t.name);
    w.array(t.partitions, [&](const offset_fetch_response_partition& p) {
      w.int32(p.partition_index);
      w.int64(p.committed_offset);
      if (version >= 5) w.int32(p.committed_leader_epoch);
      w.nullable_string(p.metadata);
      w.int16(to_int(p.error_code));
      w.empty_tagged_fields();
    });
    w.empty_tagged_fields();
  });
  if (version >= 2) w.int16(to_int(error_code));
  w.empty_tagged_fields();
}

}  // namespace sluice::protocol
