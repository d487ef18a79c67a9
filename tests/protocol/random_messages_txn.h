#pragma once
// Random valid exactly-once messages (AddPartitionsToTxn, AddOffsetsToTxn,
// EndTxn, WriteTxnMarkers, TxnOffsetCommit, DescribeProducers,
// DescribeTransactions, ListTransactions), one make<M>(version) per struct,
// under the same rule as random_messages.h: a generated message sets exactly
// the fields its version carries. InitProducerId's are in
// random_messages_admin.h.

#include "protocol/messages/add_offsets_to_txn.h"
#include "protocol/messages/add_partitions_to_txn.h"
#include "protocol/messages/describe_producers.h"
#include "protocol/messages/describe_transactions.h"
#include "protocol/messages/end_txn.h"
#include "protocol/messages/list_transactions.h"
#include "protocol/messages/txn_offset_commit.h"
#include "protocol/messages/write_txn_markers.h"
#include "tests/protocol/message_generator.h"

namespace sluice::protocol::testing {

template <>
inline add_partitions_to_txn_request message_generator::make(int16_t v) {
  using M = add_partitions_to_txn_request;
  M m;
  auto topics = [&] {
    return vec<M::add_partitions_to_txn_topic>(4, [&](M::add_partitions_to_txn_topic& t) {
      t.name = string();
      t.partitions = ints<int32_t>(5);
    });
  };
  if (v >= 4) {
    m.transactions =
        vec<M::add_partitions_to_txn_transaction>(3, [&](M::add_partitions_to_txn_transaction& t) {
          t.transactional_id = string();
          t.producer_id = any<int64_t>();
          t.producer_epoch = any<int16_t>();
          t.verify_only = coin();
          t.topics = topics();
        });
  } else {
    m.v3_and_below_transactional_id = string();
    m.v3_and_below_producer_id = any<int64_t>();
    m.v3_and_below_producer_epoch = any<int16_t>();
    m.v3_and_below_topics = topics();
  }
  return m;
}

template <>
inline add_partitions_to_txn_response message_generator::make(int16_t v) {
  using M = add_partitions_to_txn_response;
  M m;
  m.throttle_time_ms = any<int32_t>();
  auto topic_results = [&] {
    return vec<M::add_partitions_to_txn_topic_result>(
        4, [&](M::add_partitions_to_txn_topic_result& t) {
          t.name = string();
          t.results_by_partition = vec<M::add_partitions_to_txn_partition_result>(
              4, [&](M::add_partitions_to_txn_partition_result& p) {
                p.partition_index = any<int32_t>();
                p.partition_error_code = any_error();
              });
        });
  };
  if (v >= 4) {
    m.error_code = any_error();
    m.results_by_transaction =
        vec<M::add_partitions_to_txn_result>(3, [&](M::add_partitions_to_txn_result& r) {
          r.transactional_id = string();
          r.topic_results = topic_results();
        });
  } else {
    m.results_by_topic_v3_and_below = topic_results();
  }
  return m;
}

template <>
inline add_offsets_to_txn_request message_generator::make(int16_t /*v*/) {
  add_offsets_to_txn_request m;
  m.transactional_id = string();
  m.producer_id = any<int64_t>();
  m.producer_epoch = any<int16_t>();
  m.group_id = string();
  return m;
}

template <>
inline add_offsets_to_txn_response message_generator::make(int16_t /*v*/) {
  add_offsets_to_txn_response m;
  m.throttle_time_ms = any<int32_t>();
  m.error_code = any_error();
  return m;
}

template <>
inline end_txn_request message_generator::make(int16_t /*v*/) {
  end_txn_request m;
  m.transactional_id = string();
  m.producer_id = any<int64_t>();
  m.producer_epoch = any<int16_t>();
  m.committed = coin();
  return m;
}

template <>
inline end_txn_response message_generator::make(int16_t v) {
  end_txn_response m;
  m.throttle_time_ms = any<int32_t>();
  m.error_code = any_error();
  if (v >= 5) {
    m.producer_id = any<int64_t>();
    m.producer_epoch = any<int16_t>();
  }
  return m;
}

template <>
inline write_txn_markers_request message_generator::make(int16_t /*v*/) {
  using M = write_txn_markers_request;
  M m;
  m.markers = vec<M::writable_txn_marker>(3, [&](M::writable_txn_marker& k) {
    k.producer_id = any<int64_t>();
    k.producer_epoch = any<int16_t>();
    k.transaction_result = coin();
    k.topics = vec<M::writable_txn_marker_topic>(3, [&](M::writable_txn_marker_topic& t) {
      t.name = string();
      t.partition_indexes = ints<int32_t>(4);
    });
    k.coordinator_epoch = any<int32_t>();
  });
  return m;
}

template <>
inline write_txn_markers_response message_generator::make(int16_t /*v*/) {
  using M = write_txn_markers_response;
  M m;
  m.markers = vec<M::writable_txn_marker_result>(3, [&](M::writable_txn_marker_result& k) {
    k.producer_id = any<int64_t>();
    k.topics =
        vec<M::writable_txn_marker_topic_result>(3, [&](M::writable_txn_marker_topic_result& t) {
          t.name = string();
          t.partitions = vec<M::writable_txn_marker_partition_result>(
              4, [&](M::writable_txn_marker_partition_result& p) {
                p.partition_index = any<int32_t>();
                p.error_code = any_error();
              });
        });
  });
  return m;
}

template <>
inline txn_offset_commit_request message_generator::make(int16_t v) {
  using M = txn_offset_commit_request;
  M m;
  m.transactional_id = string();
  m.group_id = string();
  m.producer_id = any<int64_t>();
  m.producer_epoch = any<int16_t>();
  if (v >= 3) {
    m.generation_id = any<int32_t>();
    m.member_id = string();
    m.group_instance_id = nullable_string();
  }
  m.topics = vec<M::txn_offset_commit_request_topic>(4, [&](M::txn_offset_commit_request_topic& t) {
    t.name = string();
    t.partitions = vec<M::txn_offset_commit_request_partition>(
        4, [&](M::txn_offset_commit_request_partition& p) {
          p.partition_index = any<int32_t>();
          p.committed_offset = any<int64_t>();
          if (v >= 2) p.committed_leader_epoch = any<int32_t>();
          p.committed_metadata = nullable_string();
        });
  });
  return m;
}

template <>
inline txn_offset_commit_response message_generator::make(int16_t /*v*/) {
  using M = txn_offset_commit_response;
  M m;
  m.throttle_time_ms = any<int32_t>();
  m.topics =
      vec<M::txn_offset_commit_response_topic>(4, [&](M::txn_offset_commit_response_topic& t) {
        t.name = string();
        t.partitions = vec<M::txn_offset_commit_response_partition>(
            4, [&](M::txn_offset_commit_response_partition& p) {
              p.partition_index = any<int32_t>();
              p.error_code = any_error();
            });
      });
  return m;
}

template <>
inline describe_producers_request message_generator::make(int16_t /*v*/) {
  using M = describe_producers_request;
  M m;
  m.topics = vec<M::topic_request>(4, [&](M::topic_request& t) {
    t.name = string();
    t.partition_indexes = ints<int32_t>(5);
  });
  return m;
}

template <>
inline describe_producers_response message_generator::make(int16_t /*v*/) {
  using M = describe_producers_response;
  M m;
  m.throttle_time_ms = any<int32_t>();
  m.topics = vec<M::topic_response>(3, [&](M::topic_response& t) {
    t.name = string();
    t.partitions = vec<M::partition_response>(3, [&](M::partition_response& p) {
      p.partition_index = any<int32_t>();
      p.error_code = any_error();
      p.error_message = nullable_string();
      p.active_producers = vec<M::producer_state>(3, [&](M::producer_state& s) {
        s.producer_id = any<int64_t>();
        s.producer_epoch = any<int32_t>();
        s.last_sequence = any<int32_t>();
        s.last_timestamp = any<int64_t>();
        s.coordinator_epoch = any<int32_t>();
        s.current_txn_start_offset = any<int64_t>();
      });
    });
  });
  return m;
}

template <>
inline describe_transactions_request message_generator::make(int16_t /*v*/) {
  describe_transactions_request m;
  m.transactional_ids = strings(5);
  return m;
}

template <>
inline describe_transactions_response message_generator::make(int16_t /*v*/) {
  using M = describe_transactions_response;
  M m;
  m.throttle_time_ms = any<int32_t>();
  m.transaction_states = vec<M::transaction_state>(4, [&](M::transaction_state& s) {
    s.error_code = any_error();
    s.transactional_id = string();
    s.transaction_state = string();
    s.transaction_timeout_ms = any<int32_t>();
    s.transaction_start_time_ms = any<int64_t>();
    s.producer_id = any<int64_t>();
    s.producer_epoch = any<int16_t>();
    s.topics = vec<M::topic_data>(3, [&](M::topic_data& t) {
      t.topic = string();
      t.partitions = ints<int32_t>(4);
    });
  });
  return m;
}

template <>
inline list_transactions_request message_generator::make(int16_t v) {
  list_transactions_request m;
  m.state_filters = strings(4);
  m.producer_id_filters = ints<int64_t>(4);
  if (v >= 1) m.duration_filter = any<int64_t>();
  return m;
}

template <>
inline list_transactions_response message_generator::make(int16_t /*v*/) {
  using M = list_transactions_response;
  M m;
  m.throttle_time_ms = any<int32_t>();
  m.error_code = any_error();
  m.unknown_state_filters = strings(3);
  m.transaction_states = vec<M::transaction_state>(5, [&](M::transaction_state& s) {
    s.transactional_id = string();
    s.producer_id = any<int64_t>();
    s.transaction_state = string();
  });
  return m;
}

}  // namespace sluice::protocol::testing
