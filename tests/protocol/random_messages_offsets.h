#pragma once
// Random valid offset messages (OffsetCommit, OffsetFetch, OffsetDelete,
// OffsetForLeaderEpoch, DescribeTopicPartitions), one make<M>(version) per struct, under the same
// rule as random_messages.h: a generated message sets exactly the fields its version carries.

#include <optional>
#include <utility>

#include "protocol/messages/describe_topic_partitions.h"
#include "protocol/messages/offset_commit.h"
#include "protocol/messages/offset_delete.h"
#include "protocol/messages/offset_fetch.h"
#include "protocol/messages/offset_for_leader_epoch.h"
#include "tests/protocol/message_generator.h"
#include "tests/protocol/random_messages.h"

namespace sluice::protocol::testing {

template <>
inline offset_commit_request message_generator::make(int16_t v) {
  using M = offset_commit_request;
  M m;
  m.group_id = string();
  if (v >= 1) {
    m.generation_id = any<int32_t>();
    m.member_id = string();
  }
  if (v >= 7) m.group_instance_id = nullable_string();
  if (v >= 2 && v <= 4) m.retention_time_ms = any<int64_t>();
  m.topics = vec<M::offset_commit_request_topic>(4, [&](M::offset_commit_request_topic& t) {
    t.name = string();
    t.partitions = vec<M::offset_commit_request_partition>(4, [&](auto& p) {
      p.partition_index = any<int32_t>();
      p.committed_offset = any<int64_t>();
      if (v >= 6) p.committed_leader_epoch = any<int32_t>();
      if (v == 1) p.commit_timestamp = any<int64_t>();
      p.committed_metadata = nullable_string();
    });
  });
  return m;
}

template <>
inline offset_commit_response message_generator::make(int16_t v) {
  using M = offset_commit_response;
  M m;
  if (v >= 3) m.throttle_time_ms = any<int32_t>();
  m.topics = vec<M::offset_commit_response_topic>(4, [&](M::offset_commit_response_topic& t) {
    t.name = string();
    t.partitions = vec<M::offset_commit_response_partition>(4, [&](auto& p) {
      p.partition_index = any<int32_t>();
      p.error_code = any_error();
    });
  });
  return m;
}

template <>
inline offset_fetch_request message_generator::make(int16_t v) {
  using M = offset_fetch_request;
  M m;
  auto topics = [&](bool nullable) {
    std::optional<std::vector<M::offset_fetch_request_topic>> out;
    // Null ("all topics") exists from v2 on.
    if (!nullable || coin()) {
      out = vec<M::offset_fetch_request_topic>(4, [&](M::offset_fetch_request_topic& t) {
        t.name = string();
        t.partition_indexes = ints<int32_t>(4);
      });
    }
    return out;
  };
  if (v <= 7) {
    m.group_id = string();
    m.topics = topics(v >= 2);
  } else {
    m.groups = vec<M::offset_fetch_request_group>(3, [&](M::offset_fetch_request_group& g) {
      g.group_id = string();
      if (v >= 9) {
        g.member_id = nullable_string();
        g.member_epoch = any<int32_t>();
      }
      g.topics = topics(true);
    });
  }
  if (v >= 7) m.require_stable = coin();
  return m;
}

template <>
inline offset_fetch_response message_generator::make(int16_t v) {
  using M = offset_fetch_response;
  M m;
  if (v >= 3) m.throttle_time_ms = any<int32_t>();
  auto topics = [&] {
    return vec<M::offset_fetch_response_topic>(4, [&](M::offset_fetch_response_topic& t) {
      t.name = string();
      t.partitions = vec<M::offset_fetch_response_partition>(4, [&](auto& p) {
        p.partition_index = any<int32_t>();
        p.committed_offset = any<int64_t>();
        if (v >= 5) p.committed_leader_epoch = any<int32_t>();
        p.metadata = nullable_string();
        p.error_code = any_error();
      });
    });
  };
  if (v <= 7) {
    m.topics = topics();
    if (v >= 2) m.error_code = any_error();
  } else {
    m.groups = vec<M::offset_fetch_response_group>(3, [&](M::offset_fetch_response_group& g) {
      g.group_id = string();
      g.topics = topics();
      g.error_code = any_error();
    });
  }
  return m;
}

template <>
inline offset_delete_request message_generator::make(int16_t /*v*/) {
  using M = offset_delete_request;
  M m;
  m.group_id = string();
  m.topics = vec<M::offset_delete_request_topic>(4, [&](M::offset_delete_request_topic& t) {
    t.name = string();
    t.partitions = vec<M::offset_delete_request_partition>(
        4, [&](M::offset_delete_request_partition& p) { p.partition_index = any<int32_t>(); });
  });
  return m;
}

template <>
inline offset_delete_response message_generator::make(int16_t /*v*/) {
  using M = offset_delete_response;
  M m;
  m.error_code = any_error();
  m.throttle_time_ms = any<int32_t>();
  m.topics = vec<M::offset_delete_response_topic>(4, [&](M::offset_delete_response_topic& t) {
    t.name = string();
    t.partitions = vec<M::offset_delete_response_partition>(4, [&](auto& p) {
      p.partition_index = any<int32_t>();
      p.error_code = any_error();
    });
  });
  return m;
}

template <>
inline offset_for_leader_epoch_request message_generator::make(int16_t v) {
  using M = offset_for_leader_epoch_request;
  M m;
  if (v >= 3) m.replica_id = any<int32_t>();
  m.topics = vec<M::offset_for_leader_topic>(4, [&](M::offset_for_leader_topic& t) {
    t.topic = string();
    t.partitions = vec<M::offset_for_leader_partition>(4, [&](auto& p) {
      p.partition = any<int32_t>();
      if (v >= 2) p.current_leader_epoch = any<int32_t>();
      p.leader_epoch = any<int32_t>();
    });
  });
  return m;
}

template <>
inline offset_for_leader_epoch_response message_generator::make(int16_t v) {
  using M = offset_for_leader_epoch_response;
  M m;
  if (v >= 2) m.throttle_time_ms = any<int32_t>();
  m.topics = vec<M::offset_for_leader_topic_result>(4, [&](M::offset_for_leader_topic_result& t) {
    t.topic = string();
    t.partitions = vec<M::epoch_end_offset>(4, [&](M::epoch_end_offset& p) {
      p.error_code = any_error();
      p.partition = any<int32_t>();
      if (v >= 1) p.leader_epoch = any<int32_t>();
      p.end_offset = any<int64_t>();
    });
  });
  return m;
}

template <>
inline describe_topic_partitions_request message_generator::make(int16_t /*v*/) {
  using M = describe_topic_partitions_request;
  M m;
  m.topics = vec<M::topic_request>(4, [&](M::topic_request& t) { t.name = string(); });
  m.response_partition_limit = any<int32_t>();
  if (coin()) m.cursor = describe_topic_partitions_cursor{string(), any<int32_t>()};
  return m;
}

template <>
inline describe_topic_partitions_response message_generator::make(int16_t /*v*/) {
  using M = describe_topic_partitions_response;
  M m;
  m.throttle_time_ms = any<int32_t>();
  m.topics = vec<M::topic>(4, [&](M::topic& t) {
    t.error_code = any_error();
    t.name = nullable_string();
    t.topic_id = random_id(*this);
    t.is_internal = coin();
    t.partitions = vec<M::partition>(4, [&](M::partition& p) {
      p.error_code = any_error();
      p.partition_index = any<int32_t>();
      p.leader_id = any<int32_t>();
      p.leader_epoch = any<int32_t>();
      p.replica_nodes = ints<int32_t>(4);
      p.isr_nodes = ints<int32_t>(4);
      if (coin()) p.eligible_leader_replicas = ints<int32_t>(4);
      if (coin()) p.last_known_elr = ints<int32_t>(4);
      p.offline_replicas = ints<int32_t>(4);
    });
    t.topic_authorized_operations = any<int32_t>();
  });
  if (coin()) m.next_cursor = describe_topic_partitions_cursor{string(), any<int32_t>()};
  return m;
}

}  // namespace sluice::protocol::testing
