#pragma once
// The dead-letter topic of a share group (a Sluice extension, off unless
// sluice.share.dlq.topic.suffix is set): records archived by REJECT or by the
// delivery-count limit are appended to `<group><suffix>` (created with one
// partition on first use), each a copy of the original key, value, timestamp
// and headers plus these headers:
//   sluice.dlq.topic, sluice.dlq.partition, sluice.dlq.offset,
//   sluice.dlq.delivery.count, sluice.dlq.reason ("rejected" | "delivery_limit"),
//   sluice.dlq.group
// (values as decimal or plain text). A record in a compressed batch is
// copied with a null key and value, and sluice.dlq.payload = "unavailable".
// Thread: the shard's.

#include <functional>
#include <string>
#include <system_error>
#include <vector>

#include "broker/request.h"
#include "broker/share/share_partition.h"

namespace sluice::broker::share {

// Appends the copies in one batch with ack_level::flushed; `done` runs when
// they are durable (or at once with no letters).
void write_dead_letters(shard_services& shard, const std::string& dlq_topic,
                        const std::string& group, const std::string& topic, int32_t partition,
                        const std::vector<dead_letter>& letters,
                        std::function<void(std::error_code)> done);

}  // namespace sluice::broker::share
