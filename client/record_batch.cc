#include "client/record_batch.h"

#include <isa-l/crc.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <set>

#include "protocol/reader.h"

namespace sluice::client {
namespace {

using protocol::error_code;

constexpr int8_t magic_v2 = 2;
constexpr size_t crc_at = 17;
constexpr size_t attributes_at = 21;
constexpr int16_t compression_mask = 0x07;
constexpr int16_t timestamp_type_bit = 0x08;
constexpr int16_t transactional_bit = 0x10;
constexpr int16_t control_bit = 0x20;
// Bytes after batch_length that are part of the fixed header.
constexpr int32_t header_after_length = static_cast<int32_t>(record_batch_header_bytes) - 12;

// Appends big-endian integers and zigzag varints to a byte vector.
class appender {
 public:
  explicit appender(std::vector<std::byte>& out) : out_(out) {}
  template <class T>
  void be(T v) {
    using U = std::make_unsigned_t<T>;
    const U u = static_cast<U>(v);
    for (int shift = (sizeof(T) - 1) * 8; shift >= 0; shift -= 8)
      out_.push_back(std::byte(static_cast<uint8_t>(u >> shift)));
  }
  void uvarint(uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(std::byte(static_cast<uint8_t>(v | 0x80)));
      v >>= 7;
    }
    out_.push_back(std::byte(static_cast<uint8_t>(v)));
  }
  void varint(int64_t v) {
    uvarint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
  }
  void raw(std::span<const std::byte> b) { out_.insert(out_.end(), b.begin(), b.end()); }
  void nullable(const std::optional<bytes>& b) {
    if (!b) return varint(-1);
    varint(static_cast<int64_t>(b->size()));
    raw(*b);
  }

 private:
  std::vector<std::byte>& out_;
};

size_t varint_size(int64_t v) {
  uint64_t u = (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  size_t n = 1;
  while (u >= 0x80) {
    u >>= 7;
    ++n;
  }
  return n;
}

size_t nullable_size(const std::optional<bytes>& b) {
  if (!b) return varint_size(-1);
  return varint_size(static_cast<int64_t>(b->size())) + b->size();
}

// The record body after its length prefix.
size_t body_size(const std::optional<bytes>& key, const std::optional<bytes>& value,
                 const std::vector<record_header>& headers, int64_t timestamp_delta,
                 int32_t offset_delta) {
  size_t n = 1 + varint_size(timestamp_delta) + varint_size(offset_delta) + nullable_size(key) +
             nullable_size(value) + varint_size(static_cast<int64_t>(headers.size()));
  for (const auto& h : headers)
    n += varint_size(static_cast<int64_t>(h.key.size())) + h.key.size() + nullable_size(h.value);
  return n;
}

size_t body_size(const batch_record& r, int64_t timestamp_delta, int32_t offset_delta) {
  return body_size(r.key, r.value, r.headers, timestamp_delta, offset_delta);
}

void write_record(appender& a, const batch_record& r, int64_t timestamp_delta,
                  int32_t offset_delta) {
  a.varint(static_cast<int64_t>(body_size(r, timestamp_delta, offset_delta)));
  a.be<int8_t>(0);  // record attributes: unused
  a.varint(timestamp_delta);
  a.varint(offset_delta);
  a.nullable(r.key);
  a.nullable(r.value);
  a.varint(static_cast<int64_t>(r.headers.size()));
  for (const auto& h : r.headers) {
    a.varint(static_cast<int64_t>(h.key.size()));
    a.raw(std::as_bytes(std::span(h.key)));
    a.nullable(h.value);
  }
}

// Reads the varint-framed record fields; any overrun marks it failed and
// later reads return zeros.
class cursor {
 public:
  explicit cursor(std::span<const std::byte> data) : data_(data) {}
  bool ok() const { return ok_; }
  size_t remaining() const { return data_.size() - at_; }
  int8_t int8() {
    if (!need(1)) return 0;
    return static_cast<int8_t>(data_[at_++]);
  }
  int64_t varint() {
    uint64_t u = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (!need(1)) return 0;
      const auto b = static_cast<uint8_t>(data_[at_++]);
      u |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return static_cast<int64_t>(u >> 1) ^ -static_cast<int64_t>(u & 1);
    }
    ok_ = false;
    return 0;
  }
  std::span<const std::byte> take(size_t n) {
    if (!need(n)) return {};
    auto out = data_.subspan(at_, n);
    at_ += n;
    return out;
  }
  std::optional<bytes> nullable() {
    const int64_t n = varint();
    if (n < 0 || !ok_) return std::nullopt;
    auto b = take(static_cast<size_t>(n));
    if (!ok_) return std::nullopt;
    return bytes(b.begin(), b.end());
  }

 private:
  bool need(size_t n) {
    if (ok_ && n <= remaining()) return true;
    ok_ = false;
    at_ = data_.size();
    return false;
  }
  std::span<const std::byte> data_;
  size_t at_ = 0;
  bool ok_ = true;
};

client_error corrupt(const std::string& topic, int32_t partition, int64_t base_offset,
                     std::string_view why) {
  return make_error(error_code::corrupt_message,
                    "topic '" + topic + "' partition " + std::to_string(partition) +
                        " batch at offset " + std::to_string(base_offset) + ": " +
                        std::string(why));
}

// Decodes the records section of one batch.
result<void> read_records(std::span<const std::byte> data, int32_t count, int64_t base_offset,
                          int64_t base_timestamp, int64_t max_timestamp, timestamp_type ts_type,
                          const std::string& topic, int32_t partition, int64_t min_offset,
                          std::vector<consumer_record>& out) {
  cursor r(data);
  for (int32_t i = 0; i < count; ++i) {
    const int64_t length = r.varint();
    if (!r.ok() || length < 0 || static_cast<size_t>(length) > r.remaining())
      return corrupt(topic, partition, base_offset, "record " + std::to_string(i) + " truncated");
    cursor rec(r.take(static_cast<size_t>(length)));
    consumer_record cr;
    rec.int8();  // attributes
    const int64_t timestamp_delta = rec.varint();
    const int64_t offset_delta = rec.varint();
    cr.key = rec.nullable();
    cr.value = rec.nullable();
    const int64_t headers = rec.varint();
    if (headers < 0 || static_cast<size_t>(headers) > rec.remaining())
      return corrupt(topic, partition, base_offset, "bad header count");
    for (int64_t h = 0; h < headers && rec.ok(); ++h) {
      record_header hdr;
      auto key = rec.nullable();
      if (!key) return corrupt(topic, partition, base_offset, "null header key");
      hdr.key.assign(reinterpret_cast<const char*>(key->data()), key->size());
      hdr.value = rec.nullable();
      cr.headers.push_back(std::move(hdr));
    }
    if (!rec.ok())
      return corrupt(topic, partition, base_offset, "record " + std::to_string(i) + " malformed");
    cr.offset = base_offset + offset_delta;
    if (cr.offset < min_offset) continue;
    cr.topic = topic;
    cr.partition = partition;
    cr.timestamp_type = ts_type;
    cr.timestamp_ms = ts_type == timestamp_type::log_append_time ? max_timestamp
                                                                 : base_timestamp + timestamp_delta;
    out.push_back(std::move(cr));
  }
  return {};
}

}  // namespace

