#pragma once
// Random valid messages, one make<M>(version) per message struct. A generated
// message sets exactly the fields its version carries and leaves the rest at
// their defaults, which is what a decoder produces, so decode(encode(m)) == m
// must hold exactly.

#include <optional>
#include <utility>

#include "protocol/messages/api_versions.h"
#include "protocol/messages/fetch.h"
#include "protocol/messages/list_offsets.h"
#include "protocol/messages/metadata.h"
#include "protocol/messages/produce.h"
#include "tests/protocol/message_generator.h"

namespace sluice::protocol::testing {

// A topic (or directory) id: sometimes zero (Kafka's "no id"), usually random.
inline uuid random_id(message_generator& g) {
  uuid u;
  if (g.uniform(0, 4) == 0) return u;
  for (std::byte& b : u.bytes) b = static_cast<std::byte>(g.uniform(0, 255));
  return u;
}

// Produce v10+ and Fetch v16+ node_endpoints (empty in most answers).
inline std::vector<share_node_endpoint> random_endpoints(message_generator& g) {
  return g.vec<share_node_endpoint>(3, [&](share_node_endpoint& n) {
    n = {g.any<int32_t>(), g.string(), g.any<int32_t>(), g.nullable_string()};
  });
}

template <>
inline api_versions_request message_generator::make(int16_t v) {
  api_versions_request m;
  if (v >= 3) {
    m.client_software_name = string();
    m.client_software_version = string();
  }
  return m;
}

template <>
inline api_versions_response message_generator::make(int16_t v) {
  using M = api_versions_response;
  M m;
  m.error_code = any_error();
  m.api_keys = vec<M::api_version>(6, [&](M::api_version& a) {
    a = {any<int16_t>(), any<int16_t>(), any<int16_t>()};
  });
  if (v >= 1) m.throttle_time_ms = any<int32_t>();
  if (v >= 3) {
    m.supported_features = vec<M::supported_feature_key>(3, [&](M::supported_feature_key& k) {
      k = {string(), any<int16_t>(), any<int16_t>()};
    });
    if (coin()) m.finalized_features_epoch = any<int64_t>();
    m.finalized_features = vec<M::finalized_feature_key>(3, [&](M::finalized_feature_key& k) {
      k = {string(), any<int16_t>(), any<int16_t>()};
    });
    m.zk_migration_ready = coin();
  }
  return m;
}

template <>
inline metadata_request message_generator::make(int16_t v) {
  metadata_request m;
  auto topics = vec<metadata_request::topic>(5, [&](metadata_request::topic& t) {
    // v10+ carry an id and a nullable name (only v12 may use them, the
    // broker's rule; the codec writes whatever it is given).
    t.name = v >= 10 ? nullable_string() : string();
    if (v >= 10) t.topic_id = random_id(*this);
  });
  // v0 cannot say null: "all topics" is an empty array there.
  if (v == 0 || coin()) m.topics = std::move(topics);
  if (v >= 4) m.allow_auto_topic_creation = coin();
  if (v >= 8 && v <= 10) m.include_cluster_authorized_operations = coin();
  if (v >= 8) m.include_topic_authorized_operations = coin();
  return m;
}

template <>
inline metadata_response message_generator::make(int16_t v) {
  using M = metadata_response;
  M m;
  if (v >= 3) m.throttle_time_ms = any<int32_t>();
  m.brokers = vec<M::broker>(4, [&](M::broker& b) {
    b.node_id = any<int32_t>();
    b.host = string();
    b.port = any<int32_t>();
    if (v >= 1) b.rack = nullable_string();
  });
  if (v >= 2) m.cluster_id = nullable_string();
  if (v >= 1) m.controller_id = any<int32_t>();
  m.topics = vec<M::topic>(4, [&](M::topic& t) {
    t.error_code = any_error();
    t.name = v >= 12 ? nullable_string() : string();
    if (v >= 10) t.topic_id = random_id(*this);
    if (v >= 1) t.is_internal = coin();
    t.partitions = vec<M::partition>(4, [&](M::partition& p) {
      p.error_code = any_error();
      p.partition_index = any<int32_t>();
      p.leader_id = any<int32_t>();
      if (v >= 7) p.leader_epoch = any<int32_t>();
      p.replica_nodes = ints<int32_t>(4);
      p.isr_nodes = ints<int32_t>(4);
      if (v >= 5) p.offline_replicas = ints<int32_t>(3);
    });
    if (v >= 8) t.topic_authorized_operations = any<int32_t>();
  });
  if (v >= 8 && v <= 10) m.cluster_authorized_operations = any<int32_t>();
  return m;
}

template <>
inline produce_request message_generator::make(int16_t v) {
  using M = produce_request;
  M m;
  if (v >= 3) m.transactional_id = nullable_string();
  m.acks = any<int16_t>();
  m.timeout_ms = any<int32_t>();
  m.topic_data = vec<M::topic_produce_data>(4, [&](M::topic_produce_data& t) {
    t.name = string();
    t.partition_data = vec<M::partition_produce_data>(4, [&](M::partition_produce_data& p) {
      p.index = any<int32_t>();
      p.records = records();
    });
  });
  return m;
}

template <>
inline produce_response message_generator::make(int16_t v) {
  using M = produce_response;
  M m;
  m.responses = vec<M::topic_produce_response>(4, [&](M::topic_produce_response& t) {
    t.name = string();
    t.partition_responses =
        vec<M::partition_produce_response>(4, [&](M::partition_produce_response& p) {
          p.index = any<int32_t>();
          p.error_code = any_error();
          p.base_offset = any<int64_t>();
          if (v >= 2) p.log_append_time_ms = any<int64_t>();
          if (v >= 5) p.log_start_offset = any<int64_t>();
          if (v >= 8) {
            p.record_errors =
                vec<M::batch_index_and_error_message>(3, [&](M::batch_index_and_error_message& e) {
                  e = {any<int32_t>(), nullable_string()};
                });
            p.error_message = nullable_string();
          }
          if (v >= 10 && coin()) p.current_leader = {any<int32_t>(), any<int32_t>()};
        });
  });
  if (v >= 1) m.throttle_time_ms = any<int32_t>();
  if (v >= 10) m.node_endpoints = random_endpoints(*this);
  return m;
}

template <>
inline fetch_request message_generator::make(int16_t v) {
  using M = fetch_request;
  M m;
  if (v >= 12 && coin()) m.cluster_id = nullable_string();
  if (v <= 14) m.replica_id = any<int32_t>();
  if (v >= 15 && coin()) m.replica_state = {any<int32_t>(), any<int64_t>()};
  m.max_wait_ms = any<int32_t>();
  m.min_bytes = any<int32_t>();
  m.max_bytes = any<int32_t>();       // v3+, so every version here
  m.isolation_level = any<int8_t>();  // v4+
  if (v >= 7) {
    m.session_id = any<int32_t>();
    m.session_epoch = any<int32_t>();
  }
  m.topics = vec<M::fetch_topic>(4, [&](M::fetch_topic& t) {
    if (v >= 13) {
      t.topic_id = random_id(*this);
    } else {
      t.topic = string();
    }
    t.partitions = vec<M::fetch_partition>(4, [&](M::fetch_partition& p) {
      p.partition = any<int32_t>();
      if (v >= 9) p.current_leader_epoch = any<int32_t>();
      p.fetch_offset = any<int64_t>();
      if (v >= 12) p.last_fetched_epoch = any<int32_t>();
      if (v >= 5) p.log_start_offset = any<int64_t>();
      p.partition_max_bytes = any<int32_t>();
      if (v >= 17 && coin()) p.replica_directory_id = random_id(*this);
    });
  });
  if (v >= 7) {
    m.forgotten_topics_data = vec<M::forgotten_topic>(3, [&](M::forgotten_topic& t) {
      if (v >= 13) {
        t.topic_id = random_id(*this);
      } else {
        t.topic = string();
      }
      t.partitions = ints<int32_t>(4);
    });
  }
  if (v >= 11) m.rack_id = string();
  return m;
}

template <>
inline fetch_response message_generator::make(int16_t v) {
  using M = fetch_response;
  M m;
  m.throttle_time_ms = any<int32_t>();
  if (v >= 7) {
    m.error_code = any_error();
    m.session_id = any<int32_t>();
  }
  m.responses = vec<M::fetchable_topic_response>(4, [&](M::fetchable_topic_response& t) {
    if (v >= 13) {
      t.topic_id = random_id(*this);
    } else {
      t.topic = string();
    }
    t.partitions = vec<M::partition_data>(4, [&](M::partition_data& p) {
      p.partition_index = any<int32_t>();
      p.error_code = any_error();
      p.high_watermark = any<int64_t>();
      p.last_stable_offset = any<int64_t>();
      if (v >= 5) p.log_start_offset = any<int64_t>();
      if (coin()) {
        p.aborted_transactions = vec<M::aborted_transaction>(3, [&](M::aborted_transaction& a) {
          a = {any<int64_t>(), any<int64_t>()};
        });
      } else {
        p.aborted_transactions.reset();
      }
      if (v >= 11) p.preferred_read_replica = any<int32_t>();
      p.records = records();
      if (v >= 12) {
        if (coin()) p.diverging_epoch = {any<int32_t>(), any<int64_t>()};
        if (coin()) p.current_leader = {any<int32_t>(), any<int32_t>()};
        if (coin()) p.snapshot_id = {any<int64_t>(), any<int32_t>()};
      }
    });
  });
  if (v >= 16) m.node_endpoints = random_endpoints(*this);
  return m;
}

template <>
inline list_offsets_request message_generator::make(int16_t v) {
  using M = list_offsets_request;
  M m;
  m.replica_id = any<int32_t>();
  if (v >= 2) m.isolation_level = any<int8_t>();
  m.topics = vec<M::topic>(4, [&](M::topic& t) {
    t.name = string();
    t.partitions = vec<M::partition>(4, [&](M::partition& p) {
      p.partition_index = any<int32_t>();
      if (v >= 4) p.current_leader_epoch = any<int32_t>();
      p.timestamp = any<int64_t>();
      if (v == 0) p.max_num_offsets = any<int32_t>();
    });
  });
  if (v >= 10) m.timeout_ms = any<int32_t>();
  return m;
}

template <>
inline list_offsets_response message_generator::make(int16_t v) {
  using M = list_offsets_response;
  M m;
  if (v >= 2) m.throttle_time_ms = any<int32_t>();
  m.topics = vec<M::topic_response>(4, [&](M::topic_response& t) {
    t.name = string();
    t.partitions = vec<M::partition_response>(4, [&](M::partition_response& p) {
      p.partition_index = any<int32_t>();
      p.error_code = any_error();
      if (v == 0) p.old_style_offsets = ints<int64_t>(4);
      if (v >= 1) {
        p.timestamp = any<int64_t>();
        p.offset = any<int64_t>();
      }
      if (v >= 4) p.leader_epoch = any<int32_t>();
    });
  });
  return m;
}

}  // namespace sluice::protocol::testing
