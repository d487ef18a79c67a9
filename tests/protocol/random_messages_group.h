#pragma once
// Random valid consumer-group messages (FindCoordinator, JoinGroup,
// SyncGroup, Heartbeat, LeaveGroup, ListGroups, DescribeGroups, DeleteGroups)
// and consumer protocol payloads, one make<M>(version) per struct, under the
// same rule as random_messages.h: a generated message sets exactly the fields
// its version carries (flexible versions included; these APIs have no
// tagged fields). The offset APIs are in random_messages_offsets.h.

#include <optional>
#include <utility>

#include "protocol/consumer_protocol.h"
#include "protocol/messages/delete_groups.h"
#include "protocol/messages/describe_groups.h"
#include "protocol/messages/find_coordinator.h"
#include "protocol/messages/heartbeat.h"
#include "protocol/messages/join_group.h"
#include "protocol/messages/leave_group.h"
#include "protocol/messages/list_groups.h"
#include "protocol/messages/sync_group.h"
#include "tests/protocol/message_generator.h"

namespace sluice::protocol::testing {

template <>
inline find_coordinator_request message_generator::make(int16_t v) {
  find_coordinator_request m;
  if (v <= 3) m.key = string();
  if (v >= 1) m.key_type = any<int8_t>();
  if (v >= 4) m.coordinator_keys = strings(5);
  return m;
}

template <>
inline find_coordinator_response message_generator::make(int16_t v) {
  using M = find_coordinator_response;
  M m;
  if (v >= 1) m.throttle_time_ms = any<int32_t>();
  if (v <= 3) {
    m.error_code = any_error();
    if (v >= 1) m.error_message = nullable_string();
    m.node_id = any<int32_t>();
    m.host = string();
    m.port = any<int32_t>();
  } else {
    m.coordinators = vec<M::coordinator>(4, [&](M::coordinator& c) {
      c.key = string();
      c.node_id = any<int32_t>();
      c.host = string();
      c.port = any<int32_t>();
      c.error_code = any_error();
      c.error_message = nullable_string();
    });
  }
  return m;
}

template <>
inline join_group_request message_generator::make(int16_t v) {
  using M = join_group_request;
  M m;
  m.group_id = string();
  m.session_timeout_ms = any<int32_t>();
  if (v >= 1) m.rebalance_timeout_ms = any<int32_t>();
  m.member_id = string();
  if (v >= 5) m.group_instance_id = nullable_string();
  m.protocol_type = string();
  m.protocols = vec<M::join_group_request_protocol>(4, [&](M::join_group_request_protocol& p) {
    p.name = string();
    p.metadata = blob();
  });
  if (v >= 8) m.reason = nullable_string();
  return m;
}

template <>
inline join_group_response message_generator::make(int16_t v) {
  using M = join_group_response;
  M m;
  if (v >= 2) m.throttle_time_ms = any<int32_t>();
  m.error_code = any_error();
  m.generation_id = any<int32_t>();
  if (v >= 7) {
    m.protocol_type = nullable_string();
    m.protocol_name = nullable_string();
  } else {
    m.protocol_name = string();
  }
  m.leader = string();
  if (v >= 9) m.skip_assignment = coin();
  m.member_id = string();
  m.members = vec<M::join_group_response_member>(4, [&](M::join_group_response_member& mem) {
    mem.member_id = string();
    if (v >= 5) mem.group_instance_id = nullable_string();
    mem.metadata = blob();
  });
  return m;
}

template <>
inline sync_group_request message_generator::make(int16_t v) {
  using M = sync_group_request;
  M m;
  m.group_id = string();
  m.generation_id = any<int32_t>();
  m.member_id = string();
  if (v >= 3) m.group_instance_id = nullable_string();
  if (v >= 5) {
    m.protocol_type = nullable_string();
    m.protocol_name = nullable_string();
  }
  m.assignments = vec<M::sync_group_request_assignment>(4, [&](auto& a) {
    a.member_id = string();
    a.assignment = blob();
  });
  return m;
}

template <>
inline sync_group_response message_generator::make(int16_t v) {
  sync_group_response m;
  if (v >= 1) m.throttle_time_ms = any<int32_t>();
  m.error_code = any_error();
  if (v >= 5) {
    m.protocol_type = nullable_string();
    m.protocol_name = nullable_string();
  }
  m.assignment = blob();
  return m;
}

template <>
inline heartbeat_request message_generator::make(int16_t v) {
  heartbeat_request m;
  m.group_id = string();
  m.generation_id = any<int32_t>();
  m.member_id = string();
  if (v >= 3) m.group_instance_id = nullable_string();
  return m;
}

template <>
inline heartbeat_response message_generator::make(int16_t v) {
  heartbeat_response m;
  if (v >= 1) m.throttle_time_ms = any<int32_t>();
  m.error_code = any_error();
  return m;
}

template <>
inline leave_group_request message_generator::make(int16_t v) {
  using M = leave_group_request;
  M m;
  m.group_id = string();
  if (v <= 2) m.member_id = string();
  if (v >= 3) {
    m.members = vec<M::member_identity>(4, [&](M::member_identity& mem) {
      mem.member_id = string();
      mem.group_instance_id = nullable_string();
      if (v >= 5) mem.reason = nullable_string();
    });
  }
  return m;
}

template <>
inline leave_group_response message_generator::make(int16_t v) {
  using M = leave_group_response;
  M m;
  if (v >= 1) m.throttle_time_ms = any<int32_t>();
  m.error_code = any_error();
  if (v >= 3) {
    m.members = vec<M::member_response>(4, [&](M::member_response& mem) {
      mem.member_id = string();
      mem.group_instance_id = nullable_string();
      mem.error_code = any_error();
    });
  }
  return m;
}

template <>
inline list_groups_request message_generator::make(int16_t v) {
  list_groups_request m;
  if (v >= 4) m.states_filter = strings(4);
  if (v >= 5) m.types_filter = strings(3);
  return m;
}

template <>
inline list_groups_response message_generator::make(int16_t v) {
  using M = list_groups_response;
  M m;
  if (v >= 1) m.throttle_time_ms = any<int32_t>();
  m.error_code = any_error();
  m.groups = vec<M::listed_group>(5, [&](M::listed_group& g) {
    g.group_id = string();
    g.protocol_type = string();
    if (v >= 4) g.group_state = string();
    if (v >= 5) g.group_type = string();
  });
  return m;
}

template <>
inline describe_groups_request message_generator::make(int16_t v) {
  describe_groups_request m;
  m.groups = strings(5);
  if (v >= 3) m.include_authorized_operations = coin();
  return m;
}

template <>
inline describe_groups_response message_generator::make(int16_t v) {
  using M = describe_groups_response;
  M m;
  if (v >= 1) m.throttle_time_ms = any<int32_t>();
  m.groups = vec<M::described_group>(3, [&](M::described_group& g) {
    g.error_code = any_error();
    g.group_id = string();
    g.group_state = string();
    g.protocol_type = string();
    g.protocol_data = string();
    g.members = vec<M::described_group_member>(4, [&](M::described_group_member& mem) {
      mem.member_id = string();
      if (v >= 4) mem.group_instance_id = nullable_string();
      mem.client_id = string();
      mem.client_host = string();
      mem.member_metadata = blob();
      mem.member_assignment = blob();
    });
    if (v >= 3) g.authorized_operations = any<int32_t>();
  });
  return m;
}

template <>
inline delete_groups_request message_generator::make(int16_t /*v*/) {
  delete_groups_request m;
  m.groups_names = strings(5);
  return m;
}

template <>
inline delete_groups_response message_generator::make(int16_t /*v*/) {
  using M = delete_groups_response;
  M m;
  m.throttle_time_ms = any<int32_t>();
  m.results = vec<M::deletable_group_result>(5, [&](M::deletable_group_result& g) {
    g.group_id = string();
    g.error_code = any_error();
  });
  return m;
}

template <>
inline consumer_protocol_subscription message_generator::make(int16_t v) {
  using M = consumer_protocol_subscription;
  M m;
  m.topics = strings(5);
  m.user_data = nullable_blob();
  if (v >= 1) {
    m.owned_partitions = vec<M::topic_partition>(4, [&](M::topic_partition& tp) {
      tp.topic = string();
      tp.partitions = ints<int32_t>(4);
    });
  }
  return m;
}

template <>
inline consumer_protocol_assignment message_generator::make(int16_t /*v*/) {
  using M = consumer_protocol_assignment;
  M m;
  m.assigned_partitions = vec<M::topic_partition>(4, [&](M::topic_partition& tp) {
    tp.topic = string();
    tp.partitions = ints<int32_t>(4);
  });
  m.user_data = nullable_blob();
  return m;
}

}  // namespace sluice::protocol::testing
