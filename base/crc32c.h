#pragma once
// CRC32C (Castagnoli), the checksum Kafka's RecordBatch v2 format demands.
// Computed with ISA-L's crc32_iscsi, which uses the SSE4.2/PCLMUL instructions.

#include <cstddef>
#include <cstdint>
#include <span>

namespace sluice::base {

// Standard CRC32C: initial value ~0, final xor ~0 ("123456789" -> 0xE3069283).
uint32_t crc32c(std::span<const std::byte> data) noexcept;

// Continues a running CRC32C: crc32c_extend(crc32c(a), b) == crc32c(a + b).
uint32_t crc32c_extend(uint32_t crc, std::span<const std::byte> data) noexcept;

}  // namespace sluice::base
