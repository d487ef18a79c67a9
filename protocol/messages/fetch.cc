#include "protocol/messages/fetch.h"

namespace sluice::protocol {
namespace {

// Smallest encodings (compact forms, no tags), used to bound array counts.
constexpr size_t min_topic_bytes = 2;             // name, partition array
constexpr size_t min_fetch_partition_bytes = 16;  // partition, fetch_offset, max bytes
constexpr size_t min_partition_data_bytes = 15;   // index, error_code, high_watermark, records
constexpr size_t min_aborted_transaction_bytes = 16;

}  // namespace

void fetch_request::decode(reader& r, int16_t version) {
  replica_id = r.int32();
  max_wait_ms = r.int32();
  min_bytes = r.int32();
  if (version >= 3) max_bytes = r.int32();
  if (version >= 4) isolation_level = r.int8();
  if (version >= 7) {
    session_id = r.int32();
    session_epoch = r.int32();
  }
  r.array(topics, min_topic_bytes, [&](fetch_topic& t) {
    t.topic = r.string();
    r.array(t.partitions, min_fetch_partition_bytes, [&](fetch_partition& p) {
      p.partition = r.int32();
      if (version >= 9) p.current_leader_epoch = r.int32();
      p.fetch_offset = r.int64();
      if (version >= 5) p.log_start_offset = r.int64();
      p.partition_max_bytes = r.int32();
      r.skip_tagged_fields();
    });
    r.skip_tagged_fields();
  });
  if (version >= 7) {
    r.array(forgotten_topics_data, min_topic_bytes, [&](forgotten_topic& t) {
      t.topic = r.string();
      r.array(t.partitions, 4, [&](int32_t& p) { p = r.int32(); });
      r.skip_tagged_fields();
    });
  }
  if (version >= 11) rack_id = r.string();
  r.skip_tagged_fields();
}

void fetch_request::encode(writer& w, int16_t version) const {
  w.int32(replica_id);
  w.int32(max_wait_ms);
  w.int32(min_bytes);
  if (version >= 3) w.int32(max_bytes);
  if (version >= 4) w.int8(isolation_level);
  if (version >= 7) {
    w.int32(session_id);
    w.int32(session_epoch);
  }
  w.array(topics, [&](const fetch_topic& t) {
    w.string(t.topic);
    w.array(t.partitions, [&](const fetch_partition& p) {
      w.int32(p.partition);
      if (version >= 9) w.int32(p.current_leader_epoch);
      w.int64(p.fetch_offset);
      if (version >= 5) w.int64(p.log_start_offset);
      w.int32(p.partition_max_bytes);
      w.empty_tagged_fields();
    });
    w.empty_tagged_fields();
  });
  if (version >= 7) {
    w.array(forgotten_topics_data, [&](const forgotten_topic& t) {
      w.string(t.topic);
      w.array(t.partitions, [&](int32_t p) { w.int32(p); });
      w.empty_tagged_fields();
    });
  }
  if (version >= 11) w.string(rack_id);
  w.empty_tagged_fields();
}

void fetch_response::decode(reader& r, int16_t version) {
  if (version >= 1) throttle_time_ms = r.int32();
  if (version >= 7) {
    error_code = static_cast<protocol::error_code>(r.int16());
    session_id = r.int32();
  }
  r.array(responses, min_topic_bytes, [&](fetchable_topic_response& t) {
    t.topic = r.string();
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
      r.skip_tagged_fields();
    });
    r.skip_tagged_fields();
  });
  r.skip_tagged_fields();
}

void fetch_response::encode(writer& w, int16_t version) const {
  if (version >= 1) w.int32(throttle_time_ms);
  if (version >= 7) {
    w.int16(to_int(error_code));
    w.int32(session_id);
  }
  w.array(responses, [&](const fetchable_topic_response& t) {
    w.string(t.topic);
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
      w.empty_tagged_fields();
    });
    w.empty_tagged_fields();
  });
  w.empty_tagged_fields();
}

}  // namespace sluice::protocol
