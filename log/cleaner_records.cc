#include "log/cleaner_records.h"

#include <algorithm>
#include <climits>

#include "base/big_endian.h"
#include "base/crc32c.h"
#include "base/varint.h"

namespace sluice::log {
namespace {

// Kafka's sequence arithmetic: sequences wrap from INT32_MAX to 0.
int32_t add_sequence(int32_t base, int64_t delta) {
  if (base < 0) return -1;
  int64_t s = static_cast<int64_t>(base) + delta;
  if (s > INT32_MAX) s -= static_cast<int64_t>(INT32_MAX) + 1;
  return static_cast<int32_t>(s);
}

}  // namespace

bool read_records(record_batch_view batch, const batch_codec& codec,
                  std::vector<std::byte>& scratch, std::vector<record_entry>& out) {
  out.clear();
  std::span<const std::byte> body = batch.bytes().subspan(batch_header_size);
  if (batch.compression() != compression_type::none) {
    if (!codec.decompress) return false;
    auto plain = codec.decompress(batch.compression(), body);
    if (!plain) return false;
    scratch = std::move(*plain);
    body = scratch;
  }
  const int32_t count = batch.record_count();
  if (count < 0) return false;
  const offset base = batch.base_offset();
  const timestamp_ms base_ts = batch.base_timestamp();
  out.reserve(static_cast<size_t>(count));
  for (int32_t i = 0; i < count; ++i) {
    const auto len = base::read_varint(body);
    if (!len || *len < 1 || static_cast<size_t>(*len) > body.size()) return false;
    std::span<const std::byte> rec = body.first(static_cast<size_t>(*len));
    body = body.subspan(static_cast<size_t>(*len));
    record_entry e;
    e.attributes = static_cast<int8_t>(rec[0]);
    rec = rec.subspan(1);
    const auto ts_delta = base::read_varlong(rec);
    if (!ts_delta) return false;
    const auto off_delta = base::read_varint(rec);
    if (!off_delta || *off_delta < 0) return false;
    e.off = base + *off_delta;
    e.timestamp = base_ts + *ts_delta;
    e.tail = rec;
    const auto klen = base::read_varint(rec);
    if (!klen) return false;
    if (*klen >= 0) {
      if (static_cast<size_t>(*klen) > rec.size()) return false;
      e.has_key = true;
      e.key = rec.first(static_cast<size_t>(*klen));
      rec = rec.subspan(static_cast<size_t>(*klen));
    }
    const auto vlen = base::read_varint(rec);
    if (!vlen || (*vlen >= 0 && static_cast<size_t>(*vlen) > rec.size())) return false;
    e.has_value = *vlen >= 0;
    out.push_back(e);
  }
  return body.empty();
}

bool write_batch(record_batch_view header, std::span<const record_entry> records,
                 int16_t attributes, timestamp_ms base_timestamp, const batch_codec& codec,
                 std::vector<std::byte>& out) {
  if (records.empty()) return false;
  const offset first = records.front().off;
  std::vector<std::byte> body;
  timestamp_ms max_ts = no_timestamp;
  for (const auto& r : records) {
    const int64_t ts_delta = r.timestamp - base_timestamp;
    const int64_t off_delta = r.off - first;
    const size_t len =
        1 + base::varlong_size(ts_delta) + base::varlong_size(off_delta) + r.tail.size();
    base::append_varlong(body, static_cast<int64_t>(len));
    body.push_back(static_cast<std::byte>(r.attributes));
    base::append_varlong(body, ts_delta);
    base::append_varlong(body, off_delta);
    body.insert(body.end(), r.tail.begin(), r.tail.end());
    max_ts = std::max(max_ts, r.timestamp);
  }
  // LogAppendTime batches carry the append time as every record's timestamp.
  if ((attributes & base::batch_log_append_time_bit) != 0) max_ts = header.max_timestamp();
  const auto codec_id = static_cast<compression_type>(attributes & base::batch_compression_mask);
  if (codec_id != compression_type::none) {
    if (!codec.compress) return false;
    auto packed = codec.compress(codec_id, body);
    if (!packed) return false;
    body = std::move(*packed);
  }
  const size_t start = out.size();
  out.resize(start + batch_header_size + body.size());
  std::byte* p = out.data() + start;
  base::store_be<int64_t>(p, first.value);
  base::store_be<int32_t>(
      p + base::batch_length_at,
      static_cast<int32_t>(batch_header_size - batch_length_field_end + body.size()));
  base::store_be<int32_t>(p + base::batch_leader_epoch_at, header.partition_leader_epoch());
  p[base::batch_magic_at] = static_cast<std::byte>(batch_magic_v2);
  base::store_be<int16_t>(p + base::batch_attributes_at, attributes);
  base::store_be<int32_t>(p + base::batch_last_offset_delta_at,
                          static_cast<int32_t>(records.size() - 1));
  base::store_be<int64_t>(p + base::batch_base_timestamp_at, base_timestamp);
  base::store_be<int64_t>(p + base::batch_max_timestamp_at, max_ts);
  base::store_be<int64_t>(p + base::batch_producer_id_at, header.producer_id());
  base::store_be<int16_t>(p + base::batch_producer_epoch_at, header.producer_epoch());
  base::store_be<int32_t>(p + base::batch_base_sequence_at,
                          add_sequence(header.base_sequence(), first - header.base_offset()));
  base::store_be<int32_t>(p + base::batch_records_count_at, static_cast<int32_t>(records.size()));
  std::copy(body.begin(), body.end(), p + batch_header_size);
  std::span<const std::byte> covered(p + batch_crc_start,
                                     batch_header_size + body.size() - batch_crc_start);
  base::store_be<int32_t>(p + base::batch_crc_at, static_cast<int32_t>(base::crc32c(covered)));
  return true;
}

}  // namespace sluice::log
