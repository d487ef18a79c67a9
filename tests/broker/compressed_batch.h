#pragma once
// Record batches for the ListOffsets tests: several records with distinct
// timestamps in one batch, uncompressed or compressed with any codec (the
// records section compressed as a whole, as producers write it), CRC filled in.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "base/big_endian.h"
#include "base/crc32c.h"
#include "compression/compression.h"
#include "log/record_batch.h"
#include "tests/support/batch_builder.h"

namespace sluice::broker::test {

// One batch holding a record per timestamp (values "v<i>").
inline std::vector<std::byte> batch_with_timestamps(const std::vector<int64_t>& timestamps,
                                                    compression::codec codec,
                                                    bool log_append_time = false) {
  std::vector<sluice::test::test_record> records;
  for (size_t i = 0; i < timestamps.size(); ++i)
    records.push_back({"k", "v" + std::to_string(i), timestamps[i]});
  std::vector<std::byte> batch = sluice::test::build_batch(records);
  const std::span<const std::byte> body = std::span(batch).subspan(log::batch_header_size);
  compression::output packed;
  if (codec != compression::codec::none) {
    packed = compression::encode(codec, body);
    EXPECT_TRUE(packed) << packed.error->detail;
  }
  const std::span<const std::byte> payload =
      codec == compression::codec::none ? body : std::span<const std::byte>(packed.bytes);
  // Sized once and copied into: no vector growth (GCC 12 warns falsely on it).
  std::vector<std::byte> out(log::batch_header_size + payload.size());
  std::copy_n(batch.begin(), log::batch_header_size, out.begin());
  std::copy(payload.begin(), payload.end(), out.begin() + log::batch_header_size);
  std::byte* h = out.data();
  base::store_be<int32_t>(h + 8, static_cast<int32_t>(out.size() - log::batch_length_field_end));
  base::store_be<int16_t>(
      h + 21, static_cast<int16_t>(static_cast<int>(codec) | (log_append_time ? 0x08 : 0)));
  const uint32_t crc = base::crc32c(std::span<const std::byte>(out).subspan(log::batch_crc_start));
  base::store_be<int32_t>(h + 17, static_cast<int32_t>(crc));
  return out;
}

inline const std::vector<compression::codec>& every_codec() {
  static const std::vector<compression::codec> all = {
      compression::codec::none, compression::codec::gzip, compression::codec::snappy,
      compression::codec::lz4, compression::codec::zstd};
  return all;
}

}  // namespace sluice::broker::test
