#pragma once
// The record batch codecs as the client sees them: compression/compression.h
// (the one implementation, shared with the broker) with its failures mapped
// onto Kafka error codes, as Kafka's Java client reports them:
//   a batch that does not decompress, or past max_output   CORRUPT_MESSAGE
//   a codec number Kafka does not define                   UNSUPPORTED_COMPRESSION_TYPE
//   the library refusing to compress                       UNKNOWN_SERVER_ERROR
// Pure functions; any thread.

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "client/error.h"
#include "compression/compression.h"

namespace sluice::client {

using compression_type = compression::codec;

// "none", "gzip", "snappy", "lz4", "zstd".
inline std::string_view compression_name(compression_type c) noexcept {
  return compression::codec_name(c);
}
// The inverse; nullopt for an unknown name.
inline std::optional<compression_type> parse_compression(std::string_view name) noexcept {
  return compression::parse_codec(name);
}

result<std::vector<std::byte>> compress(compression_type c, std::span<const std::byte> input);
result<std::vector<std::byte>> decompress(compression_type c, std::span<const std::byte> input,
                                          size_t max_output = size_t{256} << 20);

}  // namespace sluice::client
