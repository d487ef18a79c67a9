#pragma once
// DescribeCluster (key 60), versions 0-1, flexible from v0. The cluster id,
// the controller and the brokers, as the admin clients' describeCluster()
// shows them. v1 adds endpoint_type (KIP-919: 1 brokers, 2 controllers) to
// both request and response.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/error_code.h"
#include "protocol/messages/metadata.h"  // authorized_operations_omitted
#include "protocol/reader.h"
#include "protocol/writer.h"

namespace sluice::protocol {

inline constexpr int8_t endpoint_type_broker = 1;
inline constexpr int8_t endpoint_type_controller = 2;

struct describe_cluster_request {
  static constexpr api_key api = api_key::describe_cluster;

  bool include_cluster_authorized_operations = false;
  int8_t endpoint_type = endpoint_type_broker;  // v1+

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const describe_cluster_request&,
                         const describe_cluster_request&) = default;
};

struct describe_cluster_response {
  static constexpr api_key api = api_key::describe_cluster;

  struct describe_cluster_broker {
    int32_t broker_id = 0;
    std::string host;
    int32_t port = 0;
    std::optional<std::string> rack;
    friend bool operator==(const describe_cluster_broker&,
                           const describe_cluster_broker&) = default;
  };

  int32_t throttle_time_ms = 0;
  protocol::error_code error_code = protocol::error_code::none;
  std::optional<std::string> error_message;
  int8_t endpoint_type = endpoint_type_broker;  // v1+
  std::string cluster_id;
  int32_t controller_id = -1;
  std::vector<describe_cluster_broker> brokers;
  int32_t cluster_authorized_operations = authorized_operations_omitted;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const describe_cluster_response&,
                         const describe_cluster_response&) = default;
};

}  // namespace sluice::protocol
