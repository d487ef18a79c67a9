#pragma once
// Helpers shared by the storage tests: driving the I/O backend until a
// partition's work is done, and reading back what file slices point at.
// The fake clock is tests/support/fake_clock.h.

#include <atomic>
#include <cstdint>
#include <vector>

#include "log/partition_log.h"

namespace sluice::log::io {
class io_backend;
}

namespace sluice::test {

// Flushes and waits until the backend has nothing in flight.
void drain(log::io::io_backend& io);

// Concatenated bytes of the slices (pread from each slice's fd).
std::vector<std::byte> read_slices(const std::vector<log::file_slice>& slices);

// Appends one batch and waits for its ack; returns its base offset.
log::offset append_and_wait(log::partition_log& log, log::io::io_backend& io,
                            std::vector<std::byte>& batch,
                            log::ack_level level = log::ack_level::flushed);

}  // namespace sluice::test
