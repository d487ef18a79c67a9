#pragma once
// Builds valid, uncompressed RecordBatch v2 bytes for tests and benchmarks, the
// way a producer would (baseOffset 0, CRC32C filled in).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "log/types.h"

namespace sluice::test {

struct test_record {
  std::string key;
  std::string value;
  log::timestamp_ms timestamp = 0;
  bool null_key = false;  // a record without a key (length -1), as a keyless producer sends
};

// One batch holding `records`; baseTimestamp is the first record's timestamp.
std::vector<std::byte> build_batch(const std::vector<test_record>& records);

// `count` records whose values are "<prefix><i>" padded to `value_size` bytes,
// all stamped `timestamp`.
std::vector<std::byte> build_batch(int count, size_t value_size, log::timestamp_ms timestamp,
                                   const std::string& prefix = "v");

}  // namespace sluice::test
