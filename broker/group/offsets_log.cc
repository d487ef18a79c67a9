#include "broker/group/offsets_log.h"

#include <cstring>

#include "log/crc32c.h"

namespace sluice::broker::group {
namespace {

// Big-endian fixed-width and zigzag varint writers/readers, the RecordBatch v2 encodings.
struct out {
  std::vector<std::byte>& b;
  void u8(uint8_t v) { b.push_back(std::byte{v}); }
  void be(uint64_t v, int n) {
    for (int i = n - 1; i >= 0; --i) u8(static_cast<uint8_t>(v >> (8 * i)));
  }
  void varint(int64_t v) {
    uint64_t z = (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
    while (z >= 0x80) {
      u8(static_cast<uint8_t>(z | 0x80));
      z >>= 7;
    }
    u8(static_cast<uint8_t>(z));
  }
  void str(const std::string& s) {
    be(s.size(), 2);
    for (char c : s) u8(static_cast<uint8_t>(c));
  }
  void nullable_str(const std::optional<std::string>& s) {
    if (!s) return be(0xFFFF, 2);
    str(*s);
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
      uint8_t c = std::to_integer<uint8_t>(b[at++]);
      z |= static_cast<uint64_t>(c & 0x7F) << shift;
      if ((c & 0x80) == 0) return static_cast<int64_t>(z >> 1) ^ -static_cast<int64_t>(z & 1);
    }
    ok = false;
    return 0;
  }
  std::optional<std::string> nullable_str() {
    auto n = static_cast<int16_t>(be(2));
    if (n < 0) return std::nullopt;
    if (!need(static_cast<size_t>(n))) return std::string();
    std::string s(reinterpret_cast<const char*>(b.data() + at), static_cast<size_t>(n));
    at += static_cast<size_t>(n);
    return s;
  }
  std::string str() {
    auto s = nullable_str();
    if (!s) ok = false;
    return s.value_or("");
  }
};

std::vector<std::byte> encode_key(const offsets_record& r) {
  std::vector<std::byte> k;
  out o{k};
  o.be(static_cast<uint16_t>(r.type), 2);
  o.str(r.group);
  if (r.type == record_type::offset_commit) {
    o.str(r.topic);
    o.be(static_cast<uint32_t>(r.partition), 4);
  }
  return k;
}

std::vector<std::byte> encode_value(const committed_offset& v) {
  std::vector<std::byte> b;
  out o{b};
  o.be(0, 2);  // value version
  o.be(static_cast<uint64_t>(v.offset), 8);
  o.be(static_cast<uint32_t>(v.leader_epoch), 4);
  o.nullable_str(v.metadata);
  o.be(static_cast<uint64_t>(v.commit_timestamp_ms), 8);
  return b;
}

bool decode_record(std::span<const std::byte> key, std::optional<std::span<const std::byte>> value,
                   offsets_record& r) {
  in k{key};
  auto type = static_cast<int16_t>(k.be(2));
  if (type != 1 && type != 2) return false;
  r.type = static_cast<record_type>(type);
  r.group = k.str();
  r.topic.clear();
  r.partition = -1;
  if (r.type == record_type::offset_commit) {
    r.topic = k.str();
    r.partition = static_cast<int32_t>(k.be(4));
  }
  if (!k.ok) return false;
  r.value.reset();
  if (value) {
    if (r.type != record_type::offset_commit) return false;
    in v{*value};
    if (static_cast<int16_t>(v.be(2)) != 0) return false;
    committed_offset c;
    c.offset = static_cast<int64_t>(v.be(8));
    c.leader_epoch = static_cast<int32_t>(v.be(4));
    c.metadata = v.nullable_str();
    c.commit_timestamp_ms = static_cast<int64_t>(v.be(8));
    if (!v.ok) return false;
    r.value = std::move(c);
  }
  return true;
}

constexpr size_t kHeader = 61;      // RecordBatch v2 header
constexpr size_t kCrcFrom = 21;     // attributes .. end are CRC-covered
constexpr size_t kLengthFrom = 12;  // batchLength counts from the magic's predecessor (epoch)

}  // namespace

std::vector<std::byte> encode_batch(const std::vector<offsets_record>& records, int64_t now_ms) {
  std::vector<std::byte> b;
  out o{b};
  o.be(0, 8);                                         // baseOffset (assigned by the log)
  o.be(0, 4);                                         // batchLength, patched below
  o.be(0xFFFFFFFFu, 4);                               // partitionLeaderEpoch -1
  o.u8(2);                                            // magic
  o.be(0, 4);                                         // crc, patched below
  o.be(0, 2);                                         // attributes: none
  o.be(records.empty() ? 0 : records.size() - 1, 4);  // lastOffsetDelta
  o.be(static_cast<uint64_t>(now_ms), 8);             // baseTimestamp
  o.be(static_cast<uint64_t>(now_ms), 8);             // maxTimestamp
  o.be(~0ull, 8);                                     // producerId -1
  o.be(0xFFFF, 2);                                    // producerEpoch -1
  o.be(0xFFFFFFFFu, 4);                               // baseSequence -1
  o.be(records.size(), 4);                            // records count
  for (size_t i = 0; i < records.size(); ++i) {
    std::vector<std::byte> body;
    out r{body};
    r.u8(0);                            // record attributes
    r.varint(0);                        // timestampDelta
    r.varint(static_cast<int64_t>(i));  // offsetDelta
    auto key = encode_key(records[i]);
    r.varint(static_cast<int64_t>(key.size()));
    body.insert(body.end(), key.begin(), key.end());
    if (records[i].value) {
      auto value = encode_value(*records[i].value);
      r.varint(static_cast<int64_t>(value.size()));
      body.insert(body.end(), value.begin(), value.end());
    } else {
      r.varint(-1);
    }
    r.varint(0);  // headers
    o.varint(static_cast<int64_t>(body.size()));
    b.insert(b.end(), body.begin(), body.end());
  }
  const auto length = static_cast<uint32_t>(b.size() - kLengthFrom);
  for (int i = 0; i < 4; ++i) b[8 + static_cast<size_t>(i)] = std::byte(length >> (24 - 8 * i));
  const uint32_t crc = log::crc32c(std::span<const std::byte>(b).subspan(kCrcFrom));
  for (int i = 0; i < 4; ++i) b[17 + static_cast<size_t>(i)] = std::byte(crc >> (24 - 8 * i));
  return b;
}

bool decode_batches(std::span<const std::byte> bytes,
                    const std::function<void(const offsets_record&)>& fn) {
  size_t at = 0;
  while (at < bytes.size()) {
    if (bytes.size() - at < kHeader) return false;
    in h{bytes.subspan(at, kHeader)};
    h.be(8);
    const auto length = static_cast<uint32_t>(h.be(4));
    if (length < kHeader - kLengthFrom || bytes.size() - at - kLengthFrom < length) return false;
    auto batch = bytes.subspan(at, kLengthFrom + length);
    h.be(4);
    const auto magic = h.be(1);
    const auto crc = static_cast<uint32_t>(h.be(4));
    const auto attributes = h.be(2);
    if (magic != 2 || (attributes & 0x07) != 0) return false;
    if (log::crc32c(batch.subspan(kCrcFrom)) != crc) return false;
    in rd{batch, kHeader - 4};
    const auto count = static_cast<int32_t>(rd.be(4));
    for (int32_t i = 0; i < count && rd.ok; ++i) {
      const int64_t len = rd.varint();
      if (!rd.ok || len < 0 || !rd.need(static_cast<size_t>(len))) return false;
      in r{batch.subspan(rd.at, static_cast<size_t>(len))};
      rd.at += static_cast<size_t>(len);
      r.be(1);
      r.varint();
      r.varint();
      const int64_t klen = r.varint();
      if (!r.ok || klen < 0 || !r.need(static_cast<size_t>(klen))) return false;
      auto key = r.b.subspan(r.at, static_cast<size_t>(klen));
      r.at += static_cast<size_t>(klen);
      const int64_t vlen = r.varint();
      std::optional<std::span<const std::byte>> value;
      if (vlen >= 0) {
        if (!r.ok || !r.need(static_cast<size_t>(vlen))) return false;
        value = r.b.subspan(r.at, static_cast<size_t>(vlen));
      }
      offsets_record rec;
      if (!r.ok || !decode_record(key, value, rec)) return false;
      fn(rec);
    }
    if (!rd.ok) return false;
    at += batch.size();
  }
  return true;
}

}  // namespace sluice::broker::group
