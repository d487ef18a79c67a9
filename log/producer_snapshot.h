#pragma once
// <offset>.snapshot: the producer state of a partition as of `offset` (every
// batch below it applied), written at each roll and at clean close and read at
// open (log/producer_state.h). Byte layout in docs/storage-format.md
// ("Producer state snapshots"); all integers big-endian:
//
//   offset  size  field
//        0     4  magic "SLPS"
//        4     2  version        1
//        6     4  crc            CRC32C of bytes [10, end)
//       10     8  offset         int64, equal to the file name's
//       18     4  producer count N
//       22     -  N producers:   producer id int64, epoch int16, coordinator
//                 epoch int32, last timestamp int64, ongoing transaction first
//                 offset int64 (-1: none), last offset int64, batch count
//                 uint8 (0..5), then per batch (oldest first): first sequence
//                 int32, last sequence int32, first offset int64, last offset
//                 int64, max timestamp int64
//
// Anything else (short, long, bad magic, version or CRC, more than 5 batches)
// is corrupt: the reader falls back to an older snapshot or a scan of the log.

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "log/errors.h"
#include "log/producer_state.h"

namespace sluice::log {

namespace io {
class io_backend;
}

std::vector<std::byte> encode_producer_snapshot(offset at,
                                                const std::vector<producer_entry>& producers);
// The entries, if `bytes` is a valid snapshot taken at `at`; corrupt_file else.
result<std::vector<producer_entry>> decode_producer_snapshot(std::span<const std::byte> bytes,
                                                             offset at);

// Writes dir/<at>.snapshot through a .tmp file (fdatasynced when `sync`).
std::error_code write_producer_snapshot(io::io_backend& io, const std::string& dir, offset at,
                                        const std::vector<producer_entry>& producers, bool sync,
                                        bool sync_dir);
result<std::vector<producer_entry>> read_producer_snapshot(const std::string& dir, offset at);

// The offsets of the snapshot files in `dir`, ascending.
result<std::vector<offset>> list_producer_snapshots(const std::string& dir);

}  // namespace sluice::log
