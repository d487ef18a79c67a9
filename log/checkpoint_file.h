#pragma once
// Checkpoint files: one int64 per topic-partition, written whole and replaced
// atomically. The log manager keeps recovery-point-offset-checkpoint and
// log-start-offset-checkpoint in each log directory (names in
// log/file_names.h); other components may keep their own. The format is
// Sluice's own (Kafka's is a text file without a checksum).
//
// File layout (all integers big-endian):
//
//   offset  size  field
//        0     4  magic             "SLCK" (0x53 0x4C 0x43 0x4B)
//        4     2  version           uint16, 1
//        6     4  entry count N     uint32
//       10     -  N entries, each:
//                   2  topic length L  uint16
//                   L  topic           bytes, not NUL-terminated
//                   4  partition       int32
//                   8  offset          int64
//   end - 8    8  checksum          XXH3_64bits (seed 0) of every byte before it
//
// The file is exactly 10 + sum(14 + L) + 8 bytes: anything else is corrupt.
// A reader that finds a corrupt file treats it as absent and falls back to full
// recovery (RELIABILITY.md B7); it never trusts N beyond the bytes present.
//
// Writing: <name>.tmp is created (or truncated), written, fdatasynced, renamed
// over <name>, and the directory is fsynced. A crash at any point leaves either
// the old file or the new one under <name>; a leftover .tmp is never read and
// is overwritten by the next write. See docs/index-and-checkpoint-format.md.
//
// Thread: stateless functions; the caller serialises writers of one file.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "log/errors.h"

namespace sluice::log {

namespace io {
class io_backend;
}

struct checkpoint_entry {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  bool operator==(const checkpoint_entry&) const = default;
};

inline constexpr uint16_t checkpoint_version = 1;

// Writes `entries` to dir/file_name atomically (see above), through `io` so
// that faults and crashes can be simulated. invalid_argument for a topic longer
// than 65535 bytes; otherwise the backend's error. On failure the previous file
// is intact.
std::error_code write_checkpoint(io::io_backend& io, const std::string& dir,
                                 std::string_view file_name,
                                 const std::vector<checkpoint_entry>& entries);

// Reads and verifies a checkpoint. errc::not_found if the file does not exist,
// errc::corrupt_file if it is not exactly a valid checkpoint, errc::io_error if
// it cannot be read.
result<std::vector<checkpoint_entry>> read_checkpoint(const std::string& path);

// The file primitives beneath: `bytes` replace dir/file_name atomically
// (<name>.tmp written, fdatasynced when `sync` says so, renamed; then the
// directory fsynced when `sync_dir` says so), and a whole file read into
// memory (not_found, io_error, or corrupt_file when over 256 MiB or changing).
std::error_code write_file_atomically(io::io_backend& io, const std::string& dir,
                                      std::string_view file_name, std::span<const std::byte> bytes,
                                      bool sync = true, bool sync_dir = true);
result<std::vector<std::byte>> read_whole_file(const std::string& path);

// The bytes write_checkpoint stores, and their parser; exposed for tests.
result<std::vector<std::byte>> encode_checkpoint(const std::vector<checkpoint_entry>& entries);
result<std::vector<checkpoint_entry>> decode_checkpoint(std::span<const std::byte> bytes);

}  // namespace sluice::log
