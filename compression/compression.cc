#include "compression/compression.h"

#include <lz4frame.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <array>
#include <cstring>
#include <memory>

#include "base/big_endian.h"

namespace sluice::compression {
namespace {

using byte_vector = std::vector<std::byte>;

output fail(failure::kind what, std::string detail) {
  return output{{}, failure{what, std::move(detail)}};
}
output corrupt(std::string_view codec, std::string_view why) {
  return fail(failure::kind::corrupt,
              std::string(codec) + " decompression failed: " + std::string(why));
}
output too_big(std::string_view codec, size_t max_output) {
  return corrupt(codec, "output exceeds " + std::to_string(max_output) + " bytes");
}
output compress_failed(std::string detail) {
  return fail(failure::kind::compress_failed, std::move(detail));
}
output done(byte_vector bytes) { return output{std::move(bytes), std::nullopt}; }

const char* chars(std::span<const std::byte> s) { return reinterpret_cast<const char*>(s.data()); }

// --- gzip (zlib) ---------------------------------------------------------

output gzip_compress(std::span<const std::byte> in) {
  z_stream z{};
  // 15 window bits + 16: write a gzip header and trailer, as Kafka does.
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    return compress_failed("gzip: deflateInit2 failed");
  byte_vector out(deflateBound(&z, static_cast<uLong>(in.size())) + 32);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) return compress_failed("gzip: deflate failed");
  return done(std::move(out));
}

output gzip_decompress(std::span<const std::byte> in, size_t max_output) {
  z_stream z{};
  // 15 + 32: accept gzip or zlib headers.
  if (inflateInit2(&z, 15 + 32) != Z_OK) return corrupt("gzip", "inflateInit2 failed");
  std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&z, inflateEnd);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  byte_vector out;
  std::array<std::byte, 65536> chunk;
  while (true) {
    z.next_out = reinterpret_cast<Bytef*>(chunk.data());
    z.avail_out = static_cast<uInt>(chunk.size());
    const int rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) return corrupt("gzip", z.msg ? z.msg : "inflate failed");
    const size_t produced = chunk.size() - z.avail_out;
    if (out.size() + produced > max_output) return too_big("gzip", max_output);
    out.insert(out.end(), chunk.begin(), chunk.begin() + static_cast<ptrdiff_t>(produced));
    if (rc == Z_STREAM_END) return done(std::move(out));
    if (z.avail_in == 0 && produced == 0) return corrupt("gzip", "truncated stream");
  }
}

// --- snappy (xerial framing) ---------------------------------------------

// xerial snappy-java's stream header: magic, then int32 version and
// compatible version, both 1.
constexpr std::array<unsigned char, 8> xerial_magic{0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};
constexpr size_t xerial_header_bytes = 16;
constexpr size_t xerial_block_bytes = 32 * 1024;  // snappy-java's default block

output snappy_compress(std::span<const std::byte> in) {
  byte_vector out;
  for (unsigned char c : xerial_magic) out.push_back(std::byte(c));
  base::append_be<uint32_t>(out, 1);
  base::append_be<uint32_t>(out, 1);
  std::string block;
  for (size_t at = 0; at < in.size(); at += xerial_block_bytes) {
    const size_t n = std::min(xerial_block_bytes, in.size() - at);
    snappy::Compress(chars(in) + at, n, &block);
    base::append_be<uint32_t>(out, static_cast<uint32_t>(block.size()));
    const auto* b = reinterpret_cast<const std::byte*>(block.data());
    out.insert(out.end(), b, b + block.size());
  }
  return done(std::move(out));
}

// Appends one raw snappy block to `out`; a default output on success.
output snappy_raw_into(std::span<const std::byte> in, byte_vector& out, size_t max_output) {
  size_t n = 0;
  if (!snappy::GetUncompressedLength(chars(in), in.size(), &n))
    return corrupt("snappy", "bad block header");
  if (out.size() + n > max_output) return too_big("snappy", max_output);
  const size_t at = out.size();
  out.resize(at + n);
  if (!snappy::RawUncompress(chars(in), in.size(), reinterpret_cast<char*>(out.data()) + at))
    return corrupt("snappy", "bad block");
  return output{};
}

output snappy_decompress(std::span<const std::byte> in, size_t max_output) {
  byte_vector out;
  const bool xerial = in.size() >= xerial_header_bytes &&
                      std::memcmp(in.data(), xerial_magic.data(), xerial_magic.size()) == 0;
  if (!xerial) {
    if (auto r = snappy_raw_into(in, out, max_output); !r) return r;
    return done(std::move(out));
  }
  size_t at = xerial_header_bytes;
  while (at < in.size()) {
    if (in.size() - at < 4) return corrupt("snappy", "truncated xerial block length");
    const uint32_t n = base::load_be<uint32_t>(in.data() + at);
    at += 4;
    if (n > in.size() - at) return corrupt("snappy", "xerial block runs past the data");
    if (auto r = snappy_raw_into(in.subspan(at, n), out, max_output); !r) return r;
    at += n;
  }
  return done(std::move(out));
}

// --- lz4 (frame format) --------------------------------------------------

