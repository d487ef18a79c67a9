#include "protocol/messages/share_common.h"

namespace sluice::protocol {

void read_acknowledgement_batch(reader& r, acknowledgement_batch& b) {
  b.first_offset = r.int64();
  b.last_offset = r.int64();
  r.array(b.acknowledge_types, 1, [&](int8_t& t) { t = r.int8(); });
  r.skip_tagged_fields();
}

void write_acknowledgement_batch(writer& w, const acknowledgement_batch& b) {
  w.int64(b.first_offset);
  w.int64(b.last_offset);
  w.array(b.acknowledge_types, [&](int8_t t) { w.int8(t); });
  w.empty_tagged_fields();
}

void read_leader(reader& r, leader_id_and_epoch& l) {
  l.leader_id = r.int32();
  l.leader_epoch = r.int32();
  r.skip_tagged_fields();
}

void write_leader(writer& w, const leader_id_and_epoch& l) {
  w.int32(l.leader_id);
  w.int32(l.leader_epoch);
  w.empty_tagged_fields();
}

void read_node_endpoint(reader& r, share_node_endpoint& n) {
  n.node_id = r.int32();
  n.host = r.string();
  n.port = r.int32();
  n.rack = r.nullable_string();
  r.skip_tagged_fields();
}

void write_node_endpoint(writer& w, const share_node_endpoint& n) {
  w.int32(n.node_id);
  w.string(n.host);
  w.int32(n.port);
  w.nullable_string(n.rack);
  w.empty_tagged_fields();
}

void read_int32s(reader& r, std::vector<int32_t>& out) {
  r.array(out, 4, [&](int32_t& p) { p = r.int32(); });
}

void write_int32s(writer& w, const std::vector<int32_t>& v) {
  w.array(v, [&](int32_t p) { w.int32(p); });
}

}  // namespace sluice::protocol
