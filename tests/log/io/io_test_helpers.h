#pragma once
// Shared by the I/O backend tests: an io_op that records its completion, and
// small file and fd helpers.

#include <poll.h>
#include <sys/uio.h>

#include <chrono>
#include <climits>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>

#include "log/io/io_backend.h"

namespace sluice::log::io::testing {

// Remembers the last result, how many times it completed, and when.
struct recorded_op final : io_op {
  void complete(int32_t r) override {
    res = r;
    ++calls;
    at = std::chrono::steady_clock::now();
  }
  int32_t res = INT32_MIN;
  int calls = 0;
  std::chrono::steady_clock::time_point at{};
};

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

inline iovec iov_of(const std::string& s) { return {const_cast<char*>(s.data()), s.size()}; }

// True if fd becomes readable within timeout_ms.
inline bool readable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, timeout_ms) == 1 && (p.revents & POLLIN) != 0;
}

}  // namespace sluice::log::io::testing
