#pragma once
// The records the broker writes and reads itself (committed offsets and group
// metadata in `__consumer_offsets`, `__transaction_state`, share-group state in
// `__share_group_state`, records copied to a dead-letter topic) travel as
// RecordBatch v2 through the one codec, protocol/record_batch.h. This header
// gives the broker's internal logs its names for it; uncompressed batches only
// (a compressed one is reported as such: the caller decides).

#include <cstddef>
#include <functional>
#include <span>
#include <vector>

#include "protocol/record_batch.h"

namespace sluice::broker {

using bytes = std::vector<std::byte>;
using protocol::batch_header;
using protocol::batch_record;
using protocol::scan_batches;

// One uncompressed batch, base offset 0 (the log assigns the real one).
inline bytes encode_batch(const std::vector<batch_record>& records) {
  return protocol::encode_batch(records);
}

// Calls `fn` for each record of one uncompressed batch. False if the batch
// is malformed, compressed, or fails its CRC.
inline bool decode_batch(std::span<const std::byte> batch,
                         const std::function<void(batch_record&&)>& fn) {
  return protocol::decode_batch(batch, fn).has_value();
}

}  // namespace sluice::broker
