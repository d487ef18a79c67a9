#include "log/batch_scanner.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "base/big_endian.h"
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

batch_scanner batch_scanner::headers(int fd, file_position start, uint64_t end,
                                     scan_counter* counter) {
  batch_scanner s(fd, start, end, /*verify=*/false);
  s.headers_only_ = true;
  s.counter_ = counter;
  return s;
}

std::optional<size_t> batch_scanner::pread_counted(std::byte* into, size_t want, uint64_t at) {
  size_t got = 0;
  while (got < want) {
    ssize_t n = ::pread(fd_, into + got, want - got, static_cast<off_t>(at + got));
    if (n < 0) {
      if (errno == EINTR) continue;
      stop_ = scan_stop::io_error;
      return std::nullopt;
    }
    if (n == 0) break;  // end of file: the caller decides whether that is short
    got += static_cast<size_t>(n);
  }
  if (counter_ != nullptr) {
    counter_->bytes += got;
    ++counter_->reads;
  }
  return got;
}

bool batch_scanner::read_header() {
  static_assert(sizeof(header_) == batch_header_size);
  auto got = pread_counted(header_.data(), batch_header_size, pos_.value);
  return got && *got == batch_header_size;
}

// Makes bytes [pos_, pos_ + need) available in buf_. False on EOF-before-need or error.
bool batch_scanner::fill(uint64_t need) {
  uint64_t have_from = pos_.value;
  if (have_from >= buf_start_ && have_from + need <= buf_start_ + buf_len_) return true;
  size_t want = static_cast<size_t>(std::max<uint64_t>(need, read_chunk));
  want = static_cast<size_t>(std::min<uint64_t>(want, end_ - have_from));
  if (want < need) return false;
  if (buf_.size() < want) buf_.resize(want);
  auto got = pread_counted(buf_.data(), want, have_from);
  if (!got) return false;
  buf_start_ = have_from;
  buf_len_ = *got;
  return *got >= need;
}

bool batch_scanner::next(batch_info& out) {
  if (stop_ != scan_stop::end) return false;
  if (pos_.value >= end_) return false;
  uint64_t left = end_ - pos_.value;
  if (left < batch_header_size || !(headers_only_ ? read_header() : fill(batch_header_size))) {
    if (stop_ == scan_stop::end) stop_ = scan_stop::incomplete;
    return false;
  }
  const std::byte* p = headers_only_ ? header_.data() : buf_.data() + (pos_.value - buf_start_);
  int32_t batch_length = base::load_be<int32_t>(p + base::batch_length_at);
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
  const bool cleaned_gap =
      view.base_offset() > expected_offset_ && view.base_offset() < gaps_before_;
  if (verify_ && view.base_offset() != expected_offset_ && !cleaned_gap) {
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
