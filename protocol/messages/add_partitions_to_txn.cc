#include "protocol/messages/add_partitions_to_txn.h"

#include "protocol/element_size.h"

namespace sluice::protocol {
namespace {

using request = add_partitions_to_txn_request;
using response = add_partitions_to_txn_response;

// Smallest encodings {compact, classic}, used to bound array counts.
constexpr element_size min_topic_bytes{2, 6};             // name, partitions
constexpr element_size min_transaction_bytes{13, 17};     // id, pid, epoch, verify_only, topics
constexpr element_size min_topic_result_bytes{2, 6};      // name, results_by_partition
constexpr element_size min_partition_result_bytes{6, 6};  // index, error code
constexpr element_size min_result_bytes{2, 6};            // transactional_id, topic_results

void decode_topics(reader& r, std::vector<request::add_partitions_to_txn_topic>& topics) {
  r.array(topics, min_topic_bytes.in(r), [&](request::add_partitions_to_txn_topic& t) {
    t.name = r.string();
    r.array(t.partitions, 4, [&](int32_t& p) { p = r.int32(); });
    r.skip_tagged_fields();
  });
}

void encode_topics(writer& w, const std::vector<request::add_partitions_to_txn_topic>& topics) {
  w.array(topics, [&](const request::add_partitions_to_txn_topic& t) {
    w.string(t.name);
    w.array(t.partitions, [&](int32_t p) { w.int32(p); });
    w.empty_tagged_fields();
  });
}

void decode_topic_results(reader& r,
                          std::vector<response::add_partitions_to_txn_topic_result>& topics) {
  r.array(topics, min_topic_result_bytes.in(r),
          [&](response::add_partitions_to_txn_topic_result& t) {
            t.name = r.string();
            r.array(t.results_by_partition, min_partition_result_bytes.in(r),
                    [&](response::add_partitions_to_txn_partition_result& p) {
                      p.partition_index = r.int32();
                      p.partition_error_code = static_cast<protocol::error_code>(r.int16());
                      r.skip_tagged_fields();
                    });
            r.skip_tagged_fields();
          });
}

void encode_topic_results(writer& w,
                          const std::vector<response::add_partitions_to_txn_topic_result>& topics) {
  w.array(topics, [&](const response::add_partitions_to_txn_topic_result& t) {
    w.string(t.name);
    w.array(t.results_by_partition, [&](const response::add_partitions_to_txn_partition_result& p) {
      w.int32(p.partition_index);
      w.int16(to_int(p.partition_error_code));
      w.empty_tagged_fields();
    });
    w.empty_tagged_fields();
  });
}

}  // namespace

void add_partitions_to_txn_request::decode(reader& r, int16_t version) {
  if (version >= 4) {
    r.array(transactions, min_transaction_bytes.in(r), [&](add_partitions_to_txn_transaction& t) {
      t.transactional_id = r.string();
      t.producer_id = r.int64();
      t.producer_epoch = r.int16();
      t.verify_only = r.boolean();
      decode_topics(r, t.topics);
      r.skip_tagged_fields();
    });
  } else {
    v3_and_below_transactional_id = r.string();
    v3_and_below_producer_id = r.int64();
    v3_and_below_producer_epoch = r.int16();
    decode_topics(r, v3_and_below_topics);
  }
  r.skip_tagged_fields();
}

void add_partitions_to_txn_request::encode(writer& w, int16_t version) const {
  if (version >= 4) {
    w.array(transactions, [&](const add_partitions_to_txn_transaction& t) {
      w.string(t.transactional_id);
      w.int64(t.producer_id);
      w.int16(t.producer_epoch);
      w.boolean(t.verify_only);
      encode_topics(w, t.topics);
      w.empty_tagged_fields();
    });
  } else {
    w.string(v3_and_below_transactional_id);
    w.int64(v3_and_below_producer_id);
    w.int16(v3_and_below_producer_epoch);
    encode_topics(w, v3_and_below_topics);
  }
  w.empty_tagged_fields();
}

void add_partitions_to_txn_response::decode(reader& r, int16_t version) {
  throttle_time_ms = r.int32();
  if (version >= 4) {
    error_code = static_cast<protocol::error_code>(r.int16());
    r.array(results_by_transaction, min_result_bytes.in(r), [&](add_partitions_to_txn_result& t) {
      t.transactional_id = r.string();
      decode_topic_results(r, t.topic_results);
      r.skip_tagged_fields();
    });
  } else {
    decode_topic_results(r, results_by_topic_v3_and_below);
  }
  r.skip_tagged_fields();
}

void add_partitions_to_txn_response::encode(writer& w, int16_t version) const {
  w.int32(throttle_time_ms);
  if (version >= 4) {
    w.int16(to_int(error_code));
    w.array(results_by_transaction, [&](const add_partitions_to_txn_result& t) {
      w.string(t.transactional_id);
      encode_topic_results(w, t.topic_results);
      w.empty_tagged_fields();
    });
  } else {
    encode_topic_results(w, results_by_topic_v3_and_below);
  }
  w.empty_tagged_fields();
}

}  // namespace sluice::protocol
