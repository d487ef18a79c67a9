#include "tests/support/log_helpers.h"

#include <unistd.h>

#include <stdexcept>

#include "log/io/io_backend.h"

namespace sluice::test {

void drain(log::io::io_backend& io) {
  io.flush();
  while (io.in_flight() > 0) io.wait();
}

std::vector<std::byte> read_slices(const std::vector<log::file_slice>& slices) {
  std::vector<std::byte> out;
  for (const auto& s : slices) {
    size_t at = out.size();
    out.resize(at + s.length);
    size_t got = 0;
    while (got < s.length) {
      ssize_t n = ::pread(s.fd(), out.data() + at + got, s.length - got,
                          static_cast<off_t>(s.position.value + got));
      if (n <= 0) throw std::runtime_error("pread of a file slice failed");
      got += static_cast<size_t>(n);
    }
  }
  return out;
}

log::offset append_and_wait(log::partition_log& log, log::io::io_backend& io,
                            std::vector<std::byte>& batch, log::ack_level level) {
  bool done = false;
  std::error_code result;
  auto info = log.append(batch, level, [&](std::error_code ec) {
    done = true;
    result = ec;
  });
  if (!info) throw std::runtime_error("append failed: " + info.error().message());
  io.flush();
  while (!done) {
    if (io.wait() == 0 && io.in_flight() == 0 && !done)
      throw std::runtime_error("append never completed");
  }
  if (result) throw std::runtime_error("append completed with " + result.message());
  return info->base_offset;
}

}  // namespace sluice::test
