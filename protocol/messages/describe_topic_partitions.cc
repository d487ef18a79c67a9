#include "protocol/messages/describe_topic_partitions.h"

namespace sluice::protocol {
namespace {

// Smallest compact encodings (the API has no classic versions), used to
// bound array counts before reserving.
constexpr size_t topic_request_bytes = 2;  // name, tags
// error_code, name, topic_id, is_internal, partitions, operations, tags.
constexpr size_t topic_bytes = 2 + 1 + 16 + 1 + 1 + 4 + 1;
// error_code, index, leader, epoch, four arrays, two nullable arrays, tags.
constexpr size_t partition_bytes = 2 + 4 + 4 + 4 + 5 + 1;

void read_int32s(reader& r, std::vector<int32_t>& out) {
  r.array(out, 4, [&](int32_t& v) { v = r.int32(); });
}
void write_int32s(writer& w, const std::vector<int32_t>& v) {
  w.array(v, [&](int32_t x) { w.int32(x); });
}

void read_cursor(reader& r, std::optional<describe_topic_partitions_cursor>& out) {
  if (r.int8() < 0) {
    out.reset();
    return;
  }
  auto& c = out.emplace();
  c.topic_name = r.string();
  c.partition_index = r.int32();
  r.skip_tagged_fields();
}
void write_cursor(writer& w, const std::optional<describe_topic_partitions_cursor>& c) {
  if (!c) return w.int8(-1);
  w.int8(1);
  w.string(c->topic_name);
  w.int32(c->partition_index);
  w.empty_tagged_fields();
}

}  // namespace

void describe_topic_partitions_request::decode(reader& r, int16_t) {
  r.array(topics, topic_request_bytes, [&](topic_request& t) {
    t.name = r.string();
    r.skip_tagged_fields();
  });
  response_partition_limit = r.int32();
  read_cursor(r, cursor);
  r.skip_tagged_fields();
}

void describe_topic_partitions_request::encode(writer& w, int16_t) const {
  w.array(topics, [&](const topic_request& t) {
    w.string(t.name);
    w.empty_tagged_fields();
  });
  w.int32(response_partition_limit);
  write_cursor(w, cursor);
  w.empty_tagged_fields();
}

void describe_topic_partitions_response::decode(reader& r, int16_t) {
  throttle_time_ms = r.int32();
  r.array(topics, topic_bytes, [&](topic& t) {
    t.error_code = static_cast<protocol::error_code>(r.int16());
    t.name = r.nullable_string();
    t.topic_id = r.uuid_value();
    t.is_internal = r.boolean();
    r.array(t.partitions, partition_bytes, [&](partition& p) {
      p.error_code = static_cast<protocol::error_code>(r.int16());
      p.partition_index = r.int32();
      p.leader_id = r.int32();
      p.leader_epoch = r.int32();
      read_int32s(r, p.replica_nodes);
      read_int32s(r, p.isr_nodes);
      r.nullable_array(p.eligible_leader_replicas, 4, [&](int32_t& v) { v = r.int32(); });
      r.nullable_array(p.last_known_elr, 4, [&](int32_t& v) { v = r.int32(); });
      read_int32s(r, p.offline_replicas);
      r.skip_tagged_fields();
    });
    t.topic_authorized_operations = r.int32();
    r.skip_tagged_fields();
  });
  read_cursor(r, next_cursor);
  r.skip_tagged_fields();
}

void describe_topic_partitions_response::encode(writer& w, int16_t) const {
  w.int32(throttle_time_ms);
  w.array(topics, [&](const topic& t) {
    w.int16(to_int(t.error_code));
    w.nullable_string(t.name);
    w.uuid_value(t.topic_id);
    w.boolean(t.is_internal);
    w.array(t.partitions, [&](const partition& p) {
      w.int16(to_int(p.error_code));
      w.int32(p.partition_index);
      w.int32(p.leader_id);
      w.int32(p.leader_epoch);
      write_int32s(w, p.replica_nodes);
      write_int32s(w, p.isr_nodes);
      w.nullable_array(p.eligible_leader_replicas, [&](int32_t x) { w.int32(x); });
      w.nullable_array(p.last_known_elr, [&](int32_t x) { w.int32(x); });
      write_int32s(w, p.offline_replicas);
      w.empty_tagged_fields();
    });
    w.int32(t.topic_authorized_operations);
    w.empty_tagged_fields();
  });
  write_cursor(w, next_cursor);
  w.empty_tagged_fields();
}

}  // namespace sluice::protocol
