#pragma once
// Kafka's record batch compression codecs (attributes bits 0-2).
//
//   gzip    RFC 1952 gzip stream (zlib)
//   snappy  written in xerial's framing, as Kafka's Java client writes it
//           (magic 82 'SNAPPY' 0, version 1, compatible 1, then int32
//           length-prefixed snappy blocks); read either xerial-framed or a
//           raw snappy block (what some other clients write)
//   lz4     LZ4 frame format (magic 0x184D2204), as Kafka >= 0.10 writes it
//   zstd    one zstd frame; read streaming, so frames without a content size
//           decode too
//
// Decompression is bounded by `max_output` so a hostile batch cannot blow up
// memory (failure::corrupt when exceeded). Errors are values: an `output`
// carries either the bytes or a failure with a one-line detail. The client
// maps failures onto Kafka error codes (client/compression.h); the broker
// answers its own. Pure functions; any thread.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::compression {

enum class codec : int8_t { none = 0, gzip = 1, snappy = 2, lz4 = 3, zstd = 4 };

// "none", "gzip", "snappy", "lz4", "zstd".
std::string_view codec_name(codec c) noexcept;
// The inverse; nullopt for an unknown name.
std::optional<codec> parse_codec(std::string_view name) noexcept;

struct failure {
  enum class kind : uint8_t {
    corrupt,          // the input does not decode, or decodes past max_output
    unknown_codec,    // a codec number Kafka does not define
    compress_failed,  // the library refused to compress (out of memory)
  };
  kind what = kind::corrupt;
  std::string detail;  // "gzip decompression failed: truncated stream"
};

struct output {
  std::vector<std::byte> bytes;
  std::optional<failure> error;  // set on failure (bytes are then empty)
  explicit operator bool() const noexcept { return !error.has_value(); }
};

output encode(codec c, std::span<const std::byte> input);
output decode(codec c, std::span<const std::byte> input, size_t max_output = size_t{256} << 20);

}  // namespace sluice::compression
