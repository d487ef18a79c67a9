#pragma once
// DeleteGroups (key 42), versions 0-2; v2 is the first flexible version and
// adds no field (no tagged fields). v1 is the same as v0 on the wire. A group can only be deleted
// while it has no members (NON_EMPTY_GROUP, 68, otherwise).

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/error_code.h"
#include "protocol/reader.h"
#include "protocol/writer.h"

namespace sluice::protocol {

struct delete_groups_request {
  static constexpr api_key api = api_key::delete_groups;

  std::vector<std::string> groups_names;  // Kafka's spelling

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const delete_groups_request&, const delete_groups_request&) = default;
};

struct delete_groups_response {
  static constexpr api_key api = api_key::delete_groups;

  struct deletable_group_result {
    std::string group_id;
    protocol::error_code error_code = protocol::error_code::none;
    friend bool operator==(const deletable_group_result&, const deletable_group_result&) = default;
  };

  int32_t throttle_time_ms = 0;
  std::vector<deletable_group_result> results;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const delete_groups_response&, const delete_groups_response&) = default;
};

}  // namespace sluice::protocol
