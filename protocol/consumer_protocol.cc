#include "protocol/consumer_protocol.h"

#include <algorithm>
#include <utility>

namespace sluice::protocol {
namespace {

// Smallest encodings, used to bound array counts. These payloads are always
// classic: a string takes at least 2 bytes, an array 4.
constexpr size_t min_topic_name_bytes = 2;
constexpr size_t min_topic_partition_bytes = 6;  // topic, partitions

template <class T>
void read_topic_partitions(reader& r, std::vector<T>& out) {
  r.array(out, min_topic_partition_bytes, [&](T& tp) {
    tp.topic = r.string();
    r.array(tp.partitions, 4, [&](int32_t& p) { p = r.int32(); });
  });
}

template <class T>
void write_topic_partitions(writer& w, const std::vector<T>& v) {
  w.array(v, [&](const T& tp) {
    w.string(tp.topic);
    w.array(tp.partitions, [&](int32_t p) { w.int32(p); });
  });
}

std::optional<std::vector<std::byte>> read_nullable_bytes(reader& r) {
  const std::optional<std::span<const std::byte>> b = r.nullable_bytes();
  if (!b) return std::nullopt;
  return std::vector<std::byte>(b->begin(), b->end());
}

void write_nullable_bytes(writer& w, const std::optional<std::vector<std::byte>>& b) {
  if (!b) return w.nullable_bytes(std::nullopt);
  w.nullable_bytes(std::span<const std::byte>(*b));
}

// Reads the version prefix and then the body in the layout of
// min(version, consumer_protocol_max_version).
template <class M>
std::error_code decode_payload(std::span<const std::byte> bytes, M& out, int16_t* version) {
  reader r(bytes);
  const int16_t v = r.int16();
  if (!r.ok()) return r.error();
  if (v < 0) return codec_errc::unsupported_version;
  M m{};
  m.decode(r, std::min(v, consumer_protocol_max_version));
  if (!r.ok()) return r.error();
  out = std::move(m);
  if (version != nullptr) *version = v;
  return {};
}

template <class M>
std::error_code encode_payload(const M& m, int16_t version, std::vector<std::byte>& out) {
  if (version < 0 || version > consumer_protocol_max_version) {
    return codec_errc::unsupported_version;
  }
  writer w;
  w.int16(version);
  m.encode(w, version);
  if (!w.ok()) return w.error();
  return std::move(w).finish().flatten(out);
}

}  // namespace

void consumer_protocol_subscription::decode(reader& r, int16_t version) {
  r.array(topics, min_topic_name_bytes, [&](std::string& t) { t = r.string(); });
  user_data = read_nullable_bytes(r);
  // kafkajs may label the v0 layout version 1: nothing left means none owned.
  if (version >= 1 && r.remaining() > 0) read_topic_partitions(r, owned_partitions);
}

void consumer_protocol_subscription::encode(writer& w, int16_t version) const {
  w.array(topics, [&](const std::string& t) { w.string(t); });
  write_nullable_bytes(w, user_data);
  if (version >= 1) write_topic_partitions(w, owned_partitions);
}

void consumer_protocol_assignment::decode(reader& r, int16_t /*version*/) {
  read_topic_partitions(r, assigned_partitions);
  user_data = read_nullable_bytes(r);
}

void consumer_protocol_assignment::encode(writer& w, int16_t /*version*/) const {
  write_topic_partitions(w, assigned_partitions);
  write_nullable_bytes(w, user_data);
}

std::error_code decode_consumer_protocol_subscription(std::span<const std::byte> bytes,
                                                      consumer_protocol_subscription& out,
                                                      int16_t* version) {
  return decode_payload(bytes, out, version);
}

std::error_code decode_consumer_protocol_assignment(std::span<const std::byte> bytes,
                                                    consumer_protocol_assignment& out,
                                                    int16_t* version) {
  return decode_payload(bytes, out, version);
}

std::error_code encode_consumer_protocol_subscription(const consumer_protocol_subscription& m,
                                                      int16_t version,
                                                      std::vector<std::byte>& out) {
  return encode_payload(m, version, out);
}

std::error_code encode_consumer_protocol_assignment(const consumer_protocol_assignment& m,
                                                    int16_t version, std::vector<std::byte>& out) {
  return encode_payload(m, version, out);
}

}  // namespace sluice::protocol
