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
// memory (CORRUPT_MESSAGE when exceeded). Pure functions; any thread.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "client/error.h"

namespace sluice::client {

enum class compression_type : int8_t { none = 0, gzip = 1, snappy = 2, lz4 = 3, zstd = 4 };

// "none", "gzip", "snappy", "lz4", "zstd".
std::string_view compression_name(compression_type c) noexcept;
// The inverse; nullopt for an unknown name.
std::optional<compression_type> parse_compression(std::string_view name) noexcept;

result<std::vector<std::byte>> compress(compression_type c, std::span<const std::byte> input);
result<std::vector<std::byte>> decompress(compression_type c, std::span<const std::byte> input,
                                          size_t max_output = size_t{256} << 20);

}  // namespace sluice::client