uint32_t crc32c(std::span<const std::byte> data) noexcept {
  // crc32_iscsi takes and returns the raw register (not inverted) and an int length.
  uint32_t reg = ~0u;
  auto* p = reinterpret_cast<unsigned char*>(const_cast<std::byte*>(data.data()));
  size_t left = data.size();
  while (left > 0) {
    const int chunk = left > size_t{INT_MAX / 2} ? INT_MAX / 2 : static_cast<int>(left);
    reg = crc32_iscsi(p, chunk, reg);
    p += chunk;
    left -= static_cast<size_t>(chunk);
  }
  return ~reg;
}

size_t record_encoded_size(const std::optional<bytes>& key, const std::optional<bytes>& value,
                           const std::vector<record_header>& headers, int64_t timestamp_delta,
                           int32_t offset_delta) {
  const size_t body = body_size(key, value, headers, timestamp_delta, offset_delta);
  return varint_size(static_cast<int64_t>(body)) + body;
}

size_t record_encoded_size(const batch_record& r, int64_t timestamp_delta, int32_t offset_delta) {
  const size_t body = body_size(r, timestamp_delta, offset_delta);
  return varint_size(static_cast<int64_t>(body)) + body;
}

result<std::vector<std::byte>> encode_batch(std::span<const batch_record> records,
                                            const batch_options& options) {
  if (records.empty())
    return make_error(error_code::invalid_request, "a record batch needs at least one record");
  const int64_t base_timestamp = records.front().timestamp_ms;
  int64_t max_timestamp = base_timestamp;
  std::vector<std::byte> body;
  appender rec(body);
  for (size_t i = 0; i < records.size(); ++i) {
    max_timestamp = std::max(max_timestamp, records[i].timestamp_ms);
    write_record(rec, records[i], records[i].timestamp_ms - base_timestamp,
                 static_cast<int32_t>(i));
  }
  if (options.compression != compression_type::none) {
    auto packed = compress(options.compression, body);
    if (!packed) return std::move(packed).error();
    body = std::move(*packed);
  }
  std::vector<std::byte> out;
  out.reserve(record_batch_header_bytes + body.size());
  appender a(out);
  a.be<int64_t>(options.base_offset);
  a.be<int32_t>(header_after_length + static_cast<int32_t>(body.size()));
  a.be<int32_t>(-1);  // partition_leader_epoch: set by the broker
  a.be<int8_t>(magic_v2);
  a.be<uint32_t>(0);  // crc, filled below
  int16_t attributes = static_cast<int16_t>(options.compression);
  if (options.transactional || options.control) attributes |= transactional_bit;
  if (options.control) attributes |= control_bit;
  a.be<int16_t>(attributes);
  a.be<int32_t>(static_cast<int32_t>(records.size() - 1));
  a.be<int64_t>(base_timestamp);
  a.be<int64_t>(max_timestamp);
  a.be<int64_t>(options.producer_id);
  a.be<int16_t>(options.producer_epoch);
  a.be<int32_t>(options.base_sequence);
  a.be<int32_t>(static_cast<int32_t>(records.size()));
  a.raw(body);
  const uint32_t crc = crc32c(std::span<const std::byte>(out).subspan(attributes_at));
  for (int i = 0; i < 4; ++i)
    out[crc_at + i] = std::byte(static_cast<uint8_t>(crc >> (24 - 8 * i)));
  return out;
}

