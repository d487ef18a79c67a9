// The value layouts of records.h, written with the wire codec's classic
// (non-flexible) primitives: one set of byte helpers for the whole tree.
#include "broker/consumer_group/records.h"

#include "protocol/reader.h"
#include "protocol/writer.h"

namespace sluice::broker::consumer_group {
namespace {

using group::record_type;

constexpr int32_t max_count = 1 << 20;  // a count beyond this is damage

void put_assignment(protocol::writer& w, const topic_assignment& a) {
  w.int32(static_cast<int32_t>(a.size()));
  for (const auto& [topic, parts] : a) {
    w.string(topic);
    w.int32(static_cast<int32_t>(parts.size()));
    for (int32_t p : parts) w.int32(p);
  }
}

bool get_count(protocol::reader& r, int32_t& n) {
  n = r.int32();
  return r.ok() && n >= 0 && n <= max_count && static_cast<size_t>(n) <= r.remaining();
}

bool get_assignment(protocol::reader& r, topic_assignment& a) {
  int32_t n = 0;
  if (!get_count(r, n)) return false;
  for (int32_t i = 0; i < n; ++i) {
    std::string topic = r.string();
    int32_t m = 0;
    if (!get_count(r, m)) return false;
    auto& parts = a[topic];
    parts.reserve(static_cast<size_t>(m));
    for (int32_t j = 0; j < m; ++j) parts.push_back(r.int32());
  }
  return r.ok();
}

std::vector<std::byte> encode_value(const cg_record& c) {
  protocol::writer w(false);
  w.int16(0);  // value version
  switch (c.type) {
    case record_type::consumer_group_member: {
      const auto& m = c.metadata;
      w.nullable_string(m.instance_id);
      w.nullable_string(m.rack_id);
      w.string(m.client_id);
      w.string(m.client_host);
      w.int32(static_cast<int32_t>(m.subscribed_topic_names.size()));
      for (const auto& t : m.subscribed_topic_names) w.string(t);
      w.nullable_string(m.subscribed_topic_regex);
      w.nullable_string(m.server_assignor);
      w.int32(m.rebalance_timeout_ms);
      break;
    }
    case record_type::consumer_group_target_metadata:
      w.int32(c.epoch);
      break;
    case record_type::consumer_group_target_member:
      put_assignment(w, c.target);
      break;
    case record_type::consumer_group_current_assignment:
      w.int32(c.current.member_epoch);
      w.int32(c.current.previous_member_epoch);
      w.int8(static_cast<int8_t>(c.current.state));
      put_assignment(w, c.current.assigned);
      put_assignment(w, c.current.pending_revocation);
      break;
    default:  // consumer_group_metadata
      w.int32(c.epoch);
      w.int32(static_cast<int32_t>(c.subscription.size()));
      for (const auto& [topic, n] : c.subscription) {
        w.string(topic);
        w.int32(n);
      }
      break;
  }
  std::vector<std::byte> out;
  (void)std::move(w).finish().flatten(out);
  return out;
}

bool decode_value(std::span<const std::byte> bytes, cg_record& c) {
  protocol::reader r(bytes, false);
  if (r.int16() != 0) return false;
  switch (c.type) {
    case record_type::consumer_group_member: {
      auto& m = c.metadata;
      m.instance_id = r.nullable_string();
      m.rack_id = r.nullable_string();
      m.client_id = r.string();
      m.client_host = r.string();
      int32_t n = 0;
      if (!get_count(r, n)) return false;
      for (int32_t i = 0; i < n; ++i) m.subscribed_topic_names.push_back(r.string());
      m.subscribed_topic_regex = r.nullable_string();
      m.server_assignor = r.nullable_string();
      m.rebalance_timeout_ms = r.int32();
      break;
    }
    case record_type::consumer_group_target_metadata:
      c.epoch = r.int32();
      break;
    case record_type::consumer_group_target_member:
      if (!get_assignment(r, c.target)) return false;
      break;
    case record_type::consumer_group_current_assignment: {
      c.current.member_epoch = r.int32();
      c.current.previous_member_epoch = r.int32();
      const int8_t state = r.int8();
      if (state < 0 || state > 2) return false;
      c.current.state = static_cast<member_state>(state);
      if (!get_assignment(r, c.current.assigned) ||
          !get_assignment(r, c.current.pending_revocation)) {
        return false;
      }
      break;
    }
    default: {
      c.epoch = r.int32();
      int32_t n = 0;
      if (!get_count(r, n)) return false;
      for (int32_t i = 0; i < n; ++i) {
        std::string topic = r.string();
        c.subscription[topic] = r.int32();
      }
      break;
    }
  }
  return r.ok() && r.remaining() == 0;
}

}  // namespace

group::offsets_record to_offsets_record(const cg_record& c) {
  group::offsets_record r;
  r.type = c.type;
  r.group = c.group;
  r.member_id = c.member_id;
  if (!c.tombstone) r.cg_value = encode_value(c);
  return r;
}

std::optional<cg_record> from_offsets_record(const group::offsets_record& r) {
  if (!group::is_consumer_group_record(r.type)) return std::nullopt;
  cg_record c;
  c.type = r.type;
  c.group = r.group;
  c.member_id = r.member_id;
  if (!r.cg_value) {
    c.tombstone = true;
    return c;
  }
  if (!decode_value(*r.cg_value, c)) return std::nullopt;
  return c;
}

}  // namespace sluice::broker::consumer_group
