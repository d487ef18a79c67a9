#include "protocol/messages/describe_configs.h"

#include "protocol/element_size.h"

namespace sluice::protocol {
namespace {

// Smallest encodings {compact, classic}, used to bound array counts.
constexpr element_size min_resource_bytes{3, 7};  // type, name, keys
constexpr element_size min_key_bytes{1, 2};
constexpr element_size min_synonym_bytes{3, 5};  // name, value, source
// name, value, read_only, is_default or config_source, is_sensitive
constexpr element_size min_config_bytes{5, 7};
constexpr element_size min_result_bytes{6, 11};  // error_code, message, type, name, configs

}  // namespace

void describe_configs_request::decode(reader& r, int16_t version) {
  r.array(resources, min_resource_bytes.in(r), [&](describe_configs_resource& res) {
    res.resource_type = r.int8();
    res.resource_name = r.string();
    r.nullable_array(res.configuration_keys, min_key_bytes.in(r),
                     [&](std::string& key) { key = r.string(); });
    r.skip_tagged_fields();
  });
  if (version >= 1) include_synonyms = r.boolean();
  if (version >= 3) include_documentation = r.boolean();
  r.skip_tagged_fields();
}

void describe_configs_request::encode(writer& w, int16_t version) const {
  w.array(resources, [&](const describe_configs_resource& res) {
    w.int8(res.resource_type);
    w.string(res.resource_name);
    w.nullable_array(res.configuration_keys, [&](const std::string& key) { w.string(key); });
    w.empty_tagged_fields();
  });
  if (version >= 1) w.boolean(include_synonyms);
  if (version >= 3) w.boolean(include_documentation);
  w.empty_tagged_fields();
}

void describe_configs_response::decode(reader& r, int16_t version) {
  throttle_time_ms = r.int32();
  r.array(results, min_result_bytes.in(r), [&](describe_configs_result& res) {
    res.error_code = static_cast<protocol::error_code>(r.int16());
    res.error_message = r.nullable_string();
    res.resource_type = r.int8();
    res.resource_name = r.string();
    r.array(res.configs, min_config_bytes.in(r), [&](describe_configs_resource_result& c) {
      c.name = r.string();
      c.value = r.nullable_string();
      c.read_only = r.boolean();
      if (version == 0) c.is_default = r.boolean();
      if (version >= 1) c.config_source = r.int8();
      c.is_sensitive = r.boolean();
      if (version >= 1) {
        r.array(c.synonyms, min_synonym_bytes.in(r), [&](describe_configs_synonym& s) {
          s.name = r.string();
          s.value = r.nullable_string();
          s.source = r.int8();
          r.skip_tagged_fields();
        });
      }
      if (version >= 3) {
        c.config_type = r.int8();
        c.documentation = r.nullable_string();
      }
      r.skip_tagged_fields();
    });
    r.skip_tagged_fields();
  });
  r.skip_tagged_fields();
}

void describe_configs_response::encode(writer& w, int16_t version) const {
  w.int32(throttle_time_ms);
  w.array(results, [&](const describe_configs_result& res) {
    w.int16(to_int(res.error_code));
    w.nullable_string(res.error_message);
    w.int8(res.resource_type);
    w.string(res.resource_name);
    w.array(res.configs, [&](const describe_configs_resource_result& c) {
      w.string(c.name);
      w.nullable_string(c.value);
      w.boolean(c.read_only);
      if (version == 0) w.boolean(c.is_default);
      if (version >= 1) w.int8(c.config_source);
      w.boolean(c.is_sensitive);
      if (version >= 1) {
        w.array(c.synonyms, [&](const describe_configs_synonym& s) {
          w.string(s.name);
          w.nullable_string(s.value);
          w.int8(s.source);
          w.empty_tagged_fields();
        });
      }
      if (version >= 3) {
        w.int8(c.config_type);
        w.nullable_string(c.documentation);
      }
      w.empty_tagged_fields();
    });
    w.empty_tagged_fields();
  });
  w.empty_tagged_fields();
}

}  // namespace sluice::protocol
