#include "protocol/messages/describe_transactions.h"

#include "protocol/element_size.h"

namespace sluice::protocol {
namespace {

// Smallest encodings {compact, classic}, used to bound array counts.
constexpr element_size min_id_bytes{1, 2};
// error, id, state, timeout, start time, pid, epoch, topics
constexpr element_size min_state_bytes{27, 32};
constexpr element_size min_topic_bytes{2, 6};  // topic, partitions

}  // namespace

void describe_transactions_request::decode(reader& r, int16_t /*version*/) {
  r.array(transactional_ids, min_id_bytes.in(r), [&](std::string& id) { id = r.string(); });
  r.skip_tagged_fields();
}

void describe_transactions_request::encode(writer& w, int16_t /*version*/) const {
  w.array(transactional_ids, [&](const std::string& id) { w.string(id); });
  w.empty_tagged_fields();
}

void describe_transactions_response::decode(reader& r, int16_t /*version*/) {
  throttle_time_ms = r.int32();
  r.array(transaction_states, min_state_bytes.in(r), [&](transaction_state& s) {
    s.error_code = static_cast<protocol::error_code>(r.int16());
    s.transactional_id = r.string();
    s.transaction_state = r.string();
    s.transaction_timeout_ms = r.int32();
    s.transaction_start_time_ms = r.int64();
    s.producer_id = r.int64();
    s.producer_epoch = r.int16();
    r.array(s.topics, min_topic_bytes.in(r), [&](topic_data& t) {
      t.topic = r.string();
      r.array(t.partitions, 4, [&](int32_t& p) { p = r.int32(); });
      r.skip_tagged_fields();
    });
    r.skip_tagged_fields();
  });
  r.skip_tagged_fields();
}

void describe_transactions_response::encode(writer& w, int16_t /*version*/) const {
  w.int32(throttle_time_ms);
  w.array(transaction_states, [&](const transaction_state& s) {
    w.int16(to_int(s.error_code));
    w.string(s.transactional_id);
    w.string(s.transaction_state);
    w.int32(s.transaction_timeout_ms);
    w.int64(s.transaction_start_time_ms);
    w.int64(s.producer_id);
    w.int16(s.producer_epoch);
    w.array(s.topics, [&](const topic_data& t) {
      w.string(t.topic);
      w.array(t.partitions, [&](int32_t p) { w.int32(p); });
      w.empty_tagged_fields();
    });
    w.empty_tagged_fields();
  });
  w.empty_tagged_fields();
}

}  // namespace sluice::protocol
