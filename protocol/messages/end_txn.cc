#include "protocol/messages/end_txn.h"

namespace sluice::protocol {

void end_txn_request::decode(reader& r, int16_t /*version*/) {
  transactional_id = r.string();
  producer_id = r.int64();
  producer_epoch = r.int16();
  committed = r.boolean();
  r.skip_tagged_fields();
}

void end_txn_request::encode(writer& w, int16_t /*version*/) const {
  w.string(transactional_id);
  w.int64(producer_id);
  w.int16(producer_epoch);
  w.boolean(committed);
  w.empty_tagged_fields();
}

void end_txn_response::decode(reader& r, int16_t version) {
  throttle_time_ms = r.int32();
  error_code = static_cast<protocol::error_code>(r.int16());
  if (version >= 5) {
    producer_id = r.int64();
    producer_epoch = r.int16();
  }
  r.skip_tagged_fields();
}

void end_txn_response::encode(writer& w, int16_t version) const {
  w.int32(throttle_time_ms);
  w.int16(to_int(error_code));
  if (version >= 5) {
    w.int64(producer_id);
    w.int16(producer_epoch);
  }
  w.empty_tagged_fields();
}

}  // namespace sluice::protocol
