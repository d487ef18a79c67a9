#include "protocol/messages/describe_cluster.h"

namespace sluice::protocol {
namespace {

// broker_id, host, port, rack (always flexible: compact sizes only).
constexpr size_t min_broker_bytes = 10;

}  // namespace

void describe_cluster_request::decode(reader& r, int16_t version) {
  include_cluster_authorized_operations = r.boolean();
  if (version >= 1) endpoint_type = r.int8();
  r.skip_tagged_fields();
}

void describe_cluster_request::encode(writer& w, int16_t version) const {
  w.boolean(include_cluster_authorized_operations);
  if (version >= 1) w.int8(endpoint_type);
  w.empty_tagged_fields();
}

void describe_cluster_response::decode(reader& r, int16_t version) {
  throttle_time_ms = r.int32();
  error_code = static_cast<protocol::error_code>(r.int16());
  error_message = r.nullable_string();
  if (version >= 1) endpoint_type = r.int8();
  cluster_id = r.string();
  controller_id = r.int32();
  r.array(brokers, min_broker_bytes, [&](describe_cluster_broker& b) {
    b.broker_id = r.int32();
    b.host = r.string();
    b.port = r.int32();
    b.rack = r.nullable_string();
    r.skip_tagged_fields();
  });
  cluster_authorized_operations = r.int32();
  r.skip_tagged_fields();
}

void describe_cluster_response::encode(writer& w, int16_t version) const {
  w.int32(throttle_time_ms);
  w.int16(to_int(error_code));
  w.nullable_string(error_message);
  if (version >= 1) w.int8(endpoint_type);
  w.string(cluster_id);
  w.int32(controller_id);
  w.array(brokers, [&](const describe_cluster_broker& b) {
    w.int32(b.broker_id);
    w.string(b.host);
    w.int32(b.port);
    w.nullable_string(b.rack);
    w.empty_tagged_fields();
  });
  w.int32(cluster_authorized_operations);
  w.empty_tagged_fields();
}

}  // namespace sluice::protocol
