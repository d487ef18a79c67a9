#include "protocol/messages/incremental_alter_configs.h"

#include "protocol/element_size.h"

namespace sluice::protocol {
namespace {

// Smallest encodings {compact, classic}, used to bound array counts.
constexpr element_size min_resource_bytes{3, 7};  // type, name, configs
constexpr element_size min_config_bytes{3, 5};    // name, operation, value

}  // namespace

void incremental_alter_configs_request::decode(reader& r, int16_t /*version*/) {
  r.array(resources, min_resource_bytes.in(r), [&](alter_configs_resource& res) {
    res.resource_type = r.int8();
    res.resource_name = r.string();
    r.array(res.configs, min_config_bytes.in(r), [&](alterable_config& c) {
      c.name = r.string();
      c.config_operation = r.int8();
      c.value = r.nullable_string();
      r.skip_tagged_fields();
    });
    r.skip_tagged_fields();
  });
  validate_only = r.boolean();
  r.skip_tagged_fields();
}

void incremental_alter_configs_request::encode(writer& w, int16_t /*version*/) const {
  w.array(resources, [&](const alter_configs_resource& res) {
    w.int8(res.resource_type);
    w.string(res.resource_name);
    w.array(res.configs, [&](const alterable_config& c) {
      w.string(c.name);
      w.int8(c.config_operation);
      w.nullable_string(c.value);
      w.empty_tagged_fields();
    });
    w.empty_tagged_fields();
  });
  w.boolean(validate_only);
  w.empty_tagged_fields();
}

}  // namespace sluice::protocol
