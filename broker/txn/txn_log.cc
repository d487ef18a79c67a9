#include "broker/txn/txn_log.h"

#include <array>

#include "protocol/reader.h"
#include "protocol/writer.h"

namespace sluice::broker::txn {
namespace {

constexpr int16_t value_version = 0;
constexpr int16_t value_version_tv2 = 1;  // metadata only: + next producer id, client TV
constexpr std::array<std::string_view, 8> state_names = {
    "Empty",          "Ongoing",       "PrepareCommit", "PrepareAbort",
    "CompleteCommit", "CompleteAbort", "Dead",          "PrepareEpochFence"};

bytes finish(protocol::writer&& w) {
  bytes out;
  // A classic-mode writer never holds external slices, so this cannot fail.
  (void)std::move(w).finish().flatten(out);
  return out;
}

bytes encode_metadata(const txn_metadata& m) {
  protocol::writer w;
  const bool v1 = m.next_producer_id != -1 || m.client_transaction_version != 0;
  w.int16(v1 ? value_version_tv2 : value_version);
  w.int64(m.producer_id);
  w.int64(m.previous_producer_id);
  w.int16(m.producer_epoch);
  w.int16(m.previous_epoch);
  w.int32(m.timeout_ms);
  w.int8(static_cast<int8_t>(m.state));
  w.int64(m.start_ms);
  w.int64(m.last_update_ms);
  std::map<std::string, std::vector<int32_t>> by_topic;
  for (const auto& [t, p] : m.partitions) by_topic[t].push_back(p);
  w.int32(static_cast<int32_t>(by_topic.size()));
  for (const auto& [t, ps] : by_topic) {
    w.string(t);
    w.int32(static_cast<int32_t>(ps.size()));
    for (int32_t p : ps) w.int32(p);
  }
  w.int32(static_cast<int32_t>(m.groups.size()));
  for (const auto& g : m.groups) w.string(g);
  if (v1) {
    w.int64(m.next_producer_id);
    w.int8(m.client_transaction_version);
  }
  return finish(std::move(w));
}

std::optional<txn_metadata> decode_metadata(std::span<const std::byte> b) {
  protocol::reader r(b);
  const int16_t version = r.int16();
  if (version != value_version && version != value_version_tv2) return std::nullopt;
  txn_metadata m;
  m.producer_id = r.int64();
  m.previous_producer_id = r.int64();
  m.producer_epoch = r.int16();
  m.previous_epoch = r.int16();
  m.timeout_ms = r.int32();
  const int8_t state = r.int8();
  if (state < 0 || state >= static_cast<int8_t>(state_names.size())) return std::nullopt;
  m.state = static_cast<txn_state>(state);
  m.start_ms = r.int64();
  m.last_update_ms = r.int64();
  // Counts are checked against the bytes left (array_length), never trusted.
  const int32_t topics = r.array_length(6);
  for (int32_t i = 0; i < topics && r.ok(); ++i) {
    std::string t = r.string();
    const int32_t n = r.array_length(4);
    for (int32_t j = 0; j < n && r.ok(); ++j) m.partitions.emplace(t, r.int32());
  }
  const int32_t groups = r.array_length(2);
  for (int32_t i = 0; i < groups && r.ok(); ++i) m.groups.insert(r.string());
  if (version == value_version_tv2) {
    m.next_producer_id = r.int64();
    m.client_transaction_version = r.int8();
  }
  if (!r.ok()) return std::nullopt;
  return m;
}

}  // namespace

std::string_view state_name(txn_state s) {
  const auto i = static_cast<size_t>(s);
  return i < state_names.size() ? state_names[i] : "Unknown";
}

std::optional<txn_state> state_from_name(std::string_view name) {
  for (size_t i = 0; i < state_names.size(); ++i) {
    if (state_names[i] == name) return static_cast<txn_state>(i);
  }
  return std::nullopt;
}

batch_record encode_txn_record(const txn_record& r, int64_t now_ms) {
  batch_record rec;
  rec.timestamp = now_ms;
  protocol::writer k;
  k.int16(static_cast<int16_t>(r.type));
  k.string(r.type == txn_record::kind::metadata ? r.transactional_id : "");
  rec.key = finish(std::move(k));
  if (r.type == txn_record::kind::producer_ids) {
    protocol::writer v;
    v.int16(value_version);
    v.int64(r.producer_id_end);
    rec.value = finish(std::move(v));
  } else if (r.metadata) {
    rec.value = encode_metadata(*r.metadata);
  }
  return rec;
}

std::optional<txn_record> decode_txn_record(const batch_record& rec) {
  if (!rec.key) return std::nullopt;
  protocol::reader k(*rec.key);
  const int16_t type = k.int16();
  std::string id = k.string();
  if (!k.ok()) return std::nullopt;
  txn_record r;
  if (type == static_cast<int16_t>(txn_record::kind::producer_ids)) {
    if (!rec.value) return std::nullopt;
    protocol::reader v(*rec.value);
    if (v.int16() != value_version) return std::nullopt;
    r.type = txn_record::kind::producer_ids;
    r.producer_id_end = v.int64();
    if (!v.ok()) return std::nullopt;
    return r;
  }
  if (type != static_cast<int16_t>(txn_record::kind::metadata)) return std::nullopt;
  r.transactional_id = std::move(id);
  if (rec.value) {
    r.metadata = decode_metadata(*rec.value);
    if (!r.metadata) return std::nullopt;
    r.metadata->transactional_id = r.transactional_id;
  }
  return r;
}

}  // namespace sluice::broker::txn
