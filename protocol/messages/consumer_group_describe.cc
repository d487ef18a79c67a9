#include "protocol/messages/consumer_group_describe.h"

#include "protocol/messages/share_common.h"

namespace sluice::protocol {
namespace {

using response = consumer_group_describe_response;

constexpr size_t min_topic_partitions_bytes = 16 + 1 + 1 + 1;
// ids, epoch, client, host, topics, regex, two assignments, tags.
constexpr size_t min_member_bytes = 1 + 1 + 1 + 4 + 1 + 1 + 1 + 1 + 2 + 2 + 1;
constexpr size_t min_group_bytes = 2 + 1 + 1 + 1 + 4 + 4 + 1 + 1 + 4 + 1;

void read_assignment(reader& r, std::vector<response::topic_partitions>& out) {
  r.array(out, min_topic_partitions_bytes, [&](response::topic_partitions& tp) {
    tp.topic_id = r.uuid_value();
    tp.topic_name = r.string();
    read_int32s(r, tp.partitions);
    r.skip_tagged_fields();
  });
  r.skip_tagged_fields();  // the Assignment struct's
}

void write_assignment(writer& w, const std::vector<response::topic_partitions>& v) {
  w.array(v, [&](const response::topic_partitions& tp) {
    w.uuid_value(tp.topic_id);
    w.string(tp.topic_name);
    write_int32s(w, tp.partitions);
    w.empty_tagged_fields();
  });
  w.empty_tagged_fields();
}

}  // namespace

void consumer_group_describe_request::decode(reader& r, int16_t) {
  r.array(group_ids, 1, [&](std::string& g) { g = r.string(); });
  include_authorized_operations = r.boolean();
  r.skip_tagged_fields();
}

void consumer_group_describe_request::encode(writer& w, int16_t) const {
  w.array(group_ids, [&](const std::string& g) { w.string(g); });
  w.boolean(include_authorized_operations);
  w.empty_tagged_fields();
}

void consumer_group_describe_response::decode(reader& r, int16_t version) {
  throttle_time_ms = r.int32();
  r.array(groups, min_group_bytes, [&](described_group& g) {
    g.error_code = static_cast<protocol::error_code>(r.int16());
    g.error_message = r.nullable_string();
    g.group_id = r.string();
    g.group_state = r.string();
    g.group_epoch = r.int32();
    g.assignment_epoch = r.int32();
    g.assignor_name = r.string();
    r.array(g.members, min_member_bytes, [&](member& m) {
      m.member_id = r.string();
      m.instance_id = r.nullable_string();
      m.rack_id = r.nullable_string();
      m.member_epoch = r.int32();
      m.client_id = r.string();
      m.client_host = r.string();
      r.array(m.subscribed_topic_names, 1, [&](std::string& t) { t = r.string(); });
      m.subscribed_topic_regex = r.nullable_string();
      read_assignment(r, m.assignment);
      read_assignment(r, m.target_assignment);
      m.member_type = version >= 1 ? r.int8() : int8_t{-1};
      r.skip_tagged_fields();
    });
    g.authorized_operations = r.int32();
    r.skip_tagged_fields();
  });
  r.skip_tagged_fields();
}

void consumer_group_describe_response::encode(writer& w, int16_t version) const {
  w.int32(throttle_time_ms);
  w.array(groups, [&](const described_group& g) {
    w.int16(to_int(g.error_code));
    w.nullable_string(g.error_message);
    w.string(g.group_id);
    w.string(g.group_state);
    w.int32(g.group_epoch);
    w.int32(g.assignment_epoch);
    w.string(g.assignor_name);
    w.array(g.members, [&](const member& m) {
      w.string(m.member_id);
      w.nullable_string(m.instance_id);
      w.nullable_string(m.rack_id);
      w.int32(m.member_epoch);
      w.string(m.client_id);
      w.string(m.client_host);
      w.array(m.subscribed_topic_names, [&](const std::string& t) { w.string(t); });
      w.nullable_string(m.subscribed_topic_regex);
      write_assignment(w, m.assignment);
      write_assignment(w, m.target_assignment);
      if (version >= 1) w.int8(m.member_type);
      w.empty_tagged_fields();
    });
    w.int32(g.authorized_operations);
    w.empty_tagged_fields();
  });
  w.empty_tagged_fields();
}

}  // namespace sluice::protocol
