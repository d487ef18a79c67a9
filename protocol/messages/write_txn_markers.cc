#include "protocol/messages/write_txn_markers.h"

#include "protocol/element_size.h"

namespace sluice::protocol {
namespace {

// Smallest encodings {compact, classic}, used to bound array counts.
constexpr element_size min_marker_bytes{16, 19};  // pid, epoch, result, topics, coordinator epoch
constexpr element_size min_topic_bytes{2, 6};     // name, partition array
constexpr element_size min_marker_result_bytes{9, 12};    // pid, topics
constexpr element_size min_partition_result_bytes{6, 6};  // index, error code

}  // namespace

void write_txn_markers_request::decode(reader& r, int16_t /*version*/) {
  r.array(markers, min_marker_bytes.in(r), [&](writable_txn_marker& m) {
    m.producer_id = r.int64();
    m.producer_epoch = r.int16();
    m.transaction_result = r.boolean();
    r.array(m.topics, min_topic_bytes.in(r), [&](writable_txn_marker_topic& t) {
      t.name = r.string();
      r.array(t.partition_indexes, 4, [&](int32_t& p) { p = r.int32(); });
      r.skip_tagged_fields();
    });
    m.coordinator_epoch = r.int32();
    r.skip_tagged_fields();
  });
  r.skip_tagged_fields();
}

void write_txn_markers_request::encode(writer& w, int16_t /*version*/) const {
  w.array(markers, [&](const writable_txn_marker& m) {
    w.int64(m.producer_id);
    w.int16(m.producer_epoch);
    w.boolean(m.transaction_result);
    w.array(m.topics, [&](const writable_txn_marker_topic& t) {
      w.string(t.name);
      w.array(t.partition_indexes, [&](int32_t p) { w.int32(p); });
      w.empty_tagged_fields();
    });
    w.int32(m.coordinator_epoch);
    w.empty_tagged_fields();
  });
  w.empty_tagged_fields();
}

void write_txn_markers_response::decode(reader& r, int16_t /*version*/) {
  r.array(markers, min_marker_result_bytes.in(r), [&](writable_txn_marker_result& m) {
    m.producer_id = r.int64();
    r.array(m.topics, min_topic_bytes.in(r), [&](writable_txn_marker_topic_result& t) {
      t.name = r.string();
      r.array(t.partitions, min_partition_result_bytes.in(r),
              [&](writable_txn_marker_partition_result& p) {
                p.partition_index = r.int32();
                p.error_code = static_cast<protocol::error_code>(r.int16());
                r.skip_tagged_fields();
              });
      r.skip_tagged_fields();
    });
    r.skip_tagged_fields();
  });
  r.skip_tagged_fields();
}

void write_txn_markers_response::encode(writer& w, int16_t /*version*/) const {
  w.array(markers, [&](const writable_txn_marker_result& m) {
    w.int64(m.producer_id);
    w.array(m.topics, [&](const writable_txn_marker_topic_result& t) {
      w.string(t.name);
      w.array(t.partitions, [&](const writable_txn_marker_partition_result& p) {
        w.int32(p.partition_index);
        w.int16(to_int(p.error_code));
        w.empty_tagged_fields();
      });
      w.empty_tagged_fields();
    });
    w.empty_tagged_fields();
  });
  w.empty_tagged_fields();
}

}  // namespace sluice::protocol
