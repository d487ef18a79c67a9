#include "tests/support/batch_builder.h"

#include <algorithm>

#include "base/big_endian.h"
#include "base/crc32c.h"
#include "base/varint.h"
#include "log/record_batch.h"

namespace sluice::test {
namespace {

void put_bytes(std::vector<std::byte>& out, const std::string& s) {
  auto* p = reinterpret_cast<const std::byte*>(s.data());
  out.insert(out.end(), p, p + s.size());
}

}  // namespace

std::vector<std::byte> build_batch(const std::vector<test_record>& records) {
  std::vector<std::byte> out(log::batch_header_size);
  log::timestamp_ms base_ts = records.empty() ? 0 : records.front().timestamp;
  log::timestamp_ms max_ts = base_ts;
  for (size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    max_ts = std::max(max_ts, r.timestamp);
    std::vector<std::byte> body;
    body.push_back(std::byte{0});  // attributes
    base::append_varlong(body, r.timestamp - base_ts);
    base::append_varlong(body, static_cast<int64_t>(i));
    if (r.null_key) {
      base::append_varlong(body, -1);
    } else {
      base::append_varlong(body, static_cast<int64_t>(r.key.size()));
      put_bytes(body, r.key);
    }
    base::append_varlong(body, static_cast<int64_t>(r.value.size()));
    put_bytes(body, r.value);
    base::append_varlong(body, 0);  // headers
    base::append_varlong(out, static_cast<int64_t>(body.size()));
    out.insert(out.end(), body.begin(), body.end());
  }
  std::byte* h = out.data();
  base::store_be<int64_t>(h + 0, 0);
  base::store_be<int32_t>(h + 8, static_cast<int32_t>(out.size() - log::batch_length_field_end));
  base::store_be<int32_t>(h + 12, -1);
  h[16] = std::byte{2};
  base::store_be<int16_t>(h + 21, 0);
  base::store_be<int32_t>(h + 23, static_cast<int32_t>(records.size()) - 1);
  base::store_be<int64_t>(h + 27, base_ts);
  base::store_be<int64_t>(h + 35, max_ts);
  base::store_be<int64_t>(h + 43, -1);
  base::store_be<int16_t>(h + 51, -1);
  base::store_be<int32_t>(h + 53, -1);
  base::store_be<int32_t>(h + 57, static_cast<int32_t>(records.size()));
  uint32_t crc = base::crc32c(std::span<const std::byte>(out).subspan(log::batch_crc_start));
  base::store_be<int32_t>(h + 17, static_cast<int32_t>(crc));
  return out;
}

std::vector<std::byte> build_batch(int count, size_t value_size, log::timestamp_ms timestamp,
                                   const std::string& prefix) {
  std::vector<test_record> records;
  records.reserve(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) {
    std::string v = prefix + std::to_string(i);
    v.resize(std::max(value_size, v.size()), 'x');
    records.push_back({"", std::move(v), timestamp});
  }
  return build_batch(records);
}

}  // namespace sluice::test
