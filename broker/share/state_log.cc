#include "broker/share/state_log.h"

namespace sluice::broker::share {
namespace {

constexpr int16_t snapshot_type = 1;
constexpr int16_t value_version = 0;
constexpr size_t run_bytes = 8 + 8 + 1 + 2 + 8;

struct out {
  bytes& b;
  void be(uint64_t v, int n) {
    for (int i = n - 1; i >= 0; --i) b.push_back(static_cast<std::byte>(v >> (8 * i)));
  }
  void str(const std::string& s) {
    be(s.size(), 2);
    for (char c : s) b.push_back(static_cast<std::byte>(c));
  }
};

struct in {
  std::span<const std::byte> b;
  size_t at = 0;
  bool ok = true;
  uint64_t be(int n) {
    if (b.size() - at < static_cast<size_t>(n)) {
      ok = false;
      return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v = (v << 8) | std::to_integer<uint8_t>(b[at++]);
    return v;
  }
  std::string str() {
    const auto n = static_cast<size_t>(be(2));
    if (!ok || b.size() - at < n) {
      ok = false;
      return {};
    }
    std::string s(reinterpret_cast<const char*>(b.data() + at), n);
    at += n;
    return s;
  }
};

bool known_state(int8_t s) { return s == 0 || s == 1 || s == 2 || s == 4; }

}  // namespace

batch_record encode_state_record(const state_record& r, int64_t now_ms) {
  batch_record rec;
  rec.timestamp = now_ms;
  bytes key;
  out k{key};
  k.be(static_cast<uint16_t>(snapshot_type), 2);
  k.str(r.group);
  k.str(r.topic);
  k.be(static_cast<uint32_t>(r.partition), 4);
  rec.key = std::move(key);
  if (r.tombstone) return rec;
  bytes value;
  out v{value};
  v.be(static_cast<uint16_t>(value_version), 2);
  v.be(static_cast<uint64_t>(r.snapshot.start_offset), 8);
  v.be(static_cast<uint64_t>(r.snapshot.end_offset), 8);
  v.be(r.snapshot.runs.size(), 4);
  for (const state_run& run : r.snapshot.runs) {
    v.be(static_cast<uint64_t>(run.first_offset), 8);
    v.be(static_cast<uint64_t>(run.last_offset), 8);
    v.be(static_cast<uint8_t>(run.state), 1);
    v.be(static_cast<uint16_t>(run.delivery_count), 2);
    v.be(static_cast<uint64_t>(run.available_at_ms), 8);
  }
  rec.value = std::move(value);
  return rec;
}

std::optional<state_record> decode_state_record(const batch_record& rec) {
  if (!rec.key) return std::nullopt;
  in k{*rec.key};
  if (static_cast<int16_t>(k.be(2)) != snapshot_type) return std::nullopt;
  state_record r;
  r.group = k.str();
  r.topic = k.str();
  r.partition = static_cast<int32_t>(k.be(4));
  if (!k.ok) return std::nullopt;
  if (!rec.value) {
    r.tombstone = true;
    return r;
  }
  in v{*rec.value};
  if (static_cast<int16_t>(v.be(2)) != value_version) return std::nullopt;
  r.snapshot.start_offset = static_cast<int64_t>(v.be(8));
  r.snapshot.end_offset = static_cast<int64_t>(v.be(8));
  const auto runs = static_cast<uint32_t>(v.be(4));
  if (!v.ok || runs > (v.b.size() - v.at) / run_bytes) return std::nullopt;
  for (uint32_t i = 0; i < runs; ++i) {
    state_run run;
    run.first_offset = static_cast<int64_t>(v.be(8));
    run.last_offset = static_cast<int64_t>(v.be(8));
    const auto state = static_cast<int8_t>(v.be(1));
    if (!known_state(state)) return std::nullopt;
    run.state = static_cast<record_state>(state);
    run.delivery_count = static_cast<int16_t>(v.be(2));
    run.available_at_ms = static_cast<int64_t>(v.be(8));
    r.snapshot.runs.push_back(run);
  }
  if (!v.ok || r.snapshot.end_offset < r.snapshot.start_offset) return std::nullopt;
  return r;
}

}  // namespace sluice::broker::share
