#pragma once
// Produce (key 0), versions 0-12; v9 is the first flexible version.
// Request: v3 adds transactional_id (and means RecordBatch v2 records); v4-8
// and v10-11 change only which errors or compression a client must expect;
// v12 is v11 on the wire (Kafka 4.0, KIP-890 part 2: to a broker finalizing
// transaction.version 2, a transactional v12 batch adds its partition to the
// transaction itself).
// Response: v1 adds throttle_time_ms (after the topics), v2 log_append_time_ms,
// v5 log_start_offset, v8 record_errors and error_message per partition, v10
// the tagged fields current_leader (per partition, tag 0) and node_endpoints
// (top level, tag 0), which a broker fills when it answers
// NOT_LEADER_OR_FOLLOWER (KIP-951) and which are written only when they are
// not their defaults.
//
// Records are a record_set: decoding keeps a view into the frame (the broker
// validates and writes those bytes as they are), encoding borrows the
// caller's bytes. The codec decodes v0-2 too; refusing them (they carry
// MessageSet v0/v1, PROTOCOL.md G2) is the broker's decision.
// acks == 0 means the broker sends no response at all (G6).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/error_code.h"
#include "protocol/messages/share_common.h"
#include "protocol/reader.h"
#include "protocol/types.h"
#include "protocol/writer.h"

namespace sluice::protocol {

struct produce_request {
  static constexpr api_key api = api_key::produce;

  struct partition_produce_data {
    int32_t index = 0;
    record_set records;
    friend bool operator==(const partition_produce_data&, const partition_produce_data&) = default;
  };
  struct topic_produce_data {
    std::string name;
    std::vector<partition_produce_data> partition_data;
    friend bool operator==(const topic_produce_data&, const topic_produce_data&) = default;
  };

  std::optional<std::string> transactional_id;  // v3+
  int16_t acks = 0;
  int32_t timeout_ms = 0;
  std::vector<topic_produce_data> topic_data;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const produce_request&, const produce_request&) = default;
};

struct produce_response {
  static constexpr api_key api = api_key::produce;

  struct batch_index_and_error_message {
    int32_t batch_index = 0;
    std::optional<std::string> batch_index_error_message;
    friend bool operator==(const batch_index_and_error_message&,
                           const batch_index_and_error_message&) = default;
  };
  struct partition_produce_response {
    int32_t index = 0;
    protocol::error_code error_code = protocol::error_code::none;
    int64_t base_offset = 0;
    int64_t log_append_time_ms = -1;  // v2+; -1 for CreateTime topics (G6)
    int64_t log_start_offset = -1;    // v5+
    std::vector<batch_index_and_error_message> record_errors{};  // v8+
    std::optional<std::string> error_message{};                  // v8+
    leader_id_and_epoch current_leader{};                        // v10+, tag 0
    friend bool operator==(const partition_produce_response&,
                           const partition_produce_response&) = default;
  };
  struct topic_produce_response {
    std::string name;
    std::vector<partition_produce_response> partition_responses;
    friend bool operator==(const topic_produce_response&, const topic_produce_response&) = default;
  };

  std::vector<topic_produce_response> responses;
  int32_t throttle_time_ms = 0;                       // v1+
  std::vector<share_node_endpoint> node_endpoints{};  // v10+, tag 0

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const produce_response&, const produce_response&) = default;
};

}  // namespace sluice::protocol
