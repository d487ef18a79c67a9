#pragma once
// Encoding of Kafka's primitive types, the mirror of reader.h.
//
// A writer appends to a chunked_buffer it owns. Record sets are never copied:
// a view is borrowed (the caller keeps its bytes alive until the buffer is
// sent) and an external slice leaves a hole of known length for the caller to
// fill (sendfile from a segment file). Everything else is copied into the
// buffer's owned bytes. Sizes are therefore known before anything is sent, and
// a frame's size prefix is exact.
//
// Errors are sticky values like the reader's: a value that does not fit its
// wire type (a string over 32767 bytes, bytes over INT32_MAX) marks the writer
// failed; check ok() once at the end.
//
// A writer is made for one message or frame and used on one thread; finish()
// hands its buffer over. A chunked_buffer is an immutable value after that.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <system_error>
#include <vector>

#include "protocol/codec_error.h"
#include "protocol/types.h"

namespace sluice::protocol {

// One piece of an encoded message, in wire order: memory to send (owned by the
// chunked_buffer, or borrowed from the caller), or an external slice.
struct chunk {
  std::span<const std::byte> bytes;  // when !external
  std::optional<external_slice> external;
};

// The output of a writer: owned bytes with borrowed views and external slices
// spliced in at recorded offsets.
class chunked_buffer {
 public:
  // Total bytes on the wire, external slices included.
  size_t size() const noexcept { return owned_.size() + spliced_bytes_; }
  const std::vector<std::byte>& owned() const noexcept { return owned_; }
  bool has_external() const noexcept { return external_count_ > 0; }
  // The pieces in wire order; owned pieces point into this buffer.
  std::vector<chunk> chunks() const;
  // One contiguous copy (tests, small messages); fails with external slices.
  std::error_code flatten(std::vector<std::byte>& out) const;

 private:
  friend class writer;
  struct splice {
    size_t at;  // offset into owned_ where the spliced bytes go
    record_set data;
  };
  std::vector<std::byte> owned_;
  std::vector<splice> splices_;
  size_t spliced_bytes_ = 0;
  size_t external_count_ = 0;
};

class writer {
 public:
  explicit writer(bool flexible = false) noexcept : flexible_(flexible) {}

  bool flexible() const noexcept { return flexible_; }
  void set_flexible(bool flexible) noexcept { flexible_ = flexible; }

  bool ok() const noexcept { return error_ == codec_errc::ok; }
  codec_errc errc() const noexcept { return error_; }
  std::error_code error() const noexcept {
    return ok() ? std::error_code{} : make_error_code(error_);
  }
  void fail(codec_errc e) noexcept {
    if (error_ == codec_errc::ok) error_ = e;
  }

  // Bytes on the wire so far.
  size_t size() const noexcept { return out_.size(); }

  void int8(int8_t v);
  void int16(int16_t v);
  void int32(int32_t v);
  void int64(int64_t v);
  void uint16(uint16_t v);
  void uint32(uint32_t v);
  void float64(double v);
  void boolean(bool v) { int8(v ? 1 : 0); }
  void uuid_value(const uuid& v);

  void unsigned_varint(uint32_t v);
  void varint(int32_t v);
  void varlong(int64_t v);

  // Strings, bytes and record sets in the current mode.
  void string(std::string_view s);
  void nullable_string(std::optional<std::string_view> s);
  void classic_nullable_string(std::optional<std::string_view> s);  // int16 length always
  void bytes(std::span<const std::byte> b);
  void nullable_bytes(std::optional<std::span<const std::byte>> b);
  void records(const record_set& r);  // borrowed or external, never copied

  void array_length(size_t n);
  void null_array();
  template <class T, class F>
  void array(const std::vector<T>& v, F&& write_one) {
    array_length(v.size());
    for (const T& e : v) write_one(e);
  }
  template <class T, class F>
  void nullable_array(const std::optional<std::vector<T>>& v, F&& write_one) {
    if (!v) return null_array();
    array(*v, write_one);
  }

  // Tagged fields (flexible mode only; no-ops otherwise). Write the count of
  // fields, then each field in ascending tag order; write_field(writer&)
  // encodes the field's value, whose size is then known.
  void tagged_field_count(uint32_t n) {
    if (flexible_) unsigned_varint(n);
  }
  void empty_tagged_fields() { tagged_field_count(0); }
  template <class F>
  void tagged_field(uint32_t tag, F&& write_field) {
    if (!flexible_) return;
    writer field(true);
    write_field(field);
    append_tagged(tag, field);
  }

  // Reserves an int32 at the current end and returns its offset among the
  // owned bytes, to be filled by patch_int32 once the rest is written (a
  // frame's size prefix).
  size_t reserve_int32();
  void patch_int32(size_t at, int32_t v);

  chunked_buffer finish() && { return std::move(out_); }

 private:
  void append(const void* p, size_t n);
  void append_length(int64_t n, bool compact_form_allowed);
  void splice(const record_set& r);
  void append_tagged(uint32_t tag, const writer& field);

  chunked_buffer out_;
  bool flexible_;
  codec_errc error_ = codec_errc::ok;
};

}  // namespace sluice::protocol
