#include "protocol/messages/create_topics.h"

#include "protocol/element_size.h"

namespace sluice::protocol {
namespace {

// Smallest encodings {compact, classic}, used to bound array counts.
constexpr element_size min_topic_bytes{9, 16};        // name, num_partitions, factor, two arrays
constexpr element_size min_assignment_bytes{5, 8};    // partition_index, broker_ids
constexpr element_size min_config_bytes{2, 4};        // name, value
constexpr element_size min_topic_result_bytes{3, 4};  // name, error_code
// name, value, read_only, config_source, is_sensitive
constexpr element_size min_topic_config_bytes{5, 7};
constexpr uint32_t topic_config_error_code_tag = 0;

}  // namespace

void create_topics_request::decode(reader& r, int16_t version) {
  r.array(topics, min_topic_bytes.in(r), [&](creatable_topic& t) {
    t.name = r.string();
    t.num_partitions = r.int32();
    t.replication_factor = r.int16();
    r.array(t.assignments, min_assignment_bytes.in(r), [&](creatable_replica_assignment& a) {
      a.partition_index = r.int32();
      r.array(a.broker_ids, 4, [&](int32_t& id) { id = r.int32(); });
      r.skip_tagged_fields();
    });
    r.array(t.configs, min_config_bytes.in(r), [&](creatable_topic_config& c) {
      c.name = r.string();
      c.value = r.nullable_string();
      r.skip_tagged_fields();
    });
    r.skip_tagged_fields();
  });
  timeout_ms = r.int32();
  if (version >= 1) validate_only = r.boolean();
  r.skip_tagged_fields();
}

void create_topics_request::encode(writer& w, int16_t version) const {
  w.array(topics, [&](const creatable_topic& t) {
    w.string(t.name);
    w.int32(t.num_partitions);
    w.int16(t.replication_factor);
    w.array(t.assignments, [&](const creatable_replica_assignment& a) {
      w.int32(a.partition_index);
      w.array(a.broker_ids, [&](int32_t id) { w.int32(id); });
      w.empty_tagged_fields();
    });
    w.array(t.configs, [&](const creatable_topic_config& c) {
      w.string(c.name);
      w.nullable_string(c.value);
      w.empty_tagged_fields();
    });
    w.empty_tagged_fields();
  });
  w.int32(timeout_ms);
  if (version >= 1) w.boolean(validate_only);
  w.empty_tagged_fields();
}

void create_topics_response::decode(reader& r, int16_t version) {
  if (version >= 2) throttle_time_ms = r.int32();
  r.array(topics, min_topic_result_bytes.in(r), [&](creatable_topic_result& t) {
    t.name = r.string();
    if (version >= 7) t.topic_id = r.uuid_value();
    t.error_code = static_cast<protocol::error_code>(r.int16());
    if (version >= 1) t.error_message = r.nullable_string();
    if (version >= 5) {
      t.num_partitions = r.int32();
      t.replication_factor = r.int16();
      r.nullable_array(t.configs, min_topic_config_bytes.in(r), [&](creatable_topic_configs& c) {
        c.name = r.string();
        c.value = r.nullable_string();
        c.read_only = r.boolean();
        c.config_source = r.int8();
        c.is_sensitive = r.boolean();
        r.skip_tagged_fields();
      });
    }
    r.tagged_fields([&](uint32_t tag, reader& f) {
      if (tag != topic_config_error_code_tag) return false;
      t.topic_config_error_code = f.int16();
      return true;
    });
  });
  r.skip_tagged_fields();
}

void create_topics_response::encode(writer& w, int16_t version) const {
  if (version >= 2) w.int32(throttle_time_ms);
  w.array(topics, [&](const creatable_topic_result& t) {
    w.string(t.name);
    if (version >= 7) w.uuid_value(t.topic_id);
    w.int16(to_int(t.error_code));
    if (version >= 1) w.nullable_string(t.error_message);
    if (version >= 5) {
      w.int32(t.num_partitions);
      w.int16(t.replication_factor);
      w.nullable_array(t.configs, [&](const creatable_topic_configs& c) {
        w.string(c.name);
        w.nullable_string(c.value);
        w.boolean(c.read_only);
        w.int8(c.config_source);
        w.boolean(c.is_sensitive);
        w.empty_tagged_fields();
      });
    }
    // Written only when it differs from its default, as Kafka does.
    const bool has_error = t.topic_config_error_code != 0;
    w.tagged_field_count(has_error ? 1 : 0);
    if (has_error) {
      w.tagged_field(topic_config_error_code_tag,
                     [&](writer& f) { f.int16(t.topic_config_error_code); });
    }
  });
  w.empty_tagged_fields();
}

}  // namespace sluice::protocol
