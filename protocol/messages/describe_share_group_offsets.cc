#include "protocol/messages/describe_share_group_offsets.h"

#include "protocol/messages/share_common.h"

namespace sluice::protocol {
namespace {

using response = describe_share_group_offsets_response;

constexpr size_t min_request_topic_bytes = 1 + 1 + 1;
constexpr size_t min_request_group_bytes = 1 + 1 + 1;
constexpr size_t min_partition_bytes = 4 + 8 + 4 + 2 + 1 + 1;
constexpr size_t min_topic_bytes = 1 + 16 + 1 + 1;
constexpr size_t min_group_bytes = 1 + 1 + 2 + 1 + 1;

}  // namespace

void describe_share_group_offsets_request::decode(reader& r, int16_t) {
  r.array(groups, min_request_group_bytes, [&](request_group& g) {
    g.group_id = r.string();
    r.nullable_array(g.topics, min_request_topic_bytes, [&](request_topic& t) {
      t.topic_name = r.string();
      read_int32s(r, t.partitions);
      r.skip_tagged_fields();
    });
    r.skip_tagged_fields();
  });
  r.skip_tagged_fields();
}

void describe_share_group_offsets_request::encode(writer& w, int16_t) const {
  w.array(groups, [&](const request_group& g) {
    w.string(g.group_id);
    w.nullable_array(g.topics, [&](const request_topic& t) {
      w.string(t.topic_name);
      write_int32s(w, t.partitions);
      w.empty_tagged_fields();
    });
    w.empty_tagged_fields();
  });
  w.empty_tagged_fields();
}

void describe_share_group_offsets_response::decode(reader& r, int16_t version) {
  throttle_time_ms = r.int32();
  r.array(groups, min_group_bytes, [&](response::response_group& g) {
    g.group_id = r.string();
    r.array(g.topics, min_topic_bytes, [&](response::response_topic& t) {
      t.topic_name = r.string();
      t.topic_id = r.uuid_value();
      r.array(t.partitions, min_partition_bytes, [&](response::response_partition& p) {
        p.partition_index = r.int32();
        p.start_offset = r.int64();
        p.leader_epoch = r.int32();
        if (version >= 1) p.lag = r.int64();
        p.error_code = static_cast<protocol::error_code>(r.int16());
        p.error_message = r.nullable_string();
        r.tagged_fields([&](uint32_t tag, reader& field) {
          if (tag == sluice_end_offset_tag) {
            p.end_offset = field.int64();
            return true;
          }
          if (tag == sluice_acquired_records_tag) {
            p.acquired_records = field.int32();
            return true;
          }
          return false;
        });
      });
      r.skip_tagged_fields();
    });
    g.error_code = static_cast<protocol::error_code>(r.int16());
    g.error_message = r.nullable_string();
    r.skip_tagged_fields();
  });
  r.skip_tagged_fields();
}

void describe_share_group_offsets_response::encode(writer& w, int16_t version) const {
  w.int32(throttle_time_ms);
  w.array(groups, [&](const response::response_group& g) {
    w.string(g.group_id);
    w.array(g.topics, [&](const response::response_topic& t) {
      w.string(t.topic_name);
      w.uuid_value(t.topic_id);
      w.array(t.partitions, [&](const response::response_partition& p) {
        w.int32(p.partition_index);
        w.int64(p.start_offset);
        w.int32(p.leader_epoch);
        if (version >= 1) w.int64(p.lag);
        w.int16(to_int(p.error_code));
        w.nullable_string(p.error_message);
        w.tagged_field_count(static_cast<uint32_t>(p.end_offset.has_value()) +
                             static_cast<uint32_t>(p.acquired_records.has_value()));
        if (p.end_offset) {
          w.tagged_field(sluice_end_offset_tag, [&](writer& f) { f.int64(*p.end_offset); });
        }
        if (p.acquired_records) {
          w.tagged_field(sluice_acquired_records_tag,
                         [&](writer& f) { f.int32(*p.acquired_records); });
        }
      });
      w.empty_tagged_fields();
    });
    w.int16(to_int(g.error_code));
    w.nullable_string(g.error_message);
    w.empty_tagged_fields();
  });
  w.empty_tagged_fields();
}

}  // namespace sluice::protocol
