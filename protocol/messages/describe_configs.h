#pragma once
// DescribeConfigs (key 32), versions 0-2, all non-flexible (v4 is the first
// flexible). Request: v1 adds include_synonyms. Response: v1 replaces the
// per-config is_default flag with config_source and adds synonyms; v2 is the
// same as v1.
//
// Resource types are Kafka's ConfigResource.Type values: 2 topic, 4 broker,
// 8 broker logger. config_source values: 1 dynamic topic, 4 static broker,
// 5 default, and so on (DescribeConfigsResponse.ConfigSource).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/error_code.h"
#include "protocol/reader.h"
#include "protocol/writer.h"

namespace sluice::protocol {

inline constexpr int8_t config_resource_topic = 2;
inline constexpr int8_t config_resource_broker = 4;
inline constexpr int8_t config_resource_broker_logger = 8;

struct describe_configs_request {
  static constexpr api_key api = api_key::describe_configs;

  struct describe_configs_resource {
    int8_t resource_type = 0;
    std::string resource_name;
    std::optional<std::vector<std::string>> configuration_keys;  // null: all keys
    friend bool operator==(const describe_configs_resource&,
                           const describe_configs_resource&) = default;
  };

  std::vector<describe_configs_resource> resources;
  bool include_synonyms = false;  // v1+

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const describe_configs_request&,
                         const describe_configs_request&) = default;
};

struct describe_configs_response {
  static constexpr api_key api = api_key::describe_configs;

  struct describe_configs_synonym {
    std::string name;
    std::optional<std::string> value;
    int8_t source = 0;
    friend bool operator==(const describe_configs_synonym&,
                           const describe_configs_synonym&) = default;
  };
  struct describe_configs_resource_result {
    std::string name;
    std::optional<std::string> value;
    bool read_only = false;
    bool is_default = false;    // v0 only
    int8_t config_source = -1;  // v1+
    bool is_sensitive = false;
    std::vector<describe_configs_synonym> synonyms;  // v1+
    friend bool operator==(const describe_configs_resource_result&,
                           const describe_configs_resource_result&) = default;
  };
  struct describe_configs_result {
    protocol::error_code error_code = protocol::error_code::none;
    std::optional<std::string> error_message;
    int8_t resource_type = 0;
    std::string resource_name;
    std::vector<describe_configs_resource_result> configs;
    friend bool operator==(const describe_configs_result&,
                           const describe_configs_result&) = default;
  };

  int32_t throttle_time_ms = 0;
  std::vector<describe_configs_result> results;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const describe_configs_response&,
                         const describe_configs_response&) = default;
};

}  // namespace sluice::protocol
