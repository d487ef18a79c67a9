#include "protocol/messages/metadata.h"

namespace sluice::protocol {
namespace {

// Smallest encodings (compact forms, no tags), used to bound array counts.
constexpr size_t min_topic_name_bytes = 1;
constexpr size_t min_request_topic_v10_bytes = 17;  // topic_id, name
constexpr size_t min_broker_bytes = 9;              // node_id, host, port
constexpr size_t min_topic_bytes = 4;               // error_code, name, partitions
constexpr size_t min_topic_v10_bytes = 20;          // + topic_id
constexpr size_t min_partition_bytes = 12;          // error_code, index, leader, two arrays

void read_int32s(reader& r, std::vector<int32_t>& out) {
  r.array(out, 4, [&](int32_t& v) { v = r.int32(); });
}

void write_int32s(writer& w, const std::vector<int32_t>& v) {
  w.array(v, [&](int32_t x) { w.int32(x); });
}

// A topic name, nullable in the versions that say so; a null name at a
// version without null is refused rather than sent as "".
void write_name(writer& w, const std::optional<std::string>& name, bool nullable) {
  if (nullable) return w.nullable_string(name);
  if (!name) return w.fail(codec_errc::unexpected_null);
  w.string(*name);
}

std::optional<std::string> read_name(reader& r, bool nullable) {
  if (nullable) return r.nullable_string();
  return r.string();
}

}  // namespace

void metadata_request::decode(reader& r, int16_t version) {
  auto read_topic = [&](topic& t) {
    if (version >= 10) t.topic_id = r.uuid_value();
    t.name = read_name(r, version >= 10);
    r.skip_tagged_fields();
  };
  const size_t min_topic = version >= 10 ? min_request_topic_v10_bytes : min_topic_name_bytes;
  if (version >= 1) {
    r.nullable_array(topics, min_topic, read_topic);
  } else {
    r.array(topics.emplace(), min_topic, read_topic);
  }
  if (version >= 4) allow_auto_topic_creation = r.boolean();
  if (version >= 8 && version <= 10) include_cluster_authorized_operations = r.boolean();
  if (version >= 8) include_topic_authorized_operations = r.boolean();
  r.skip_tagged_fields();
}

void metadata_request::encode(writer& w, int16_t version) const {
  auto write_topic = [&](const topic& t) {
    if (version >= 10) w.uuid_value(t.topic_id);
    write_name(w, t.name, version >= 10);
    w.empty_tagged_fields();
  };
  if (version >= 1 || topics) {
    w.nullable_array(topics, write_topic);
  } else {
    w.array_length(0);  // v0 has no null: an empty array asks for all topics
  }
  if (version >= 4) w.boolean(allow_auto_topic_creation);
  if (version >= 8 && version <= 10) w.boolean(include_cluster_authorized_operations);
  if (version >= 8) w.boolean(include_topic_authorized_operations);
  w.empty_tagged_fields();
}

void metadata_response::decode(reader& r, int16_t version) {
  if (version >= 3) throttle_time_ms = r.int32();
  r.array(brokers, min_broker_bytes, [&](broker& b) {
    b.node_id = r.int32();
    b.host = r.string();
    b.port = r.int32();
    if (version >= 1) b.rack = r.nullable_string();
    r.skip_tagged_fields();
  });
  if (version >= 2) cluster_id = r.nullable_string();
  if (version >= 1) controller_id = r.int32();
  r.array(topics, version >= 10 ? min_topic_v10_bytes : min_topic_bytes, [&](topic& t) {
    t.error_code = static_cast<protocol::error_code>(r.int16());
    t.name = read_name(r, version >= 12);
    if (version >= 10) t.topic_id = r.uuid_value();
    if (version >= 1) t.is_internal = r.boolean();
    r.array(t.partitions, min_partition_bytes, [&](partition& p) {
      p.error_code = static_cast<protocol::error_code>(r.int16());
      p.partition_index = r.int32();
      p.leader_id = r.int32();
      if (version >= 7) p.leader_epoch = r.int32();
      read_int32s(r, p.replica_nodes);
      read_int32s(r, p.isr_nodes);
      if (version >= 5) read_int32s(r, p.offline_replicas);
      r.skip_tagged_fields();
    });
    if (version >= 8) t.topic_authorized_operations = r.int32();
    r.skip_tagged_fields();
  });
  if (version >= 8 && version <= 10) cluster_authorized_operations = r.int32();
  r.skip_tagged_fields();
}

void metadata_response::encode(writer& w, int16_t version) const {
  if (version >= 3) w.int32(throttle_time_ms);
  w.array(brokers, [&](const broker& b) {
    w.int32(b.node_id);
    w.string(b.host);
    w.int32(b.port);
    if (version >= 1) w.nullable_string(b.rack);
    w.empty_tagged_fields();
  });
  if (version >= 2) w.nullable_string(cluster_id);
  if (version >= 1) w.int32(controller_id);
  w.array(topics, [&](const topic& t) {
    w.int16(to_int(t.error_code));
    write_name(w, t.name, version >= 12);
    if (version >= 10) w.uuid_value(t.topic_id);
    if (version >= 1) w.boolean(t.is_internal);
    w.array(t.partitions, [&](const partition& p) {
      w.int16(to_int(p.error_code));
      w.int32(p.partition_index);
      w.int32(p.leader_id);
      if (version >= 7) w.int32(p.leader_epoch);
      write_int32s(w, p.replica_nodes);
      write_int32s(w, p.isr_nodes);
      if (version >= 5) write_int32s(w, p.offline_replicas);
      w.empty_tagged_fields();
    });
    if (version >= 8) w.int32(t.topic_authorized_operations);
    w.empty_tagged_fields();
  });
  if (version >= 8 && version <= 10) w.int32(cluster_authorized_operations);
  w.empty_tagged_fields();
}

}  // namespace sluice::protocol
