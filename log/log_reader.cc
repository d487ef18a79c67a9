#include "log/log_reader.h"

#include <unistd.h>

#include <cerrno>

#include "log/record_batch.h"

namespace sluice::log {

std::error_code read_batches(const partition_log& p, offset from, uint64_t max_bytes,
                             std::vector<std::byte>& out) {
  out.clear();
  auto r = p.read(from, max_bytes);
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

log_reader::log_reader(const partition_log& p, offset from, uint64_t chunk_bytes)
    : p_(p), at_(from), chunk_bytes_(chunk_bytes) {}

bool log_reader::next(std::span<const std::byte>& batch) {
  if (error_) return false;
  if (pos_ >= buf_.size()) {
    pos_ = 0;
    buf_.clear();
    if (at_ >= p_.high_watermark()) return false;
    if ((error_ = read_batches(p_, at_, chunk_bytes_, buf_))) return false;
    if (buf_.empty()) return false;
  }
  const auto rest = std::span<const std::byte>(buf_).subspan(pos_);
  if (rest.size() < batch_header_size) {
    error_ = errc::corrupt_batch;
    return false;
  }
  const record_batch_view view(rest);
  // A read returns whole batches: a length past the bytes read, or a batch
  // that does not move the offset on, is damage (and would loop forever).
  if (view.batch_length() < static_cast<int32_t>(batch_header_size - batch_length_field_end) ||
      view.size_in_bytes() > rest.size() || view.next_offset() <= at_) {
    error_ = errc::corrupt_batch;
    return false;
  }
  batch = view.bytes();
  at_ = view.next_offset();
  pos_ += view.size_in_bytes();
  return true;
}

}  // namespace sluice::log
