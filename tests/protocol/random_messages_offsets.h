#pragma once
// Random valid offset messages (OffsetCommit, OffsetFetch, OffsetDelete), one
// make<M>(version) per struct, under the same rule as random_messages.h: a
// generated message sets exactly the fields its version carries.

#include <optional>
#include <utility>

#include "protocol/messages/offset_commit.h"
#include "protocol/messages/offset_delete.h"
#include "protocol/messages/offset_fetch.h"
#include "tests/protocol/message_generator.h"

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
  m.group_id = string();
  auto topics = vec<M::offset_fetch_request_topic>(4, [&](M::offset_fetch_request_topic& t) {
    t.name = string();
    t.partition_indexes = ints<int32_t>(4);
  });
  // Null ("all topics") exists from v2 on.
  if (v < 2 || coin()) {
    m.topics = std::move(topics);
  } else {
    m.topics.reset();
  }
  return m;
}

template <>
inline offset_fetch_response message_generator::make(int16_t v) {
  using M = offset_fetch_response;
  M m;
  if (v >= 3) m.throttle_time_ms = any<int32_t>();
  m.topics = vec<M::offset_fetch_response_topic>(4, [&](M::offset_fetch_response_topic& t) {
    t.name = string();
    t.partitions = vec<M::offset_fetch_response_partition>(4, [&](auto& p) {
      p.partition_index = any<int32_t>();
      p.committed_offset = any<int64_t>();
      if (v >= 5) p.committed_leader_epoch = any<int32_t>();
      p.metadata = nullable_string();
      p.error_code = any_error();
    });
  });
  if (v >= 2) m.error_code = any_error();
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

}  // namespace sluice::protocol::testing
