#include "base/crc32c.h"

#include <isa-l/crc.h>

#include <climits>

namespace sluice::base {

uint32_t crc32c_extend(uint32_t crc, std::span<const std::byte> data) noexcept {
  // crc32_iscsi takes and returns the raw (non-inverted) register, and an int length.
  uint32_t reg = ~crc;
  auto* p = reinterpret_cast<unsigned char*>(const_cast<std::byte*>(data.data()));
  size_t left = data.size();
  while (left > 0) {
    int chunk = left > static_cast<size_t>(INT_MAX / 2) ? INT_MAX / 2 : static_cast<int>(left);
    reg = crc32_iscsi(p, chunk, reg);
    p += chunk;
    left -= static_cast<size_t>(chunk);
  }
  return ~reg;
}

uint32_t crc32c(std::span<const std::byte> data) noexcept { return crc32c_extend(0, data); }

}  // namespace sluice::base
