#include "log/batch_scanner.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "log/record_batch.h"

namespace sluice::log {
namespace {
constexpr size_t read_chunk = 1 << 20;
}

batch_scanner::batch_scanner(int fd, file_position start, uint64_t end, bool verify,
                             offset first_offset)
    : fd_(fd), pos_(start), end_(end), verify_(verify), expected_offset_(first_offset) {
  buf_start_ = start.value;
}

// Makes bytes [pos_, pos_ + need) available in buf_. False on EOF-before-need or error.
bool batch_scanner::fill(uint64_t need) {
  uint64_t have_from = pos_.value;
  if (have_from >= buf_start_ && have_from + need <= buf_start_ + buf_len_) return true;
  size_t want = static_cast<size_t>(std::max<uint64_t>(need, read_chunk));
  want = static_cast<size_t>(std::min<uint64_t>(want, end_ - have_from));
  if (want < need) return false;
  if (buf_.size() < want) buf_.resize(want);
  size_t got = 0;
  while (got < want) {
    ssize_t n = ::pread(fd_, buf_.data() + got, want - got, static_cast<off_t>(have_from + got));
    if (n < 0) {
      if (errno == EINTR) continue;
      stop_ = scan_stop::io_error;
      return false;
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  buf_start_ = have_from;
  buf_len_ = got;
  return got >= need;
}

bool batch_scanner::next(batch_info& out) {
  if (stop_ != scan_stop::end) return false;
  if (pos_.value >= end_) return false;
  uint64_t left = end_ - pos_.value;
  if (left < batch_header_size || !fill(batch_header_size)) {
    if (stop_ == scan_stop::end) stop_ = scan_stop::incomplete;
    return false;
  }
  const std::byte* p = buf_.data() + (pos_.value - buf_start_);
  int32_t batch_length = read_be32(p + 8);
  if (batch_length < static_cast<int32_t>(batch_header_size - batch_length_field_end)) {
    stop_ = scan_stop::corrupt;
    return false;
  }
  uint64_t size = batch_length_field_end + static_cast<uint64_t>(batch_length);
  if (size > left) {
    stop_ = scan_stop::incomplete;
    return false;
  }
  if (verify_) {
    if (!fill(size)) {
      if (stop_ == scan_stop::end) stop_ = scan_stop::incomplete;
      return false;
    }
    p = buf_.data() + (pos_.value - buf_start_);
    std::span<const std::byte> bytes(p, static_cast<size_t>(size));
    if (validate_batch(bytes)) {
      stop_ = scan_stop::corrupt;
      return false;
    }
  }
  record_batch_view view(std::span<const std::byte>(p, batch_header_size));
  // baseOffset is outside the CRC: without a gap-free check a flipped bit in
  // it would pass (a high bit turns the batch into one far in the future).
  if (verify_ && view.base_offset() != expected_offset_) {
    stop_ = scan_stop::corrupt;
    return false;
  }
  out.position = pos_;
  out.size = static_cast<uint32_t>(size);
  out.base_offset = view.base_offset();
  out.last_offset = view.base_offset() + view.last_offset_delta();
  out.max_timestamp = view.max_timestamp();
  out.attributes = view.attributes();
  out.producer_id = view.producer_id();
  out.producer_epoch = view.producer_epoch();
  out.base_sequence = view.base_sequence();
  expected_offset_ = out.next_offset();
  pos_ = pos_ + size;
  return true;
}

}  // namespace sluice::log
