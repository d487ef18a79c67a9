#pragma once
// Reading record bytes of a partition into memory, for the share paths that
// must look inside batches (trimming a ShareFetch answer to the batches that
// hold acquired offsets, copying a record to a dead-letter topic). Plain
// pread(2) of the slices partition_log::read returns. Thread: the shard's.

#include <cstdint>
#include <system_error>

#include "broker/internal_batch.h"
#include "log/partition_log.h"

namespace sluice::broker::share {

// Whole batches from the one holding `from`, up to max_bytes (at least one
// batch), never past the high watermark. Empty when there is nothing.
std::error_code read_batches(const log::partition_log& p, int64_t from, uint64_t max_bytes,
                             bytes& out);

}  // namespace sluice::broker::share
