#pragma once
// Helpers for recovery and corruption tests: copy a partition directory, damage
// its files the way a crash or a bad disk would (cut, flip a bit, append
// bytes), and read back what lies on disk as a list of batches.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "log/types.h"

namespace sluice::test {

// Replaces `to` (removed first if present) with a recursive copy of `from`.
void copy_dir(const std::string& from, const std::string& to);

std::vector<std::byte> read_file(const std::string& path);
void write_file(const std::string& path, std::span<const std::byte> bytes);
void append_to_file(const std::string& path, std::span<const std::byte> bytes);
// Sets the file's length: cuts it, or extends it with zeros.
void resize_file(const std::string& path, uint64_t size);
// Inverts one bit (0 = least significant) of the byte at `position`.
void flip_bit(const std::string& path, uint64_t position, int bit);
uint64_t file_size(const std::string& path);
bool file_exists(const std::string& path);
// Names (not paths) of the directory's entries, sorted.
std::vector<std::string> list_dir(const std::string& dir);

// `n` bytes from a seeded generator (the same seed gives the same bytes).
std::vector<std::byte> random_bytes(size_t n, uint64_t seed);

// One batch as it lies in a segment's .log file.
struct disk_batch {
  log::offset segment_base;     // the segment holding it
  log::file_position position;  // where it starts in that segment's .log
  log::offset base_offset;
  log::offset last_offset;
  log::timestamp_ms max_timestamp = log::no_timestamp;
  std::vector<std::byte> bytes;
  uint64_t end() const { return position.value + bytes.size(); }
  log::offset next_offset() const { return last_offset + 1; }
};

// Every whole batch of every .log in a partition directory, in offset order,
// split by batch length (not validated: it describes what is there).
std::vector<disk_batch> read_batches(const std::string& partition_dir);

// Base offsets of the .log files in a partition directory, ascending.
std::vector<log::offset> segment_bases(const std::string& partition_dir);

// Path of a segment file, built with log/file_names.h.
std::string log_path(const std::string& partition_dir, log::offset base);
std::string index_path(const std::string& partition_dir, log::offset base);
std::string time_index_path(const std::string& partition_dir, log::offset base);

}  // namespace sluice::test
