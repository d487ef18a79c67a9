#include "protocol/record_batch.h"

#include <algorithm>

#include "base/big_endian.h"
#include "base/crc32c.h"
#include "base/varint.h"

namespace sluice::protocol {
namespace {

// Bytes after batch_length that belong to the fixed header.
constexpr size_t header_after_length = record_batch_header_bytes - record_batch_length_end;

using base::append_varlong;
using base::varlong_size;

void append_nullable(std::vector<std::byte>& out, const std::optional<record_bytes>& b) {
  if (!b) return append_varlong(out, -1);
  append_varlong(out, static_cast<int64_t>(b->size()));
  out.insert(out.end(), b->begin(), b->end());
}

size_t nullable_size(const std::optional<record_bytes>& b) {
  return b ? varlong_size(static_cast<int64_t>(b->size())) + b->size() : varlong_size(-1);
}

// A record's body, after its length prefix.
size_t body_size(const std::optional<record_bytes>& key, const std::optional<record_bytes>& value,
                 const std::vector<record_header>& headers, int64_t timestamp_delta,
                 int32_t offset_delta) {
  size_t n = 1 + varlong_size(timestamp_delta) + varlong_size(offset_delta) + nullable_size(key) +
             nullable_size(value) + varlong_size(static_cast<int64_t>(headers.size()));
  for (const auto& h : headers)
    n += varlong_size(static_cast<int64_t>(h.key.size())) + h.key.size() + nullable_size(h.value);
  return n;
}

// Reads the varint-framed record fields; any overrun marks it failed and
// later reads return zeros.
class cursor {
 public:
  explicit cursor(std::span<const std::byte> data) : data_(data) {}
  bool ok() const { return ok_; }
  size_t remaining() const { return data_.size() - at_; }
  void skip(size_t n) { take(n); }
  int64_t varlong() {
    if (!ok_) return 0;
    auto in = data_.subspan(at_);
    const auto v = base::read_varlong(in);
    if (!v) {
      fail();
      return 0;
    }
    at_ = data_.size() - in.size();
    return *v;
  }
  std::span<const std::byte> take(size_t n) {
    if (!need(n)) return {};
    auto out = data_.subspan(at_, n);
    at_ += n;
    return out;
  }
  std::optional<record_bytes> nullable() {
    const int64_t n = varlong();
    if (n < 0 || !ok_) return std::nullopt;
    auto b = take(static_cast<size_t>(n));
    if (!ok_) return std::nullopt;
    return record_bytes(b.begin(), b.end());
  }

