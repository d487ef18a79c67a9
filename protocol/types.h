#pragma once
// Value types the wire codec shares with its callers.
//
// record_set is how record bytes travel through the codec without being copied:
// decoding yields a view into the frame, encoding either borrows a caller's
// view or leaves a hole that the caller fills from elsewhere (an external
// slice: the broker sends Fetch data from segment files with sendfile).

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace sluice::protocol {

// Kafka's 16-byte uuid (topic ids), kept as raw big-endian bytes.
struct uuid {
  std::array<std::byte, 16> bytes{};
  friend bool operator==(const uuid&, const uuid&) = default;
};

// Bytes the codec does not hold: `descriptor` is opaque to the codec (the
// broker uses it to find a file slice: fd, position); `length` is the exact
// number of bytes the caller will put in its place on the wire.
struct external_slice {
  uint64_t descriptor = 0;
  uint32_t length = 0;
  friend bool operator==(const external_slice&, const external_slice&) = default;
};

// A nullable record set (Kafka's "records" type): null, a view into memory, or
// an external slice. A view does not own its bytes: a decoded one points into
// the frame, which must outlive it. Two record sets compare equal when they hold
// the same bytes (views) or the same slice (externals).
class record_set {
 public:
  enum class kind : uint8_t { null, view, external };

  record_set() = default;
  static record_set of(std::span<const std::byte> bytes) {
    record_set r;
    r.kind_ = kind::view;
    r.view_ = bytes;
    return r;
  }
  static record_set external(external_slice slice) {
    record_set r;
    r.kind_ = kind::external;
    r.external_ = slice;
    return r;
  }

  kind type() const noexcept { return kind_; }
  bool is_null() const noexcept { return kind_ == kind::null; }
  bool is_external() const noexcept { return kind_ == kind::external; }
  // The bytes of a view (empty for null and external).
  std::span<const std::byte> bytes() const noexcept { return view_; }
  const external_slice& slice() const noexcept { return external_; }
  // Bytes on the wire after the length prefix.
  size_t size() const noexcept { return kind_ == kind::external ? external_.length : view_.size(); }

  friend bool operator==(const record_set& a, const record_set& b) {
    if (a.kind_ != b.kind_) return false;
    if (a.kind_ == kind::external) return a.external_ == b.external_;
    return std::ranges::equal(a.view_, b.view_);
  }

 private:
  kind kind_ = kind::null;
  std::span<const std::byte> view_;
  external_slice external_;
};

}  // namespace sluice::protocol
