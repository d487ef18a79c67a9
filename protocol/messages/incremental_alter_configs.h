#pragma once
// IncrementalAlterConfigs (key 44), versions 0-1; v1 is v0 in the flexible
// encoding. Unlike AlterConfigs (key 33), which replaces a resource's whole
// set of dynamic configs, each entry here names one key and what to do with
// it: config_operation 0 SET, 1 DELETE (back to the default), 2 APPEND and
// 3 SUBTRACT (list-valued keys: add or remove list items). Resource types as
// in describe_configs.h. The response has the shape of AlterConfigs'.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/error_code.h"
#include "protocol/messages/alter_configs.h"
#include "protocol/reader.h"
#include "protocol/writer.h"

namespace sluice::protocol {

// AlterConfigOp.OpType.
enum class config_operation : int8_t { set = 0, delete_ = 1, append = 2, subtract = 3 };

struct incremental_alter_configs_request {
  static constexpr api_key api = api_key::incremental_alter_configs;

  struct alterable_config {
    std::string name;
    int8_t config_operation = 0;  // protocol::config_operation, kept raw: any value decodes
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
  friend bool operator==(const incremental_alter_configs_request&,
                         const incremental_alter_configs_request&) = default;
};

// The answer is AlterConfigs' at every version (throttle, then per resource
// error, message, type and name), so it is that struct under this API's key:
// the codec's mode follows `api`, the fields and their code are shared.
struct incremental_alter_configs_response : alter_configs_response {
  static constexpr api_key api = api_key::incremental_alter_configs;
  friend bool operator==(const incremental_alter_configs_response&,
                         const incremental_alter_configs_response&) = default;
};

}  // namespace sluice::protocol
