#pragma once
// Where `sluice produce --follow FILE` is in FILE, kept across restarts.
//
// The state names the file by device and inode (a path is reused by log
// rotation) plus a fingerprint of its first bytes (an inode is reused after a
// delete), and the byte position just after the last line the broker
// acknowledged. It is one text line:
//
//   sluice-follow 1 <device> <inode> <position> <fingerprint length> <fnv1a-64 hex>\n
//
// written to "<state>.tmp", fsync'd, renamed over "<state>", and the directory
// fsync'd, so a crash leaves the old state or the new one, never a torn one.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tools/result.h"

namespace sluice::tools {

struct follow_state {
  uint64_t device = 0;
  uint64_t inode = 0;
  int64_t position = 0;
  uint32_t fingerprint_length = 0;  // how many leading bytes the fingerprint covers
  uint64_t fingerprint = 0;
  friend bool operator==(const follow_state&, const follow_state&) = default;
};

// The fingerprint covers at most this many leading bytes.
inline constexpr uint32_t fingerprint_max = 1024;

uint64_t fnv1a64(std::string_view bytes);

// None when the state file does not exist; an error when it is unreadable or
// malformed (not silently restarting from 0, which would send it all twice).
result<std::optional<follow_state>> load_follow_state(const std::string& path);
status save_follow_state(const std::string& path, const follow_state& state);

// "<file>.sluice-follow", next to the followed file.
std::string default_state_path(const std::string& followed);

}  // namespace sluice::tools
