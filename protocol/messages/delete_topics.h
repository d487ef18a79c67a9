#pragma once
// DeleteTopics (key 20), versions 0-3, all non-flexible (v4 is the first
// flexible). The request is the same at every version here: topic names and a
// timeout. Response: v1 adds throttle_time_ms; v3 may answer
// TOPIC_DELETION_DISABLED (73), a meaning change only.

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/error_code.h"
#include "protocol/reader.h"
#include "protocol/writer.h"

namespace sluice::protocol {

struct delete_topics_request {
  static constexpr api_key api = api_key::delete_topics;

  std::vector<std::string> topic_names;
  int32_t timeout_ms = 0;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const delete_topics_request&, const delete_topics_request&) = default;
};

struct delete_topics_response {
  static constexpr api_key api = api_key::delete_topics;

  struct deletable_topic_result {
    std::string name;
    protocol::error_code error_code = protocol::error_code::none;
    friend bool operator==(const deletable_topic_result&, const deletable_topic_result&) = default;
  };

  int32_t throttle_time_ms = 0;  // v1+
  std::vector<deletable_topic_result> responses;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const delete_topics_response&, const delete_topics_response&) = default;
};

}  // namespace sluice::protocol
