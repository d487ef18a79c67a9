#include "protocol/messages/list_transactions.h"

#include "protocol/element_size.h"

namespace sluice::protocol {
namespace {

// Smallest encodings {compact, classic}, used to bound array counts.
constexpr element_size min_string_bytes{1, 2};
constexpr element_size min_state_bytes{10, 12};  // id, pid, state

}  // namespace

void list_transactions_request::decode(reader& r, int16_t version) {
  r.array(state_filters, min_string_bytes.in(r), [&](std::string& s) { s = r.string(); });
  r.array(producer_id_filters, 8, [&](int64_t& p) { p = r.int64(); });
  if (version >= 1) duration_filter = r.int64();
  r.skip_tagged_fields();
}

void list_transactions_request::encode(writer& w, int16_t version) const {
  w.array(state_filters, [&](const std::string& s) { w.string(s); });
  w.array(producer_id_filters, [&](int64_t p) { w.int64(p); });
  if (version >= 1) w.int64(duration_filter);
  w.empty_tagged_fields();
}

void list_transactions_response::decode(reader& r, int16_t /*version*/) {
  throttle_time_ms = r.int32();
  error_code = static_cast<protocol::error_code>(r.int16());
  r.array(unknown_state_filters, min_string_bytes.in(r), [&](std::string& s) { s = r.string(); });
  r.array(transaction_states, min_state_bytes.in(r), [&](transaction_state& s) {
    s.transactional_id = r.string();
    s.producer_id = r.int64();
    s.transaction_state = r.string();
    r.skip_tagged_fields();
  });
  r.skip_tagged_fields();
}

void list_transactions_response::encode(writer& w, int16_t /*version*/) const {
  w.int32(throttle_time_ms);
  w.int16(to_int(error_code));
  w.array(unknown_state_filters, [&](const std::string& s) { w.string(s); });
  w.array(transaction_states, [&](const transaction_state& s) {
    w.string(s.transactional_id);
    w.int64(s.producer_id);
    w.string(s.transaction_state);
    w.empty_tagged_fields();
  });
  w.empty_tagged_fields();
}

}  // namespace sluice::protocol
