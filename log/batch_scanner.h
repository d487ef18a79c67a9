#pragma once
// Walks the RecordBatch v2 batches of a segment's .log file in order, reading
// through a buffer with pread (one system call per ~1 MiB, not per batch).
// Used for offset and time lookups between index entries, index rebuilds and
// recovery. In verify mode every batch is fully validated (bounds, magic,
// CRC32C, counts, offsets contiguous) and the scan stops at the first bad byte.
//
// Lifetime: borrows the fd; the caller keeps the file open. Not thread-safe.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "log/types.h"

namespace sluice::log {

struct batch_info {
  file_position position;  // where the batch starts in the .log file
  uint32_t size = 0;       // 12 + batchLength
  offset base_offset;
  offset last_offset;
  timestamp_ms max_timestamp = no_timestamp;
  // Producer fields of the header (producer state is rebuilt from them).
  int16_t attributes = 0;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  int32_t base_sequence = -1;
  offset next_offset() const { return last_offset + 1; }
};

enum class scan_stop {
  end,         // reached the end position exactly on a batch boundary
  incomplete,  // the bytes left do not hold a whole batch (torn tail)
  corrupt,     // a batch failed validation (verify mode) or offsets went backwards
  io_error,    // pread failed
};

class batch_scanner {
 public:
  // Scans [start, end) of fd. In verify mode the first batch must have
  // baseOffset == first_offset and every later one must start at the previous
  // batch's next offset. A Sluice segment has no offset gaps (offsets are
  // assigned consecutively and nothing compacts), and the CRC does not cover
  // baseOffset: this is the check that catches a flipped bit in it.
  batch_scanner(int fd, file_position start, uint64_t end, bool verify,
                offset first_offset = offset{0});

  // The next batch, or false with stop() telling why.
  bool next(batch_info& out);
  scan_stop stop() const { return stop_; }
  // Position just past the last batch returned (where a truncation would cut).
  file_position valid_end() const { return pos_; }

 private:
  bool fill(uint64_t need);

  int fd_;
  file_position pos_;  // next batch starts here
  uint64_t end_;
  bool verify_;
  offset expected_offset_;  // verify mode: the next batch's baseOffset
  scan_stop stop_ = scan_stop::end;
  std::vector<std::byte> buf_;
  uint64_t buf_start_ = 0;  // file position of buf_[0]
  size_t buf_len_ = 0;
};

}  // namespace sluice::log
