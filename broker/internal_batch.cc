#include "broker/internal_batch.h"

#include <algorithm>

#include "log/crc32c.h"
#include "log/record_batch.h"

namespace sluice::broker {
namespace {

constexpr size_t kHeader = 61;
constexpr size_t kCrcFrom = 21;
constexpr size_t kLengthFrom = 12;

struct out {
  bytes& b;
  void u8(uint8_t v) { b.push_back(std::byte{v}); }
  void be(uint64_t v, int n) {
    for (int i = n - 1; i >= 0; --i) u8(static_cast<uint8_t>(v >> (8 * i)));
  }
  void varint(int64_t v) { log::append_varlong(b, v); }
  void blob(const std::optional<bytes>& v) {
    if (!v) return varint(-1);
    varint(static_cast<int64_t>(v->size()));
    b.insert(b.end(), v->begin(), v->end());
  }
};

struct in {
  std::span<const std::byte> b;
  size_t at = 0;
  bool ok = true;
  bool need(size_t n) {
    if (b.size() - at < n) ok = false;
    return ok;
  }
  uint64_t be(int n) {
    if (!need(static_cast<size_t>(n))) return 0;
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v = (v << 8) | std::to_integer<uint8_t>(b[at++]);
    return v;
  }
  int64_t varint() {
    uint64_t z = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (!need(1)) return 0;
      const auto c = std::to_integer<uint8_t>(b[at++]);
      z |= static_cast<uint64_t>(c & 0x7F) << shift;
      if ((c & 0x80) == 0) return static_cast<int64_t>(z >> 1) ^ -static_cast<int64_t>(z & 1);
    }
    ok = false;
    return 0;
  }
  std::optional<bytes> blob() {
    const int64_t n = varint();
    if (!ok || n < 0) return std::nullopt;
    if (!need(static_cast<size_t>(n))) return std::nullopt;
    bytes v(b.begin() + static_cast<ptrdiff_t>(at), b.begin() + static_cast<ptrdiff_t>(at + n));
    at += static_cast<size_t>(n);
    return v;
  }
};

}  // namespace

bytes encode_batch(const std::vector<batch_record>& records) {
  bytes b;
  out o{b};
  const int64_t base_ts = records.empty() ? 0 : records.front().timestamp;
  int64_t max_ts = base_ts;
  for (const auto& r : records) max_ts = std::max(max_ts, r.timestamp);
  o.be(0, 8);
  o.be(0, 4);  // batchLength, patched
  o.be(0xFFFFFFFFu, 4);
  o.u8(2);
  o.be(0, 4);  // crc, patched
  o.be(0, 2);
  o.be(records.empty() ? 0 : records.size() - 1, 4);
  o.be(static_cast<uint64_t>(base_ts), 8);
  o.be(static_cast<uint64_t>(max_ts), 8);
  o.be(~0ull, 8);
  o.be(0xFFFF, 2);
  o.be(0xFFFFFFFFu, 4);
  o.be(records.size(), 4);
  for (size_t i = 0; i < records.size(); ++i) {
    const batch_record& rec = records[i];
    bytes body;
    out r{body};
    r.u8(0);
    r.varint(rec.timestamp - base_ts);
    r.varint(static_cast<int64_t>(i));
    r.blob(rec.key);
    r.blob(rec.value);
    r.varint(static_cast<int64_t>(rec.headers.size()));
    for (const auto& [k, v] : rec.headers) {
      r.blob(bytes(reinterpret_cast<const std::byte*>(k.data()),
                   reinterpret_cast<const std::byte*>(k.data()) + k.size()));
      r.blob(v);
    }
    o.varint(static_cast<int64_t>(body.size()));
    b.insert(b.end(), body.begin(), body.end());
  }
  const auto length = static_cast<uint32_t>(b.size() - kLengthFrom);
  for (int i = 0; i < 4; ++i) b[8 + static_cast<size_t>(i)] = std::byte(length >> (24 - 8 * i));
  const uint32_t crc = log::crc32c(std::span<const std::byte>(b).subspan(kCrcFrom));
  for (int i = 0; i < 4; ++i) b[17 + static_cast<size_t>(i)] = std::byte(crc >> (24 - 8 * i));
  return b;
}

std::vector<batch_header> scan_batches(std::span<const std::byte> data) {
  std::vector<batch_header> out;
  size_t at = 0;
  while (data.size() - at >= kHeader) {
    in h{data.subspan(at, kHeader)};
    batch_header bh;
    bh.base_offset = static_cast<int64_t>(h.be(8));
    const auto length = static_cast<uint32_t>(h.be(4));
    if (length < kHeader - kLengthFrom || data.size() - at - kLengthFrom < length) break;
    h.be(4);
    h.be(1);
    h.be(4);
    bh.attributes = static_cast<int16_t>(h.be(2));
    bh.last_offset = bh.base_offset + static_cast<int32_t>(h.be(4));
    bh.size = kLengthFrom + length;
    out.push_back(bh);
    at += bh.size;
  }
  return out;
}

bool decode_batch(std::span<const std::byte> batch, const std::function<void(batch_record&&)>& fn) {
  if (batch.size() < kHeader) return false;
  in h{batch};
  const auto base_offset = static_cast<int64_t>(h.be(8));
  const auto length = static_cast<uint32_t>(h.be(4));
  if (kLengthFrom + static_cast<size_t>(length) != batch.size()) return false;
  h.be(4);
  const auto magic = h.be(1);
  const auto crc = static_cast<uint32_t>(h.be(4));
  const auto attributes = h.be(2);
  if (magic != 2 || (attributes & 0x07) != 0) return false;
  if (log::crc32c(batch.subspan(kCrcFrom)) != crc) return false;
  h.be(4);
  const auto base_ts = static_cast<int64_t>(h.be(8));
  h.at = kHeader - 4;
  const auto count = static_cast<int32_t>(h.be(4));
  for (int32_t i = 0; i < count; ++i) {
    const int64_t len = h.varint();
    if (!h.ok || len < 0 || !h.need(static_cast<size_t>(len))) return false;
    in r{batch.subspan(h.at, static_cast<size_t>(len))};
    h.at += static_cast<size_t>(len);
    batch_record rec;
    r.be(1);
    rec.timestamp = base_ts + r.varint();
    rec.offset = base_offset + r.varint();
    rec.key = r.blob();
    rec.value = r.blob();
    const int64_t headers = r.varint();
    if (!r.ok || headers < 0 || static_cast<size_t>(headers) > r.b.size()) return false;
    for (int64_t k = 0; k < headers && r.ok; ++k) {
      auto name = r.blob();
      auto value = r.blob();
      if (!name) return false;
      rec.headers.emplace_back(
          std::string(reinterpret_cast<const char*>(name->data()), name->size()), std::move(value));
    }
    if (!r.ok) return false;
    fn(std::move(rec));
  }
  return h.ok;
}

}  // namespace sluice::broker
