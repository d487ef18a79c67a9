#include "broker/group/offsets_log.h"

#include <cstring>

#include "broker/internal_batch.h"

namespace sluice::broker::group {
namespace {

// Big-endian fixed-width fields and int16-prefixed strings: the key and value
// layouts of docs/groups.md (the batch around them is broker/internal_batch.h).
struct out {
  std::vector<std::byte>& b;
  void u8(uint8_t v) { b.push_back(std::byte{v}); }
  void be(uint64_t v, int n) {
    for (int i = n - 1; i >= 0; --i) u8(static_cast<uint8_t>(v >> (8 * i)));
  }
  void str(const std::string& s) {
    be(s.size(), 2);
    for (char c : s) u8(static_cast<uint8_t>(c));
  }
  void nullable_str(const std::optional<std::string>& s) {
    if (!s) return be(0xFFFF, 2);
    str(*s);
  }
  void bytes(const std::vector<std::byte>& v) {
    be(v.size(), 4);
    b.insert(b.end(), v.begin(), v.end());
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
  std::vector<std::byte> bytes() {
    const auto n = static_cast<uint32_t>(be(4));
    if (!need(n)) return {};
    std::vector<std::byte> v(b.begin() + static_cast<ptrdiff_t>(at),
                             b.begin() + static_cast<ptrdiff_t>(at + n));
    at += n;
    return v;
  }
};

bool has_member_key(record_type t) {
  return t == record_type::consumer_group_member ||
         t == record_type::consumer_group_target_member ||
         t == record_type::consumer_group_current_assignment;
}

std::vector<std::byte> encode_key(const offsets_record& r) {
  std::vector<std::byte> k;
  out o{k};
  o.be(static_cast<uint16_t>(r.type), 2);
  o.str(r.group);
  if (r.type == record_type::offset_commit || r.type == record_type::txn_offset_staged) {
    o.str(r.topic);
    o.be(static_cast<uint32_t>(r.partition), 4);
  }
  if (r.type == record_type::txn_offset_staged || r.type == record_type::txn_offsets_end) {
    o.be(static_cast<uint64_t>(r.producer_id), 8);
  }
  if (has_member_key(r.type)) o.str(r.member_id);
  return k;
}

// The fields types 1 and 3 share: offset, leader epoch, metadata, commit time.
void put_offset(out& o, const committed_offset& v) {
  o.be(static_cast<uint64_t>(v.offset), 8);
  o.be(static_cast<uint32_t>(v.leader_epoch), 4);
  o.nullable_str(v.metadata);
  o.be(static_cast<uint64_t>(v.commit_timestamp_ms), 8);
}

void get_offset(in& v, committed_offset& c) {
  c.offset = static_cast<int64_t>(v.be(8));
  c.leader_epoch = static_cast<int32_t>(v.be(4));
  c.metadata = v.nullable_str();
  c.commit_timestamp_ms = static_cast<int64_t>(v.be(8));
}

std::vector<std::byte> encode_value(const committed_offset& v) {
  std::vector<std::byte> b;
  out o{b};
  // Version 1 only when there is an expiry time, so that logs written
  // without one stay readable by a broker that knows only version 0.
  const bool expires = v.expire_timestamp_ms >= 0;
  o.be(expires ? 1 : 0, 2);  // value version
  put_offset(o, v);
  if (expires) o.be(static_cast<uint64_t>(v.expire_timestamp_ms), 8);
  return b;
}

std::vector<std::byte> encode_staged(const offsets_record& r) {
  std::vector<std::byte> b;
  out o{b};
  o.be(0, 2);  // value version
  o.be(static_cast<uint16_t>(r.producer_epoch), 2);
  o.u8(r.superseded ? 1 : 0);
  put_offset(o, *r.value);
  return b;
}

std::vector<std::byte> encode_end(bool commit) {
  std::vector<std::byte> b;
  out o{b};
  o.be(0, 2);  // value version
  o.u8(commit ? 1 : 0);
  return b;
}

std::vector<std::byte> encode_metadata(const group_metadata& g) {
  std::vector<std::byte> b;
  out o{b};
  o.be(0, 2);  // value version
  o.str(g.protocol_type);
  o.be(static_cast<uint32_t>(g.generation), 4);
  o.nullable_str(g.protocol);
  o.nullable_str(g.leader);
  o.be(static_cast<uint64_t>(g.state_timestamp_ms), 8);
  o.be(g.members.size(), 4);
  for (const auto& m : g.members) {
    o.str(m.member_id);
    o.nullable_str(m.group_instance_id);
    o.str(m.client_id);
    o.be(static_cast<uint32_t>(m.rebalance_timeout_ms), 4);
    o.be(static_cast<uint32_t>(m.session_timeout_ms), 4);
    o.bytes(m.subscription);
    o.bytes(m.assignment);
  }
  return b;
}

bool decode_metadata(std::span<const std::byte> value, group_metadata& g) {
  in v{value};
  if (static_cast<int16_t>(v.be(2)) != 0) return false;
  g.protocol_type = v.str();
  g.generation = static_cast<int32_t>(v.be(4));
  g.protocol = v.nullable_str();
  g.leader = v.nullable_str();
  g.state_timestamp_ms = static_cast<int64_t>(v.be(8));
  const auto n = static_cast<uint32_t>(v.be(4));
  // Each member takes at least 20 bytes: a count beyond that is damage.
  if (!v.ok || n > (value.size() - v.at) / 20) return false;
  g.members.resize(n);
  for (auto& m : g.members) {
    m.member_id = v.str();
    m.group_instance_id = v.nullable_str();
    m.client_id = v.str();
    m.rebalance_timeout_ms = static_cast<int32_t>(v.be(4));
    m.session_timeout_ms = static_cast<int32_t>(v.be(4));
    m.subscription = v.bytes();
    m.assignment = v.bytes();
  }
  return v.ok && v.at == value.size();
}

// The value of a type 3 record into `r`.
bool decode_staged(std::span<const std::byte> value, offsets_record& r) {
  in v{value};
  if (static_cast<int16_t>(v.be(2)) != 0) return false;
  r.producer_epoch = static_cast<int16_t>(v.be(2));
  const auto flags = static_cast<uint8_t>(v.be(1));
  r.superseded = (flags & 1) != 0;
  committed_offset c;
  get_offset(v, c);
  r.value = std::move(c);
  return v.ok && flags <= 1;
}

bool decode_committed(std::span<const std::byte> value, committed_offset& c) {
  in v{value};
  const auto version = static_cast<int16_t>(v.be(2));
  if (version != 0 && version != 1) return false;
  get_offset(v, c);
  if (version == 1) c.expire_timestamp_ms = static_cast<int64_t>(v.be(8));
  return v.ok;
}

bool decode_value(std::optional<std::span<const std::byte>> value, offsets_record& r) {
  switch (r.type) {
    case record_type::group_metadata: {
      if (!value) return true;  // the group's tombstone
      group_metadata g;
      if (!decode_metadata(*value, g)) return false;
      r.metadata = std::move(g);
      return true;
    }
    case record_type::offset_commit: {
      if (!value) return true;  // the offset's tombstone
      committed_offset c;
      if (!decode_committed(*value, c)) return false;
      r.value = std::move(c);
      return true;
    }
    case record_type::txn_offset_staged:
      return value && decode_staged(*value, r);
    case record_type::consumer_group_member:
    case record_type::consumer_group_target_metadata:
    case record_type::consumer_group_target_member:
    case record_type::consumer_group_current_assignment:
    case record_type::consumer_group_metadata:
      // Decoded by broker/consumer_group/records.h.
      if (value) r.cg_value.emplace(value->begin(), value->end());
      return true;
    case record_type::txn_offsets_end: {
      if (!value) return false;
      in v{*value};
      if (static_cast<int16_t>(v.be(2)) != 0) return false;
      const auto result = static_cast<uint8_t>(v.be(1));
      r.commit = result == 1;
      return v.ok && result <= 1;
    }
  }
  return false;
}

std::optional<offsets_record> decode_fields(std::span<const std::byte> key,
                                            std::optional<std::span<const std::byte>> value) {
  in k{key};
  auto type = static_cast<int16_t>(k.be(2));
  if (type < 1 || type > 9) return std::nullopt;
  offsets_record r;
  r.type = static_cast<record_type>(type);
  r.group = k.str();
  if (r.type == record_type::offset_commit || r.type == record_type::txn_offset_staged) {
    r.topic = k.str();
    r.partition = static_cast<int32_t>(k.be(4));
  }
  if (r.type == record_type::txn_offset_staged || r.type == record_type::txn_offsets_end) {
    r.producer_id = static_cast<int64_t>(k.be(8));
  }
  if (has_member_key(r.type)) r.member_id = k.str();
  if (!k.ok || k.at != key.size() || !decode_value(value, r)) return std::nullopt;
  return r;
}

}  // namespace

offsets_record staged_offset_record(const std::string& group,
                                    const std::pair<std::string, int32_t>& tp, int64_t producer_id,
                                    int16_t producer_epoch, committed_offset value,
                                    bool superseded) {
  offsets_record r;
  r.type = record_type::txn_offset_staged;
  r.group = group;
  r.topic = tp.first;
  r.partition = tp.second;
  r.producer_id = producer_id;
  r.producer_epoch = producer_epoch;
  r.superseded = superseded;
  r.value = std::move(value);
  return r;
}

batch_record encode_record(const offsets_record& r, int64_t now_ms) {
  batch_record b;
  b.timestamp = now_ms;
  b.key = encode_key(r);
  if (is_consumer_group_record(r.type)) {
    b.value = r.cg_value;
  } else if (r.type == record_type::txn_offset_staged) {
    b.value = encode_staged(r);
  } else if (r.type == record_type::txn_offsets_end) {
    b.value = encode_end(r.commit);
  } else if (r.metadata) {
    b.value = encode_metadata(*r.metadata);
  } else if (r.value) {
    b.value = encode_value(*r.value);
  }
  return b;
}

std::optional<offsets_record> decode_record(const batch_record& b) {
  if (!b.key) return std::nullopt;
  std::optional<std::span<const std::byte>> value;
  if (b.value) value = std::span<const std::byte>(*b.value);
  return decode_fields(*b.key, value);
}

std::vector<std::byte> encode_batch(const std::vector<offsets_record>& records, int64_t now_ms) {
  std::vector<batch_record> out;
  out.reserve(records.size());
  for (const auto& r : records) out.push_back(encode_record(r, now_ms));
  return broker::encode_batch(out);
}

bool decode_batches(std::span<const std::byte> bytes,
                    const std::function<void(const offsets_record&)>& fn) {
  size_t whole = 0;
  for (const batch_header& h : scan_batches(bytes)) {
    bool records_ok = true;
    const bool batch_ok = decode_batch(bytes.subspan(whole, h.size), [&](batch_record&& b) {
      if (!records_ok) return;
      auto rec = decode_record(b);
      if (!rec) {
        records_ok = false;
        return;
      }
      fn(*rec);
    });
    if (!batch_ok || !records_ok) return false;
    whole += h.size;
  }
  // Bytes after the last whole batch: a torn or lying tail.
  return whole == bytes.size();
}

}  // namespace sluice::broker::group
