#pragma once
// <base>.txnindex: the aborted transactions whose ABORT marker lies in the
// segment with that base offset (Kafka's transaction index), written whole
// when the segment is sealed (roll) and for the active segment at clean
// close. Byte layout in docs/storage-format.md ("Aborted-transaction
// index"); all integers big-endian:
//
//   offset  size  field
//        0     4  magic "SLTI"
//        4     2  version     1
//        6     4  crc         CRC32C of bytes [10, end)
//       10     8  covered end int64: the segment's next offset when written
//       18     4  entry count N
//       22  32*N  entries: producer id, first offset, last offset, last
//                 stable offset (int64 each)
//
// A file is used only if it is valid and its covered end equals its
// segment's next offset; otherwise the list is rebuilt by scanning the log.

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "log/errors.h"
#include "log/txn_types.h"

namespace sluice::log {

namespace io {
class io_backend;
}

struct txn_index_file {
  offset covered_end;
  std::vector<aborted_txn> entries;
};

std::vector<std::byte> encode_txn_index(const txn_index_file& f);
result<txn_index_file> decode_txn_index(std::span<const std::byte> bytes);

std::error_code write_txn_index(io::io_backend& io, const std::string& dir, offset base,
                                const txn_index_file& f, bool sync, bool sync_dir);
result<txn_index_file> read_txn_index(const std::string& dir, offset base);

}  // namespace sluice::log
