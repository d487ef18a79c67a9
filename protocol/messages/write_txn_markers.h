#pragma once
// WriteTxnMarkers (key 27), versions 0-1; v1 is v0 in the flexible encoding.
// The transaction coordinator asks a partition leader to append commit or
// abort markers (control batches) for each producer's transaction; in Kafka
// it is broker-to-broker only. No tagged fields.

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/error_code.h"
#include "protocol/reader.h"
#include "protocol/writer.h"

namespace sluice::protocol {

struct write_txn_markers_request {
  static constexpr api_key api = api_key::write_txn_markers;

  struct writable_txn_marker_topic {
    std::string name;
    std::vector<int32_t> partition_indexes;
    friend bool operator==(const writable_txn_marker_topic&,
                           const writable_txn_marker_topic&) = default;
  };
  struct writable_txn_marker {
    int64_t producer_id = 0;
    int16_t producer_epoch = 0;
    bool transaction_result = false;  // false: abort, true: commit
    std::vector<writable_txn_marker_topic> topics;
    int32_t coordinator_epoch = 0;
    friend bool operator==(const writable_txn_marker&, const writable_txn_marker&) = default;
  };

  std::vector<writable_txn_marker> markers;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const write_txn_markers_request&,
                         const write_txn_markers_request&) = default;
};

struct write_txn_markers_response {
  static constexpr api_key api = api_key::write_txn_markers;

  struct writable_txn_marker_partition_result {
    int32_t partition_index = 0;
    protocol::error_code error_code = protocol::error_code::none;
    friend bool operator==(const writable_txn_marker_partition_result&,
                           const writable_txn_marker_partition_result&) = default;
  };
  struct writable_txn_marker_topic_result {
    std::string name;
    std::vector<writable_txn_marker_partition_result> partitions;
    friend bool operator==(const writable_txn_marker_topic_result&,
                           const writable_txn_marker_topic_result&) = default;
  };
  struct writable_txn_marker_result {
    int64_t producer_id = 0;
    std::vector<writable_txn_marker_topic_result> topics;
    friend bool operator==(const writable_txn_marker_result&,
                           const writable_txn_marker_result&) = default;
  };

  std::vector<writable_txn_marker_result> markers;

  void decode(reader& r, int16_t version);
  void encode(writer& w, int16_t version) const;
  friend bool operator==(const write_txn_markers_response&,
                         const write_txn_markers_response&) = default;
};

}  // namespace sluice::protocol
