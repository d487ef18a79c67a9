#include "protocol/messages/consumer_group_heartbeat.h"

#include "protocol/messages/share_common.h"

namespace sluice::protocol {
namespace {

constexpr size_t min_topic_partitions_bytes = 16 + 1 + 1;  // uuid, empty array, no tags

void read_topic_partitions(reader& r, consumer_group_topic_partitions& tp) {
  tp.topic_id = r.uuid_value();
  read_int32s(r, tp.partitions);
  r.skip_tagged_fields();
}

void write_topic_partitions(writer& w, const consumer_group_topic_partitions& tp) {
  w.uuid_value(tp.topic_id);
  write_int32s(w, tp.partitions);
  w.empty_tagged_fields();
}

}  // namespace

void consumer_group_heartbeat_request::decode(reader& r, int16_t version) {
  group_id = r.string();
  member_id = r.string();
  member_epoch = r.int32();
  instance_id = r.nullable_string();
  rack_id = r.nullable_string();
  rebalance_timeout_ms = r.int32();
  r.nullable_array(subscribed_topic_names, 1, [&](std::string& t) { t = r.string(); });
  subscribed_topic_regex.reset();
  if (version >= 1) subscribed_topic_regex = r.nullable_string();
  server_assignor = r.nullable_string();
  r.nullable_array(topic_partitions, min_topic_partitions_bytes,
                   [&](consumer_group_topic_partitions& tp) { read_topic_partitions(r, tp); });
  r.skip_tagged_fields();
}

void consumer_group_heartbeat_request::encode(writer& w, int16_t version) const {
  w.string(group_id);
  w.string(member_id);
  w.int32(member_epoch);
  w.nullable_string(instance_id);
  w.nullable_string(rack_id);
  w.int32(rebalance_timeout_ms);
  w.nullable_array(subscribed_topic_names, [&](const std::string& t) { w.string(t); });
  if (version >= 1) w.nullable_string(subscribed_topic_regex);
  w.nullable_string(server_assignor);
  w.nullable_array(topic_partitions, [&](const consumer_group_topic_partitions& tp) {
    write_topic_partitions(w, tp);
  });
  w.empty_tagged_fields();
}

void consumer_group_heartbeat_response::decode(reader& r, int16_t) {
  throttle_time_ms = r.int32();
  error_code = static_cast<protocol::error_code>(r.int16());
  error_message = r.nullable_string();
  member_id = r.nullable_string();
  member_epoch = r.int32();
  heartbeat_interval_ms = r.int32();
  // A nullable struct: int8 -1 for null, 1 for present (KIP-482).
  if (r.int8() < 0) {
    assignment.reset();
  } else {
    auto& a = assignment.emplace();
    r.array(a.topic_partitions, min_topic_partitions_bytes,
            [&](consumer_group_topic_partitions& tp) { read_topic_partitions(r, tp); });
    r.skip_tagged_fields();
  }
  r.skip_tagged_fields();
}

void consumer_group_heartbeat_response::encode(writer& w, int16_t) const {
  w.int32(throttle_time_ms);
  w.int16(to_int(error_code));
  w.nullable_string(error_message);
  w.nullable_string(member_id);
  w.int32(member_epoch);
  w.int32(heartbeat_interval_ms);
  if (!assignment) {
    w.int8(-1);
  } else {
    w.int8(1);
    w.array(assignment->topic_partitions,
            [&](const consumer_group_topic_partitions& tp) { write_topic_partitions(w, tp); });
    w.empty_tagged_fields();
  }
  w.empty_tagged_fields();
}

}  // namespace sluice::protocol