 private:
  bool need(size_t n) {
    if (ok_ && n <= remaining()) return true;
    fail();
    return false;
  }
  void fail() {
    ok_ = false;
    at_ = data_.size();
  }
  std::span<const std::byte> data_;
  size_t at_ = 0;
  bool ok_ = true;
};

}  // namespace

size_t record_encoded_size(const std::optional<record_bytes>& key,
                           const std::optional<record_bytes>& value,
                           const std::vector<record_header>& headers, int64_t timestamp_delta,
                           int32_t offset_delta) {
  const size_t body = body_size(key, value, headers, timestamp_delta, offset_delta);
  return varlong_size(static_cast<int64_t>(body)) + body;
}

size_t record_encoded_size(const batch_record& r, int64_t timestamp_delta, int32_t offset_delta) {
  return record_encoded_size(r.key, r.value, r.headers, timestamp_delta, offset_delta);
}

void append_records(std::vector<std::byte>& out, std::span<const batch_record> records) {
  if (records.empty()) return;
  const int64_t base_timestamp = records.front().timestamp;
  for (size_t i = 0; i < records.size(); ++i) {
    const batch_record& r = records[i];
    const int64_t timestamp_delta = r.timestamp - base_timestamp;
    const auto offset_delta = static_cast<int32_t>(i);
    append_varlong(out, static_cast<int64_t>(
                            body_size(r.key, r.value, r.headers, timestamp_delta, offset_delta)));
    out.push_back(std::byte{0});  // record attributes: unused
    append_varlong(out, timestamp_delta);
    append_varlong(out, offset_delta);
    append_nullable(out, r.key);
    append_nullable(out, r.value);
    append_varlong(out, static_cast<int64_t>(r.headers.size()));
    for (const auto& h : r.headers) {
      append_varlong(out, static_cast<int64_t>(h.key.size()));
      const auto key = std::as_bytes(std::span(h.key));
      out.insert(out.end(), key.begin(), key.end());
      append_nullable(out, h.value);
    }
  }
}

std::vector<std::byte> seal_batch(const batch_header& h, std::span<const std::byte> records) {
  std::vector<std::byte> out;
  out.reserve(record_batch_header_bytes + records.size());
  base::append_be<int64_t>(out, h.base_offset);
  base::append_be<int32_t>(out, static_cast<int32_t>(header_after_length + records.size()));
  base::append_be<int32_t>(out, h.partition_leader_epoch);
  base::append_be<int8_t>(out, record_batch_magic_v2);
  base::append_be<uint32_t>(out, 0);  // crc, filled below
  base::append_be<int16_t>(out, h.attributes);
  base::append_be<int32_t>(out, std::max(h.record_count, 1) - 1);
  base::append_be<int64_t>(out, h.base_timestamp);
  base::append_be<int64_t>(out, h.max_timestamp);
  base::append_be<int64_t>(out, h.producer_id);
  base::append_be<int16_t>(out, h.producer_epoch);
  base::append_be<int32_t>(out, h.base_sequence);
  base::append_be<int32_t>(out, h.record_count);
  out.insert(out.end(), records.begin(), records.end());
  base::store_be<uint32_t>(
      out.data() + record_batch_crc_at,
      base::crc32c(std::span<const std::byte>(out).subspan(record_batch_crc_from)));
  return out;
}

std::vector<std::byte> encode_batch(std::span<const batch_record> records) {
  batch_header h;
  h.record_count = static_cast<int32_t>(records.size());
  if (!records.empty()) {
    h.base_timestamp = records.front().timestamp;
    h.max_timestamp = h.base_timestamp;
    for (const auto& r : records) h.max_timestamp = std::max(h.max_timestamp, r.timestamp);
  }
  std::vector<std::byte> body;
  append_records(body, records);
  return seal_batch(h, body);
}

std::optional<batch_header> read_batch_header(std::span<const std::byte> data) {
  if (data.size() < record_batch_header_bytes) return std::nullopt;
  const std::byte* p = data.data();
  const auto length = base::load_be<int32_t>(p + base::batch_length_at);
  if (length < static_cast<int32_t>(header_after_length)) return std::nullopt;
  batch_header h;
  h.base_offset = base::load_be<int64_t>(p);
  h.size = record_batch_length_end + static_cast<size_t>(length);
  h.partition_leader_epoch = base::load_be<int32_t>(p + base::batch_leader_epoch_at);
  h.magic = base::load_be<int8_t>(p + base::batch_magic_at);
  h.crc = base::load_be<uint32_t>(p + base::batch_crc_at);
  h.attributes = base::load_be<int16_t>(p + base::batch_attributes_at);
  h.last_offset = h.base_offset + base::load_be<int32_t>(p + base::batch_last_offset_delta_at);
  h.base_timestamp = base::load_be<int64_t>(p + base::batch_base_timestamp_at);
  h.max_timestamp = base::load_be<int64_t>(p + base::batch_max_timestamp_at);
  h.producer_id = base::load_be<int64_t>(p + base::batch_producer_id_at);
  h.producer_epoch = base::load_be<int16_t>(p + base::batch_producer_epoch_at);
  h.base_sequence = base::load_be<int32_t>(p + base::batch_base_sequence_at);
  h.record_count = base::load_be<int32_t>(p + base::batch_records_count_at);
  return h;
}

bool crc_matches(std::span<const std::byte> batch) {
  if (batch.size() < record_batch_header_bytes) return false;
  return base::load_be<uint32_t>(batch.data() + record_batch_crc_at) ==
         base::crc32c(batch.subspan(record_batch_crc_from));
}

std::vector<batch_header> scan_batches(std::span<const std::byte> data) {
  std::vector<batch_header> out;
  while (auto h = read_batch_header(data)) {
    if (h->size > data.size()) break;
    data = data.subspan(h->size);
    out.push_back(*h);
  }
  return out;
}

batch_status decode_records(std::span<const std::byte> records, const batch_header& header,
                            const std::function<void(batch_record&&)>& fn) {
  if (header.record_count < 0) return std::string("negative record count");
  cursor in(records);
  for (int32_t i = 0; i < header.record_count; ++i) {
    const int64_t length = in.varlong();
    if (!in.ok() || length < 0 || static_cast<size_t>(length) > in.remaining())
      return "record " + std::to_string(i) + " truncated";
    cursor rec(in.take(static_cast<size_t>(length)));
    batch_record r;
    rec.skip(1);  // attributes
    const int64_t timestamp_delta = rec.varlong();
    r.offset = header.base_offset + rec.varlong();
    r.timestamp =
        header.log_append_time() ? header.max_timestamp : header.base_timestamp + timestamp_delta;
    r.key = rec.nullable();
    r.value = rec.nullable();
    const int64_t headers = rec.varlong();
    if (headers < 0 || static_cast<size_t>(headers) > rec.remaining())
      return std::string("bad header count");
    for (int64_t k = 0; k < headers && rec.ok(); ++k) {
      auto key = rec.nullable();
      if (!key) return std::string("null header key");
      record_header& h = r.headers.emplace_back();
      h.key.assign(reinterpret_cast<const char*>(key->data()), key->size());
      h.value = rec.nullable();
    }
    if (!rec.ok()) return "record " + std::to_string(i) + " malformed";
    fn(std::move(r));
  }
  return {};
}

batch_status decode_batch(std::span<const std::byte> batch,
                          const std::function<void(batch_record&&)>& fn) {
  const auto h = read_batch_header(batch);
  if (!h || h->size != batch.size()) return std::string("batch length does not match its bytes");
  if (h->magic != record_batch_magic_v2) return std::string("magic is not 2");
  if (h->compressed()) return std::string("compressed");
  if (!crc_matches(batch)) return std::string("CRC-32C mismatch");
  return decode_records(batch.subspan(record_batch_header_bytes), *h, fn);
}

}  // namespace sluice::protocol
