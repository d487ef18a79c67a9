#pragma once
// Reading whole batches of a partition into memory, for the broker paths that
// must look inside records rather than send file slices: coordinators
// replaying their internal partitions at start (broker/internal_log.h), a
// ShareFetch trimming its answer to the batches that hold acquired offsets,
// a record copied to a dead-letter topic. Plain pread(2) of the slices
// partition_log::read returns; a read never goes past the high watermark.
//
// Cost: every byte read is copied once into the caller's buffer (these paths
// decode records, so they need the bytes in memory anyway).
//
// Lifetime: a log_reader borrows the partition, which must outlive it.
// Thread: the partition's (not thread-safe).

#include <cstddef>
#include <cstdint>
#include <span>
#include <system_error>
#include <vector>

#include "log/partition_log.h"
#include "log/types.h"

namespace sluice::log {

// Whole batches from the one holding `from`, up to max_bytes (at least one
// batch when any is readable), never past the high watermark, into `out`
// (replacing what it held). Empty when there is nothing to read.
std::error_code read_batches(const partition_log& p, offset from, uint64_t max_bytes,
                             std::vector<std::byte>& out);

// Every batch from the one holding `from` up to the high watermark, in
// order, one at a time, read `chunk_bytes` at a time. Batches are framed by
// their length field only: the CRC and record layout are the caller's to
// check (the reader does not know what the records mean).
class log_reader {
 public:
  explicit log_reader(const partition_log& p, offset from, uint64_t chunk_bytes = 1 << 20);

  // The next whole batch, valid until the next call. False at the end, or on
  // an error (error() then says which: a read failure, or errc::corrupt_batch
  // for bytes that do not frame whole batches or offsets that go backwards).
  bool next(std::span<const std::byte>& batch);
  std::error_code error() const { return error_; }
  // The offset after the last batch returned (where the next read starts).
  offset next_offset() const { return at_; }

 private:
  const partition_log& p_;
  offset at_;
  uint64_t chunk_bytes_;
  std::vector<std::byte> buf_;
  size_t pos_ = 0;  // next batch's first byte in buf_
  std::error_code error_;
};

}  // namespace sluice::log