result<decoded_batches> decode_batches(std::span<const std::byte> data, const std::string& topic,
                                       int32_t partition, int64_t min_offset, bool check_crc,
                                       const std::vector<aborted_transaction>* aborted) {
  decoded_batches out;
  // read_committed: aborted transactions by first offset, and the producers
  // whose aborted transaction is open at the current batch.
  std::vector<aborted_transaction> pending;
  if (aborted) {
    pending = *aborted;
    std::sort(pending.begin(), pending.end(),
              [](const auto& a, const auto& b) { return a.first_offset < b.first_offset; });
  }
  size_t next_aborted = 0;
  std::set<int64_t> aborting;
  while (data.size() >= 12) {
    protocol::reader h(data);
    const int64_t base_offset = h.int64();
    const int32_t batch_length = h.int32();
    if (batch_length < header_after_length)
      return corrupt(topic, partition, base_offset,
                     "batch length " + std::to_string(batch_length) + " too small");
    const size_t total = 12 + static_cast<size_t>(batch_length);
    if (total > data.size()) break;  // a partial batch at the end of a fetch
    const auto batch = data.first(total);
    data = data.subspan(total);
    h.int32();  // partition_leader_epoch
    const int8_t magic = h.int8();
    if (magic != magic_v2)
      return corrupt(topic, partition, base_offset,
                     "magic " + std::to_string(magic) + " (only RecordBatch v2 is read)");
    const uint32_t crc = h.uint32();
    if (check_crc && crc != crc32c(batch.subspan(attributes_at)))
      return corrupt(topic, partition, base_offset, "CRC-32C mismatch");
    const int16_t attributes = h.int16();
    const int32_t last_offset_delta = h.int32();
    const int64_t base_timestamp = h.int64();
    const int64_t max_timestamp = h.int64();
    const int64_t producer_id = h.int64();
    h.int16();  // producer_epoch
    h.int32();  // base_sequence
    const int32_t count = h.int32();
    if (!h.ok() || count < 0) return corrupt(topic, partition, base_offset, "bad header");
    out.next_offset = base_offset + last_offset_delta + 1;
    if (aborted) {
      // Transactions that began at or before this batch's last offset.
      while (next_aborted < pending.size() &&
             pending[next_aborted].first_offset <= base_offset + last_offset_delta)
        aborting.insert(pending[next_aborted++].producer_id);
    }
    if (attributes & control_bit) {
      // A marker carries no user records; an abort marker ends its producer's
      // aborted transaction (a commit marker never ends an aborted one).
      if (aborted && aborting.contains(producer_id)) {
        std::vector<consumer_record> marker;
        if (auto r = read_records(batch.subspan(record_batch_header_bytes), count, base_offset,
                                  base_timestamp, max_timestamp, timestamp_type::create_time, topic,
                                  partition, 0, marker);
            !r)
          return std::move(r).error();
        if (!marker.empty() && marker.front().key && marker.front().key->size() >= 4 &&
            marker.front().key->at(2) == std::byte{0} && marker.front().key->at(3) == std::byte{0})
          aborting.erase(producer_id);
      }
      continue;
    }
    if (aborted && (attributes & transactional_bit) && aborting.contains(producer_id)) continue;
    const auto codec = static_cast<compression_type>(attributes & compression_mask);
    if (codec > compression_type::zstd)
      return make_error(error_code::unsupported_compression_type,
                        "topic '" + topic + "' batch at offset " + std::to_string(base_offset) +
                            ": codec " + std::to_string(attributes & compression_mask));
    const auto ts_type = (attributes & timestamp_type_bit) ? timestamp_type::log_append_time
                                                           : timestamp_type::create_time;
    auto records = batch.subspan(record_batch_header_bytes);
    std::vector<std::byte> inflated;
    if (codec != compression_type::none) {
      auto r = decompress(codec, records);
      if (!r) return corrupt(topic, partition, base_offset, r.error().message);
      inflated = std::move(*r);
      records = inflated;
    }
    if (auto r = read_records(records, count, base_offset, base_timestamp, max_timestamp, ts_type,
                              topic, partition, min_offset, out.records);
        !r)
      return std::move(r).error();
  }
  return out;
}

}  // namespace sluice::client
