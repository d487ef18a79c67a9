#pragma once
// DeleteTopics (key 20), versions 0-6; v4 is the first flexible version.
// Request: v0-5 name the topics (topic_names); v6 replaces them with
// `topics`, each a name or a topic id (a null name: delete by id). Response:
// v1 adds throttle_time_ms; v3 may answer TOPIC_DELETION_DISABLED (73), a
// meaning change only; v5 adds a per-topic error_message; v6 the topic_id and
// lets the name be null (a topic id nobody has).
//
// A sender that does not know the version it will be encoded at fills both
// topic_names and topics (by_names()): each version writes only its own.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/error_code.h"
#include "protocol/reader.h"
#include "protocol/types.h"
#include "protocol/writer.h"

namespace sluice::protocol {

struct delete_topics_request {
  static constexpr api_key api = api_key::delete_topics;

  struct delete_topic_state {
    std::optional<std::string> name;  // null: by topic_id
    uuid topic_id;                    // all zero: by name
    friend bool operator==(const delete_topic_state&, const delete_topic_state&) = default;
  };

  std::vector<delete_topic_state> topics;  // v6+
  std::vector<std::string> topic_names;    // v0-5
  int32_t timeout_ms = 0;

  // A request deleting `names` at whatever version it is sent.
  static delete_topics_request by_names(std::vector<std::string> names, int32_t timeout_ms);

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const delete_topics_request&, const delete_topics_request&) = default;
};

struct delete_topics_response {
  static constexpr api_key api = api_key::delete_topics;

  struct deletable_topic_result {
    std::optional<std::string> name;  // null only at v6+ (an unknown topic id)
    uuid topic_id;                    // v6+
    protocol::error_code error_code = protocol::error_code::none;
    std::optional<std::string> error_message;  // v5+
    friend bool operator==(const deletable_topic_result&, const deletable_topic_result&) = default;
  };

  int32_t throttle_time_ms = 0;  // v1+
  std::vector<deletable_topic_result> responses;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const delete_topics_response&, const delete_topics_response&) = default;
};

}  // namespace sluice::protocol
