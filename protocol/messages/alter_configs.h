#pragma once
// AlterConfigs (key 33), versions 0-2; v2 is v1 in the flexible encoding,
// and v1 is the same as v0 on the wire. Resource types as in
// describe_configs.h. The request replaces a resource's whole set of dynamic
// configs (IncrementalAlterConfigs, key 44, is the per-key form).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/error_code.h"
#include "protocol/reader.h"
#include "protocol/writer.h"

namespace sluice::protocol {

struct alter_configs_request {
  static constexpr api_key api = api_key::alter_configs;

  struct alterable_config {
    std::string name;
    std::optional<std::string> value;
    friend bool operator==(const alterable_config&, const alterable_config&) = default;
  };
  struct alter_configs_resource {
    int8_t resource_type = 0;
    std::string resource_name;
    std::vector<alterable_config> configs;
    friend bool operator==(const alter_configs_resource&, const alter_configs_resource&) = default;
  };

  std::vector<alter_configs_resource> resources;
  bool validate_only = false;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const alter_configs_request&, const alter_configs_request&) = default;
};

struct alter_configs_response {
  static constexpr api_key api = api_key::alter_configs;

  struct alter_configs_resource_response {
    protocol::error_code error_code = protocol::error_code::none;
    std::optional<std::string> error_message;
    int8_t resource_type = 0;
    std::string resource_name;
    friend bool operator==(const alter_configs_resource_response&,
                           const alter_configs_resource_response&) = default;
  };

  int32_t throttle_time_ms = 0;
  std::vector<alter_configs_resource_response> responses;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const alter_configs_response&, const alter_configs_response&) = default;
};

}  // namespace sluice::protocol