output lz4_compress(std::span<const std::byte> in) {
  LZ4F_preferences_t prefs{};
  prefs.frameInfo.blockSizeID = LZ4F_max64KB;  // Kafka's default block size
  prefs.frameInfo.blockMode = LZ4F_blockIndependent;
  byte_vector out(LZ4F_compressFrameBound(in.size(), &prefs));
  const size_t n = LZ4F_compressFrame(out.data(), out.size(), in.data(), in.size(), &prefs);
  if (LZ4F_isError(n)) return compress_failed(std::string("lz4: ") + LZ4F_getErrorName(n));
  out.resize(n);
  return done(std::move(out));
}

output lz4_decompress(std::span<const std::byte> in, size_t max_output) {
  LZ4F_dctx* dctx = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&dctx, LZ4F_VERSION)))
    return corrupt("lz4", "cannot create a context");
  std::unique_ptr<LZ4F_dctx, LZ4F_errorCode_t (*)(LZ4F_dctx*)> guard(dctx,
                                                                     LZ4F_freeDecompressionContext);
  byte_vector out;
  std::array<std::byte, 65536> chunk;
  size_t at = 0;
  while (true) {
    size_t src = in.size() - at;
    size_t dst = chunk.size();
    const size_t hint = LZ4F_decompress(dctx, chunk.data(), &dst, in.data() + at, &src, nullptr);
    if (LZ4F_isError(hint)) return corrupt("lz4", LZ4F_getErrorName(hint));
    at += src;
    if (out.size() + dst > max_output) return too_big("lz4", max_output);
    out.insert(out.end(), chunk.begin(), chunk.begin() + static_cast<ptrdiff_t>(dst));
    if (hint == 0) return done(std::move(out));  // frame complete
    if (at == in.size() && dst == 0) return corrupt("lz4", "truncated frame");
  }
}

// --- zstd ----------------------------------------------------------------

output zstd_compress(std::span<const std::byte> in) {
  byte_vector out(ZSTD_compressBound(in.size()));
  const size_t n = ZSTD_compress(out.data(), out.size(), in.data(), in.size(), ZSTD_CLEVEL_DEFAULT);
  if (ZSTD_isError(n)) return compress_failed(std::string("zstd: ") + ZSTD_getErrorName(n));
  out.resize(n);
  return done(std::move(out));
}

output zstd_decompress(std::span<const std::byte> in, size_t max_output) {
  std::unique_ptr<ZSTD_DStream, size_t (*)(ZSTD_DStream*)> ds(ZSTD_createDStream(),
                                                              ZSTD_freeDStream);
  if (!ds) return corrupt("zstd", "cannot create a stream");
  ZSTD_initDStream(ds.get());
  ZSTD_inBuffer src{in.data(), in.size(), 0};
  byte_vector out;
  std::array<std::byte, 65536> chunk;
  size_t last = 1;
  while (src.pos < src.size || last != 0) {
    ZSTD_outBuffer dst{chunk.data(), chunk.size(), 0};
    last = ZSTD_decompressStream(ds.get(), &dst, &src);
    if (ZSTD_isError(last)) return corrupt("zstd", ZSTD_getErrorName(last));
    if (out.size() + dst.pos > max_output) return too_big("zstd", max_output);
    out.insert(out.end(), chunk.begin(), chunk.begin() + static_cast<ptrdiff_t>(dst.pos));
    if (src.pos == src.size && dst.pos == 0 && last != 0) return corrupt("zstd", "truncated frame");
  }
  return done(std::move(out));
}

}  // namespace

std::string_view codec_name(codec c) noexcept {
  switch (c) {
    case codec::none:
      return "none";
    case codec::gzip:
      return "gzip";
    case codec::snappy:
      return "snappy";
    case codec::lz4:
      return "lz4";
    case codec::zstd:
      return "zstd";
  }
  return "unknown";
}

std::optional<codec> parse_codec(std::string_view name) noexcept {
  for (auto c : {codec::none, codec::gzip, codec::snappy, codec::lz4, codec::zstd})
    if (codec_name(c) == name) return c;
  return std::nullopt;
}

output encode(codec c, std::span<const std::byte> input) {
  switch (c) {
    case codec::none:
      return done(byte_vector(input.begin(), input.end()));
    case codec::gzip:
      return gzip_compress(input);
    case codec::snappy:
      return snappy_compress(input);
    case codec::lz4:
      return lz4_compress(input);
    case codec::zstd:
      return zstd_compress(input);
  }
  return fail(failure::kind::unknown_codec, "codec " + std::to_string(static_cast<int>(c)));
}

output decode(codec c, std::span<const std::byte> input, size_t max_output) {
  switch (c) {
    case codec::none:
      if (input.size() > max_output) return too_big("none", max_output);
      return done(byte_vector(input.begin(), input.end()));
    case codec::gzip:
      return gzip_decompress(input, max_output);
    case codec::snappy:
      return snappy_decompress(input, max_output);
    case codec::lz4:
      return lz4_decompress(input, max_output);
    case codec::zstd:
      return zstd_decompress(input, max_output);
  }
  return fail(failure::kind::unknown_codec, "codec " + std::to_string(static_cast<int>(c)));
}

}  // namespace sluice::compression
