#pragma once
// DescribeConfigs (key 32), versions 0-4; v4 is the first flexible version.
// Request: v1 adds include_synonyms, v3 include_documentation. Response: v1
// replaces the per-config is_default flag with config_source and adds
// synonyms; v2 is the same as v1; v3 adds each config's config_type and
// documentation.
//
// Resource types are Kafka's ConfigResource.Type values: 2 topic, 4 broker,
// 8 broker logger. config_source values: 1 dynamic topic, 4 static broker,
// 5 default, and so on (DescribeConfigsResponse.ConfigSource). config_type
// values: Kafka's ConfigDef.Type, 0 unknown, 1 boolean, 2 string, 3 int,
// 4 short, 5 long, 6 double, 7 list, 8 class, 9 password.

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
inline constexpr int8_t config_resource_group = 32;  // KIP-848/KIP-932 group configs

// DescribeConfigsResponse.ConfigSource.
inline constexpr int8_t config_source_dynamic_topic = 1;
inline constexpr int8_t config_source_static_broker = 4;
inline constexpr int8_t config_source_default = 5;
inline constexpr int8_t config_source_group = 8;  // GROUP_CONFIG: a group's dynamic override

// ConfigDef.Type, as DescribeConfigs v3+ reports it.
enum class config_type : int8_t {
  unknown = 0,
  boolean = 1,
  string = 2,
  int_ = 3,
  short_ = 4,
  long_ = 5,
  double_ = 6,
  list = 7,
  class_ = 8,
  password = 9,
};

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
  bool include_synonyms = false;       // v1+
  bool include_documentation = false;  // v3+

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
    int8_t config_type = 0;                          // v3+
    std::optional<std::string> documentation;        // v3+
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
