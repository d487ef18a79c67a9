#include "broker/txn/markers.h"

#include <memory>

#include "base/batch_layout.h"
#include "broker/leader_epoch.h"
#include "broker/topic_table.h"
#include "log/errors.h"
#include "log/record_batch.h"
#include "protocol/writer.h"

namespace sluice::broker::txn {
namespace {

bytes two_fields(int16_t first, int32_t second, bool second_is_32) {
  protocol::writer w;
  w.int16(first);
  if (second_is_32) {
    w.int32(second);
  } else {
    w.int16(static_cast<int16_t>(second));
  }
  bytes out;
  (void)std::move(w).finish().flatten(out);
  return out;
}

}  // namespace

bytes encode_marker(const marker& m, int64_t now_ms) {
  batch_record r;
  r.timestamp = now_ms;
  r.key = two_fields(0, m.commit ? 1 : 0, false);
  r.value = two_fields(0, m.coordinator_epoch, true);
  bytes b = encode_batch({r});
  // The leader epoch lies outside the CRC; the producer fields inside it.
  log::set_partition_leader_epoch(b, current_leader_epoch);
  log::set_producer_fields(b, base::batch_transactional_bit | base::batch_control_bit,
                           m.producer_id, m.producer_epoch, -1);
  return b;
}

void write_marker(shard_services& shard, const std::string& topic, int32_t partition,
                  const marker& m, std::function<void(std::error_code)> done) {
  log::partition_log* p = shard.topics().get(topic, partition);
  if (p == nullptr) return done(log::errc::not_found);
  auto data = std::make_shared<bytes>(encode_marker(m, log::now_ms(p->config())));
  auto r =
      p->append(*data, log::ack_level::flushed, [data, done](std::error_code ec) { done(ec); });
  if (!r) return done(r.error());
  shard.request_flush();
}

}  // namespace sluice::broker::txn
