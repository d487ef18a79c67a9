#include "broker/share/log_reader.h"

#include <unistd.h>

#include <cerrno>

namespace sluice::broker::share {

std::error_code read_batches(const log::partition_log& p, int64_t from, uint64_t max_bytes,
                             bytes& out) {
  out.clear();
  auto r = p.read(log::offset{from}, max_bytes);
  if (!r) return r.error();
  for (const auto& s : r->slices) {
    const size_t base = out.size();
    out.resize(base + s.length);
    size_t got = 0;
    while (got < s.length) {
      const ssize_t n = ::pread(s.fd(), out.data() + base + got, s.length - got,
                                static_cast<off_t>(s.position.value + got));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return std::error_code(n < 0 ? errno : EIO, std::generic_category());
      got += static_cast<size_t>(n);
    }
  }
  return {};
}

}  // namespace sluice::broker::share
