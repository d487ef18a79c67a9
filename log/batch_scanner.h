#pragma once
// Walks the RecordBatch v2 batches of a segment's .log file in order. Two ways
// to read:
//   buffered (the constructor): through a buffer with pread (one system call
//       per ~1 MiB, not per batch), for index rebuilds and recovery, which read
//       every byte anyway. In verify mode every batch is fully validated
//       (bounds, magic, CRC32C, counts, offsets contiguous) and the scan stops
//       at the first bad byte.
//   headers (headers()): one pread of the 61-byte header at each batch
//       position and nothing else, for the read path (Fetch, offset and time
//       lookups), whose record bytes leave by sendfile and never enter user
//       space; seek() jumps to a boundary the offset index names.
// A scan_counter, when given, counts the bytes read into user space (the
// sluice_fetch_scan_bytes metric checks the read path's promise).
//
// Lifetime: borrows the fd; the caller keeps the file open. Not thread-safe.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "base/batch_layout.h"
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
  bool is_transactional() const { return (attributes & base::batch_transactional_bit) != 0; }
  bool is_control() const { return (attributes & base::batch_control_bit) != 0; }
};

// Bytes and preads a scan made into user space. Owned by the caller.
struct scan_counter {
  uint64_t bytes = 0;
  uint64_t reads = 0;
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
  // Header-only scan of [start, end): no buffer, one header read per batch.
  static batch_scanner headers(int fd, file_position start, uint64_t end,
                               scan_counter* counter = nullptr);

  // Continues at `p`, which must be a batch boundary in [start, end] (an
  // offset-index entry's position or a batch's end); header-only scans only.
  void seek(file_position p) { pos_ = p; }
  void count_into(scan_counter* counter) { counter_ = counter; }
  // Verify mode: a batch may start past the previous batch's next offset (a
  // gap the log cleaner left) while its base offset is below `o`, the end of
  // what the cleaner has rewritten (docs/storage-format.md, "Log compaction").
  void allow_gaps_before(offset o) { gaps_before_ = o; }

  // The next batch, or false with stop() telling why.
  bool next(batch_info& out);
  scan_stop stop() const { return stop_; }
  // Position just past the last batch returned (where a truncation would cut).
  file_position valid_end() const { return pos_; }

 private:
  bool fill(uint64_t need);
  // headers mode: reads the header at pos_ into header_.
  bool read_header();
  // pread(2) until `want` bytes or end of file, counted; nullopt (and
  // stop_ = io_error) on an error.
  std::optional<size_t> pread_counted(std::byte* into, size_t want, uint64_t at);

  int fd_;
  file_position pos_;  // next batch starts here
  uint64_t end_;
  bool verify_;
  offset expected_offset_;  // verify mode: the next batch's baseOffset
  offset gaps_before_{0};   // verify mode: forward gaps allowed below it
  scan_stop stop_ = scan_stop::end;
  std::vector<std::byte> buf_;
  uint64_t buf_start_ = 0;  // file position of buf_[0]
  size_t buf_len_ = 0;
  bool headers_only_ = false;
  scan_counter* counter_ = nullptr;
  std::array<std::byte, 61> header_{};  // batch_header_size (record_batch.h)
};

}  // namespace sluice::log
