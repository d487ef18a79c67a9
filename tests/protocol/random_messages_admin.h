#pragma once
// Random valid admin messages (CreateTopics, DeleteTopics, CreatePartitions,
// DescribeConfigs, AlterConfigs, IncrementalAlterConfigs, DeleteRecords,
// DescribeCluster, DescribeLogDirs, InitProducerId), one
// make<M>(version) per struct, under the same rule as random_messages.h: a
// generated message sets exactly the fields its version carries.

#include <optional>
#include <utility>

#include "protocol/messages/alter_configs.h"
#include "protocol/messages/create_partitions.h"
#include "protocol/messages/create_topics.h"
#include "protocol/messages/delete_records.h"
#include "protocol/messages/delete_topics.h"
#include "protocol/messages/describe_cluster.h"
#include "protocol/messages/describe_configs.h"
#include "protocol/messages/describe_log_dirs.h"
#include "protocol/messages/incremental_alter_configs.h"
#include "protocol/messages/init_producer_id.h"
#include "tests/protocol/message_generator.h"

namespace sluice::protocol::testing {

// A topic id: sometimes zero (Kafka's "no id"), usually random.
inline uuid admin_uuid(message_generator& g) {
  uuid u;
  if (g.uniform(0, 4) == 0) return u;
  for (std::byte& b : u.bytes) b = static_cast<std::byte>(g.uniform(0, 255));
  return u;
}

template <>
inline create_topics_request message_generator::make(int16_t v) {
  using M = create_topics_request;
  M m;
  m.topics = vec<M::creatable_topic>(4, [&](M::creatable_topic& t) {
    t.name = string();
    t.num_partitions = any<int32_t>();
    t.replication_factor = any<int16_t>();
    t.assignments = vec<M::creatable_replica_assignment>(3, [&](auto& a) {
      a.partition_index = any<int32_t>();
      a.broker_ids = ints<int32_t>(3);
    });
    t.configs = vec<M::creatable_topic_config>(3, [&](auto& c) {
      c.name = string();
      c.value = nullable_string();
    });
  });
  m.timeout_ms = any<int32_t>();
  if (v >= 1) m.validate_only = coin();
  return m;
}

template <>
inline create_topics_response message_generator::make(int16_t v) {
  using M = create_topics_response;
  M m;
  if (v >= 2) m.throttle_time_ms = any<int32_t>();
  m.topics = vec<M::creatable_topic_result>(5, [&](M::creatable_topic_result& t) {
    t.name = string();
    if (v >= 7) t.topic_id = admin_uuid(*this);
    t.error_code = any_error();
    if (v >= 1) t.error_message = nullable_string();
    if (v >= 5) {
      if (coin()) t.topic_config_error_code = any<int16_t>();
      t.num_partitions = any<int32_t>();
      t.replication_factor = any<int16_t>();
      if (coin()) {
        t.configs = vec<M::creatable_topic_configs>(4, [&](M::creatable_topic_configs& c) {
          c.name = string();
          c.value = nullable_string();
          c.read_only = coin();
          c.config_source = any<int8_t>();
          c.is_sensitive = coin();
        });
      }
    }
  });
  return m;
}

template <>
inline delete_topics_request message_generator::make(int16_t v) {
  using M = delete_topics_request;
  M m;
  if (v >= 6) {
    m.topics = vec<M::delete_topic_state>(5, [&](M::delete_topic_state& t) {
      t.name = nullable_string();
      t.topic_id = admin_uuid(*this);
    });
  } else {
    m.topic_names = strings(5);
  }
  m.timeout_ms = any<int32_t>();
  return m;
}

template <>
inline delete_topics_response message_generator::make(int16_t v) {
  using M = delete_topics_response;
  M m;
  if (v >= 1) m.throttle_time_ms = any<int32_t>();
  m.responses = vec<M::deletable_topic_result>(5, [&](M::deletable_topic_result& t) {
    t.name = v >= 6 ? nullable_string() : string();
    if (v >= 6) t.topic_id = admin_uuid(*this);
    t.error_code = any_error();
    if (v >= 5) t.error_message = nullable_string();
  });
  return m;
}

template <>
inline create_partitions_request message_generator::make(int16_t /*v*/) {
  using M = create_partitions_request;
  M m;
  m.topics = vec<M::create_partitions_topic>(4, [&](M::create_partitions_topic& t) {
    t.name = string();
    t.count = any<int32_t>();
    if (coin()) {
      t.assignments = vec<M::create_partitions_assignment>(
          3, [&](M::create_partitions_assignment& a) { a.broker_ids = ints<int32_t>(3); });
    }
  });
  m.timeout_ms = any<int32_t>();
  m.validate_only = coin();
  return m;
}

template <>
inline create_partitions_response message_generator::make(int16_t /*v*/) {
  using M = create_partitions_response;
  M m;
  m.throttle_time_ms = any<int32_t>();
  m.results = vec<M::create_partitions_topic_result>(5, [&](auto& t) {
    t.name = string();
    t.error_code = any_error();
    t.error_message = nullable_string();
  });
  return m;
}

template <>
inline describe_configs_request message_generator::make(int16_t v) {
  using M = describe_configs_request;
  M m;
  m.resources = vec<M::describe_configs_resource>(4, [&](M::describe_configs_resource& r) {
    r.resource_type = any<int8_t>();
    r.resource_name = string();
    if (coin()) r.configuration_keys = strings(4);
  });
  if (v >= 1) m.include_synonyms = coin();
  if (v >= 3) m.include_documentation = coin();
  return m;
}

template <>
inline describe_configs_response message_generator::make(int16_t v) {
  using M = describe_configs_response;
  M m;
  m.throttle_time_ms = any<int32_t>();
  m.results = vec<M::describe_configs_result>(3, [&](M::describe_configs_result& r) {
    r.error_code = any_error();
    r.error_message = nullable_string();
    r.resource_type = any<int8_t>();
    r.resource_name = string();
    r.configs = vec<M::describe_configs_resource_result>(4, [&](auto& c) {
      c.name = string();
      c.value = nullable_string();
      c.read_only = coin();
      if (v == 0) c.is_default = coin();
      if (v >= 1) c.config_source = any<int8_t>();
      c.is_sensitive = coin();
      if (v >= 1) {
        c.synonyms = vec<M::describe_configs_synonym>(3, [&](M::describe_configs_synonym& s) {
          s.name = string();
          s.value = nullable_string();
          s.source = any<int8_t>();
        });
      }
      if (v >= 3) {
        c.config_type = any<int8_t>();
        c.documentation = nullable_string();
      }
    });
  });
  return m;
}

template <>
inline alter_configs_request message_generator::make(int16_t /*v*/) {
  using M = alter_configs_request;
  M m;
  m.resources = vec<M::alter_configs_resource>(4, [&](M::alter_configs_resource& r) {
    r.resource_type = any<int8_t>();
    r.resource_name = string();
    r.configs = vec<M::alterable_config>(4, [&](M::alterable_config& c) {
      c.name = string();
      c.value = nullable_string();
    });
  });
  m.validate_only = coin();
  return m;
}

template <>
inline alter_configs_response message_generator::make(int16_t /*v*/) {
  using M = alter_configs_response;
  M m;
  m.throttle_time_ms = any<int32_t>();
  m.responses = vec<M::alter_configs_resource_response>(4, [&](auto& r) {
    r.error_code = any_error();
    r.error_message = nullable_string();
    r.resource_type = any<int8_t>();
    r.resource_name = string();
  });
  return m;
}

template <>
inline delete_records_request message_generator::make(int16_t /*v*/) {
  using M = delete_records_request;
  M m;
  m.topics = vec<M::delete_records_topic>(4, [&](M::delete_records_topic& t) {
    t.name = string();
    t.partitions = vec<M::delete_records_partition>(4, [&](M::delete_records_partition& p) {
      p.partition_index = any<int32_t>();
      p.offset = any<int64_t>();
    });
  });
  m.timeout_ms = any<int32_t>();
  return m;
}

template <>
inline delete_records_response message_generator::make(int16_t /*v*/) {
  using M = delete_records_response;
  M m;
  m.throttle_time_ms = any<int32_t>();
  m.topics = vec<M::delete_records_topic_result>(4, [&](M::delete_records_topic_result& t) {
    t.name = string();
    t.partitions = vec<M::delete_records_partition_result>(4, [&](auto& p) {
      p.partition_index = any<int32_t>();
      p.low_watermark = any<int64_t>();
      p.error_code = any_error();
    });
  });
  return m;
}

template <>
inline incremental_alter_configs_request message_generator::make(int16_t /*v*/) {
  using M = incremental_alter_configs_request;
  M m;
  m.resources = vec<M::alter_configs_resource>(4, [&](M::alter_configs_resource& r) {
    r.resource_type = any<int8_t>();
    r.resource_name = string();
    r.configs = vec<M::alterable_config>(4, [&](M::alterable_config& c) {
      c.name = string();
      c.config_operation = any<int8_t>();
      c.value = nullable_string();
    });
  });
  m.validate_only = coin();
  return m;
}

template <>
inline incremental_alter_configs_response message_generator::make(int16_t v) {
  incremental_alter_configs_response m;
  static_cast<alter_configs_response&>(m) = make<alter_configs_response>(v);  // same shape
  return m;
}

template <>
inline describe_cluster_request message_generator::make(int16_t v) {
  describe_cluster_request m;
  m.include_cluster_authorized_operations = coin();
  if (v >= 1) m.endpoint_type = any<int8_t>();
  return m;
}

template <>
inline describe_cluster_response message_generator::make(int16_t v) {
  using M = describe_cluster_response;
  M m;
  m.throttle_time_ms = any<int32_t>();
  m.error_code = any_error();
  m.error_message = nullable_string();
  if (v >= 1) m.endpoint_type = any<int8_t>();
  m.cluster_id = string();
  m.controller_id = any<int32_t>();
  m.brokers = vec<M::describe_cluster_broker>(4, [&](M::describe_cluster_broker& b) {
    b.broker_id = any<int32_t>();
    b.host = string();
    b.port = any<int32_t>();
    b.rack = nullable_string();
  });
  m.cluster_authorized_operations = any<int32_t>();
  return m;
}

template <>
inline describe_log_dirs_request message_generator::make(int16_t /*v*/) {
  using M = describe_log_dirs_request;
  M m;
  if (coin()) {
    m.topics = vec<M::describable_log_dir_topic>(4, [&](M::describable_log_dir_topic& t) {
      t.topic = string();
      t.partitions = ints<int32_t>(4);
    });
  }
  return m;
}

template <>
inline describe_log_dirs_response message_generator::make(int16_t v) {
  using M = describe_log_dirs_response;
  M m;
  m.throttle_time_ms = any<int32_t>();
  if (v >= 3) m.error_code = any_error();
  m.results = vec<M::describe_log_dirs_result>(3, [&](M::describe_log_dirs_result& d) {
    d.error_code = any_error();
    d.log_dir = string();
    d.topics = vec<M::describe_log_dirs_topic>(3, [&](M::describe_log_dirs_topic& t) {
      t.name = string();
      t.partitions = vec<M::describe_log_dirs_partition>(4, [&](auto& p) {
        p.partition_index = any<int32_t>();
        p.partition_size = any<int64_t>();
        p.offset_lag = any<int64_t>();
        p.is_future_key = coin();
      });
    });
    if (v >= 4) {
      d.total_bytes = any<int64_t>();
      d.usable_bytes = any<int64_t>();
    }
  });
  return m;
}

template <>
inline init_producer_id_request message_generator::make(int16_t v) {
  init_producer_id_request m;
  m.transactional_id = nullable_string();
  m.transaction_timeout_ms = any<int32_t>();
  if (v >= 3) {
    m.producer_id = any<int64_t>();
    m.producer_epoch = any<int16_t>();
  }
  return m;
}

template <>
inline init_producer_id_response message_generator::make(int16_t /*v*/) {
  init_producer_id_response m;
  m.throttle_time_ms = any<int32_t>();
  m.error_code = any_error();
  m.producer_id = any<int64_t>();
  m.producer_epoch = any<int16_t>();
  return m;
}

}  // namespace sluice::protocol::testing
