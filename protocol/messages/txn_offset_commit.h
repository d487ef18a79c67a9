#pragma once
// TxnOffsetCommit (key 28), versions 0-5; v3 is the first flexible version.
// The producer stages consumer offsets inside its transaction; they become
// visible when the transaction commits. v1 is v0 on the wire, v2 adds each
// partition's committed_leader_epoch, v3 the consumer's generation_id,
// member_id and group_instance_id (KIP-447: the coordinator fences zombie
// consumers), v4 is v3 (the client can handle TRANSACTION_ABORTABLE), v5 is
// v4 (Kafka 4.0, KIP-890 part 2: the request also adds the group to the
// transaction, in place of AddOffsetsToTxn).
// No tagged fields.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/error_code.h"
#include "protocol/reader.h"
#include "protocol/writer.h"

namespace sluice::protocol {

struct txn_offset_commit_request {
  static constexpr api_key api = api_key::txn_offset_commit;

  struct txn_offset_commit_request_partition {
    int32_t partition_index = 0;
    int64_t committed_offset = 0;
    int32_t committed_leader_epoch = -1;  // v2+
    std::optional<std::string> committed_metadata;
    friend bool operator==(const txn_offset_commit_request_partition&,
                           const txn_offset_commit_request_partition&) = default;
  };
  struct txn_offset_commit_request_topic {
    std::string name;
    std::vector<txn_offset_commit_request_partition> partitions;
    friend bool operator==(const txn_offset_commit_request_topic&,
                           const txn_offset_commit_request_topic&) = default;
  };

  std::string transactional_id;
  std::string group_id;
  int64_t producer_id = 0;
  int16_t producer_epoch = 0;
  int32_t generation_id = -1;                    // v3+
  std::string member_id;                         // v3+
  std::optional<std::string> group_instance_id;  // v3+
  std::vector<txn_offset_commit_request_topic> topics;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const txn_offset_commit_request&,
                         const txn_offset_commit_request&) = default;
};

struct txn_offset_commit_response {
  static constexpr api_key api = api_key::txn_offset_commit;

  struct txn_offset_commit_response_partition {
    int32_t partition_index = 0;
    protocol::error_code error_code = protocol::error_code::none;
    friend bool operator==(const txn_offset_commit_response_partition&,
                           const txn_offset_commit_response_partition&) = default;
  };
  struct txn_offset_commit_response_topic {
    std::string name;
    std::vector<txn_offset_commit_response_partition> partitions;
    friend bool operator==(const txn_offset_commit_response_topic&,
                           const txn_offset_commit_response_topic&) = default;
  };

  int32_t throttle_time_ms = 0;
  std::vector<txn_offset_commit_response_topic> topics;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const txn_offset_commit_response&,
                         const txn_offset_commit_response&) = default;
};

}  // namespace sluice::protocol
