#include "protocol/messages/fetch.h"

namespace sluice::protocol {
namespace {

// Smallest encodings (compact forms, no tags), used to bound array counts.
constexpr size_t min_topic_bytes = 2;             // name, partition array
constexpr size_t min_topic_id_bytes = 17;         // topic_id, partition array (v13+)
constexpr size_t min_fetch_partition_bytes = 16;  // partition, fetch_offset, max bytes
constexpr size_t min_partition_data_bytes = 15;   // index, error_code, high_watermark, records
constexpr size_t min_aborted_transaction_bytes = 16;

size_t min_topic(int16_t version) {
  return version >= fetch_first_topic_id_version ? min_topic_id_bytes : min_topic_bytes;
}

// A topic's key: its name before v13, its id from v13 on.
void read_topic_key(reader& r, int16_t version, std::string& name, uuid& id) {
  if (version >= fetch_first_topic_id_version) {
    id = r.uuid_value();
  } else {
    name = r.string();
  }
}

void write_topic_key(writer& w, int16_t version, const std::string& name, const uuid& id) {
  if (version >= fetch_first_topic_id_version) {
    w.uuid_value(id);
  } else {
    w.string(name);
  }
}

}  // namespace

void fetch_request::decode(reader& r, int16_t version) {
  if (version <= 14) replica_id = r.int32();
  max_wait_ms = r.int32();
  min_bytes = r.int32();
  if (version >= 3) max_bytes = r.int32();
  if (version >= 4) isolation_level = r.int8();
  if (version >= 7) {
    session_id = r.int32();
    session_epoch = r.int32();
  }
  r.array(topics, min_topic(version), [&](fetch_topic& t) {
    read_topic_key(r, version, t.topic, t.topic_id);
    r.array(t.partitions, min_fetch_partition_bytes, [&](fetch_partition& p) {
      p.partition = r.int32();
      if (version >= 9) p.current_leader_epoch = r.int32();
      p.fetch_offset = r.int64();
      if (version >= 12) p.last_fetched_epoch = r.int32();
      if (version >= 5) p.log_start_offset = r.int64();
      p.partition_max_bytes = r.int32();
      r.tagged_fields([&](uint32_t tag, reader& f) {
        if (version < 17 || tag != 0) return false;
        p.replica_directory_id = f.uuid_value();
        return true;
      });
    });
    r.skip_tagged_fields();
  });
  if (version >= 7) {
    r.array(forgotten_topics_data, min_topic(version), [&](forgotten_topic& t) {
      read_topic_key(r, version, t.topic, t.topic_id);
      r.array(t.partitions, 4, [&](int32_t& p) { p = r.int32(); });
      r.skip_tagged_fields();
    });
  }
  if (version >= 11) rack_id = r.string();
  r.tagged_fields([&](uint32_t tag, reader& f) {
    if (tag == 0) {
      cluster_id = f.nullable_string();
      return true;
    }
    if (tag == 1 && version >= 15) {
      replica_state.replica_id = f.int32();
      replica_state.replica_epoch = f.int64();
      f.skip_tagged_fields();
      return true;
    }
    return false;
  });
}

void fetch_request::encode(writer& w, int16_t version) const {
  if (version <= 14) w.int32(replica_id);
  w.int32(max_wait_ms);
  w.int32(min_bytes);
  if (version >= 3) w.int32(max_bytes);
  if (version >= 4) w.int8(isolation_level);
  if (version >= 7) {
    w.int32(session_id);
    w.int32(session_epoch);
  }
  w.array(topics, [&](const fetch_topic& t) {
    write_topic_key(w, version, t.topic, t.topic_id);
    w.array(t.partitions, [&](const fetch_partition& p) {
      w.int32(p.partition);
      if (version >= 9) w.int32(p.current_leader_epoch);
      w.int64(p.fetch_offset);
      if (version >= 12) w.int32(p.last_fetched_epoch);
      if (version >= 5) w.int64(p.log_start_offset);
      w.int32(p.partition_max_bytes);
      const bool has_directory = version >= 17 && p.replica_directory_id != uuid{};
      w.tagged_field_count(has_directory ? 1 : 0);
      if (has_directory)
        w.tagged_field(0, [&](writer& f) { f.uuid_value(p.replica_directory_id); });
    });
    w.empty_tagged_fields();
  });
  if (version >= 7) {
    w.array(forgotten_topics_data, [&](const forgotten_topic& t) {
      write_topic_key(w, version, t.topic, t.topic_id);
      w.array(t.partitions, [&](int32_t p) { w.int32(p); });
      w.empty_tagged_fields();
    });
  }
  if (version >= 11) w.string(rack_id);
  // Tagged fields (flexible versions only), written when not their defaults.
  const bool has_cluster = cluster_id.has_value();
  const bool has_state = version >= 15 && replica_state != follower_state{};
  w.tagged_field_count(has_cluster + has_state);
  if (has_cluster) w.tagged_field(0, [&](writer& f) { f.nullable_string(cluster_id); });
  if (has_state) {
    w.tagged_field(1, [&](writer& f) {
      f.int32(replica_state.replica_id);
      f.int64(replica_state.replica_epoch);
      f.empty_tagged_fields();
    });
  }
}

void fetch_response::decode(reader& r, int16_t version) {
  if (version >= 1) throttle_time_ms = r.int32();
  if (version >= 7) {
    error_code = static_cast<protocol::error_code>(r.int16());
    session_id = r.int32();
  }
  r.array(responses, min_topic(version), [&](fetchable_topic_response& t) {
    read_topic_key(r, version, t.topic, t.topic_id);
    r.array(t.partitions, min_partition_data_bytes, [&](partition_data& p) {
      p.partition_index = r.int32();
      p.error_code = static_cast<protocol::error_code>(r.int16());
      p.high_watermark = r.int64();
      if (version >= 4) p.last_stable_offset = r.int64();
      if (version >= 5) p.log_start_offset = r.int64();
      if (version >= 4) {
        r.nullable_array(p.aborted_transactions, min_aborted_transaction_bytes,
                         [&](aborted_transaction& a) {
                           a.producer_id = r.int64();
                           a.first_offset = r.int64();
                           r.skip_tagged_fields();
                         });
      }
      if (version >= 11) p.preferred_read_replica = r.int32();
      p.records = r.records();
      r.tagged_fields([&](uint32_t tag, reader& f) {
        switch (tag) {
          case 0:
            p.diverging_epoch.epoch = f.int32();
            p.diverging_epoch.end_offset = f.int64();
            f.skip_tagged_fields();
            return true;
          case 1:
            read_leader(f, p.current_leader);
            return true;
          case 2:
            p.snapshot_id.end_offset = f.int64();
            p.snapshot_id.epoch = f.int32();
            f.skip_tagged_fields();
            return true;
          default:
            return false;
        }
      });
    });
    r.skip_tagged_fields();
  });
  r.tagged_fields([&](uint32_t tag, reader& f) {
    if (version < 16 || tag != 0) return false;
    f.array(node_endpoints, min_node_endpoint_bytes,
            [&](share_node_endpoint& n) { read_node_endpoint(f, n); });
    return true;
  });
}

void fetch_response::encode(writer& w, int16_t version) const {
  if (version >= 1) w.int32(throttle_time_ms);
  if (version >= 7) {
    w.int16(to_int(error_code));
    w.int32(session_id);
  }
  w.array(responses, [&](const fetchable_topic_response& t) {
    write_topic_key(w, version, t.topic, t.topic_id);
    w.array(t.partitions, [&](const partition_data& p) {
      w.int32(p.partition_index);
      w.int16(to_int(p.error_code));
      w.int64(p.high_watermark);
      if (version >= 4) w.int64(p.last_stable_offset);
      if (version >= 5) w.int64(p.log_start_offset);
      if (version >= 4) {
        w.nullable_array(p.aborted_transactions, [&](const aborted_transaction& a) {
          w.int64(a.producer_id);
          w.int64(a.first_offset);
          w.empty_tagged_fields();
        });
      }
      if (version >= 11) w.int32(p.preferred_read_replica);
      w.records(p.records);  // a borrowed view or an external slice: never copied
      // Tagged fields (v12+ only: the writer drops them in classic mode).
      const bool has_diverging = p.diverging_epoch != epoch_end_offset{};
      const bool has_leader = p.current_leader != leader_id_and_epoch{};
      const bool has_snapshot = p.snapshot_id != snapshot{};
      w.tagged_field_count(has_diverging + has_leader + has_snapshot);
      if (has_diverging) {
        w.tagged_field(0, [&](writer& f) {
          f.int32(p.diverging_epoch.epoch);
          f.int64(p.diverging_epoch.end_offset);
          f.empty_tagged_fields();
        });
      }
      if (has_leader) w.tagged_field(1, [&](writer& f) { write_leader(f, p.current_leader); });
      if (has_snapshot) {
        w.tagged_field(2, [&](writer& f) {
          f.int64(p.snapshot_id.end_offset);
          f.int32(p.snapshot_id.epoch);
          f.empty_tagged_fields();
        });
      }
    });
    w.empty_tagged_fields();
  });
  const bool has_endpoints = version >= 16 && !node_endpoints.empty();
  w.tagged_field_count(has_endpoints ? 1 : 0);
  if (has_endpoints) {
    w.tagged_field(0, [&](writer& f) {
      f.array(node_endpoints, [&](const share_node_endpoint& n) { write_node_endpoint(f, n); });
    });
  }
}

}  // namespace sluice::protocol
