#include "protocol/messages/init_producer_id.h"

namespace sluice::protocol {

void init_producer_id_request::decode(reader& r, int16_t version) {
  transactional_id = r.nullable_string();
  transaction_timeout_ms = r.int32();
  if (version >= 3) {
    producer_id = r.int64();
    producer_epoch = r.int16();
  }
  r.skip_tagged_fields();
}

void init_producer_id_request::encode(writer& w, int16_t version) const {
  w.nullable_string(transactional_id);
  w.int32(transaction_timeout_ms);
  if (version >= 3) {
    w.int64(producer_id);
    w.int16(producer_epoch);
  }
  w.empty_tagged_fields();
}

void init_producer_id_response::decode(reader& r, int16_t /*version*/) {
  throttle_time_ms = r.int32();
  error_code = static_cast<protocol::error_code>(r.int16());
  producer_id = r.int64();
  producer_epoch = r.int16();
  r.skip_tagged_fields();
}

void init_producer_id_response::encode(writer& w, int16_t /*version*/) const {
  w.int32(throttle_time_ms);
  w.int16(to_int(error_code));
  w.int64(producer_id);
  w.int16(producer_epoch);
  w.empty_tagged_fields();
}

}  // namespace sluice::protocol
