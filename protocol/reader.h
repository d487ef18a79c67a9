#pragma once
// Decoding of Kafka's primitive types from a frame held in memory.
//
// A reader walks a std::span<const std::byte> it does not own. Errors are
// sticky values, not exceptions: the first failure is recorded, the reader
// jumps to the end, and every later read returns a zero value without touching
// memory, so message decoders read field after field and check ok() once.
//
// The allocation rule (RELIABILITY.md E3, CVE-2022-34917): nothing is sized by
// a count the sender declared unless the bytes are there. An array of N
// elements whose encoding takes at least k bytes each needs N*k bytes left
// before anything is reserved; a string or bytes length must not exceed what
// remains; a tagged-field count needs two bytes per field. So a decode never
// reserves more elements than the frame has bytes.
//
// Mode: a flexible reader (KIP-482, set from the api_keys table per (api,
// version)) reads compact strings/bytes/arrays (unsigned varint length + 1,
// 0 = null) and tagged-field sections; a classic one reads int16/int32 lengths
// (-1 = null) and treats tagged_fields() as empty.
//
// Lifetime and threads: a reader is a cheap value made for one decode and used
// on one thread. string_view, bytes and record_set results point into the
// frame, which must outlive them.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "protocol/codec_error.h"
#include "protocol/types.h"

namespace sluice::protocol {

class reader {
 public:
  explicit reader(std::span<const std::byte> bytes, bool flexible = false) noexcept
      : pos_(bytes.data()), end_(bytes.data() + bytes.size()), flexible_(flexible) {}

  bool flexible() const noexcept { return flexible_; }
  void set_flexible(bool flexible) noexcept { flexible_ = flexible; }

  bool ok() const noexcept { return error_ == codec_errc::ok; }
  codec_errc errc() const noexcept { return error_; }
  std::error_code error() const noexcept {
    return ok() ? std::error_code{} : make_error_code(error_);
  }
  // Records the first error and stops the reader.
  void fail(codec_errc e) noexcept;

  size_t remaining() const noexcept { return static_cast<size_t>(end_ - pos_); }
  std::span<const std::byte> rest() const noexcept { return {pos_, remaining()}; }

  // Fixed width, big-endian.
  int8_t int8() noexcept;
  int16_t int16() noexcept;
  int32_t int32() noexcept;
  int64_t int64() noexcept;
  uint16_t uint16() noexcept;
  uint32_t uint32() noexcept;
  double float64() noexcept;
  bool boolean() noexcept;  // any non-zero byte is true, as Kafka reads it
  uuid uuid_value() noexcept;

  // Variable length: unsigned varint (at most 5 bytes, fits uint32), and
  // zigzag varint (5 bytes) / varlong (10 bytes), as records and KIP-482 use.
  uint32_t unsigned_varint() noexcept;
  int32_t varint() noexcept;
  int64_t varlong() noexcept;

  // Strings in the current mode. A string longer than 32767 bytes is refused,
  // compact or not, as Kafka's own readers do.
  std::string string();
  std::optional<std::string> nullable_string();
  std::string_view string_view() noexcept;
  std::optional<std::string_view> nullable_string_view() noexcept;
  // int16 length whatever the mode: the request header's client_id.
  std::optional<std::string_view> classic_nullable_string_view() noexcept;

  // Bytes in the current mode, as views into the frame.
  std::span<const std::byte> bytes() noexcept;
  std::optional<std::span<const std::byte>> nullable_bytes() noexcept;
  record_set records() noexcept;  // nullable bytes, kept as a view

  // Array element counts in the current mode, checked against the bytes left:
  // count * min_element_bytes must fit in remaining(). min_element_bytes is a
  // lower bound of one element's encoding (at least 1).
  int32_t array_length(size_t min_element_bytes) noexcept;           // null is an error
  int32_t nullable_array_length(size_t min_element_bytes) noexcept;  // -1 for null

  template <class T, class F>
  void array(std::vector<T>& out, size_t min_element_bytes, F&& read_one) {
    read_elements(out, array_length(min_element_bytes), read_one);
  }
  template <class T, class F>
  void nullable_array(std::optional<std::vector<T>>& out, size_t min_element_bytes, F&& read_one) {
    const int32_t n = nullable_array_length(min_element_bytes);
    if (n < 0) {
      out.reset();
      return;
    }
    read_elements(out.emplace(), n, read_one);
  }

  // A tagged-field section (flexible mode only; a no-op otherwise). For each
  // field, on_tag(uint32_t tag, reader& field) is called with a reader over
  // exactly the field's bytes and returns whether it knew the tag; unknown
  // tags are skipped. Tags must be strictly ascending.
  template <class F>
  void tagged_fields(F&& on_tag);
  void skip_tagged_fields() {
    tagged_fields([](uint32_t, reader&) { return false; });
  }

 private:
  // Returns the next n bytes and advances, or nullptr (and fails) if short.
  const std::byte* take(size_t n) noexcept;
  // Checks a declared length against the bytes left; -1 means null.
  int32_t checked_length(int64_t length, bool nullable, size_t unit) noexcept;
  int64_t string_length(bool nullable) noexcept;
  int64_t bytes_length(bool nullable) noexcept;

  template <class T, class F>
  void read_elements(std::vector<T>& out, int32_t n, F& read_one) {
    if (n <= 0) return;
    out.reserve(static_cast<size_t>(n));  // bounded: n <= remaining()
    for (int32_t i = 0; i < n && ok(); ++i) read_one(out.emplace_back());
  }

  const std::byte* pos_;
  const std::byte* end_;
  bool flexible_;
  codec_errc error_ = codec_errc::ok;
};

template <class F>
void reader::tagged_fields(F&& on_tag) {
  if (!flexible_ || !ok()) return;
  const uint32_t count = unsigned_varint();
  // Each field takes at least two bytes (tag, size): a larger count is a lie.
  if (!ok() || count > remaining() / 2) {
    if (ok()) fail(codec_errc::truncated);
    return;
  }
  int64_t previous = -1;
  for (uint32_t i = 0; i < count; ++i) {
    const uint32_t tag = unsigned_varint();
    const uint32_t size = unsigned_varint();
    if (!ok()) return;
    if (static_cast<int64_t>(tag) <= previous) return fail(codec_errc::bad_tagged_fields);
    previous = tag;
    const std::byte* data = take(size);
    if (data == nullptr) return;
    reader field({data, size}, true);
    // A known field's bytes beyond what this version reads are ignored: a
    // newer writer may have grown the field.
    if (on_tag(tag, field) && !field.ok()) return fail(field.errc());
  }
}

}  // namespace sluice::protocol
