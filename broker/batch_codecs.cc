#include "broker/batch_codecs.h"

#include "compression/compression.h"

namespace sluice::broker {
namespace {

log::batch_codec make_codecs() {
  log::batch_codec c;
  c.decompress = [](log::compression_type t,
                    std::span<const std::byte> in) -> std::optional<std::vector<std::byte>> {
    auto out = compression::decode(static_cast<compression::codec>(t), in);
    if (!out) return std::nullopt;
    return std::move(out.bytes);
  };
  c.compress = [](log::compression_type t,
                  std::span<const std::byte> in) -> std::optional<std::vector<std::byte>> {
    auto out = compression::encode(static_cast<compression::codec>(t), in);
    if (!out) return std::nullopt;
    return std::move(out.bytes);
  };
  return c;
}

}  // namespace

const log::batch_codec& batch_codecs() {
  static const log::batch_codec codecs = make_codecs();
  return codecs;
}

}  // namespace sluice::broker
