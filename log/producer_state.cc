#include "log/producer_state.h"

#include <algorithm>
#include <climits>

#include "base/big_endian.h"
#include "base/varint.h"
#include "log/errors.h"
#include "log/record_batch.h"

namespace sluice::log {

int32_t increment_sequence(int32_t base, int32_t delta) {
  if (base > INT32_MAX - delta) return delta - (INT32_MAX - base) - 1;
  return base + delta;
}

int32_t producer_batch_meta::last_sequence() const {
  if (base_sequence < 0) return -1;  // NO_SEQUENCE stays NO_SEQUENCE
  return increment_sequence(base_sequence, last_offset_delta);
}

std::optional<end_txn_marker> parse_end_txn_marker(std::span<const std::byte> batch) {
  if (batch.size() < batch_header_size) return std::nullopt;
  // A control batch is never compressed: its one record follows the header.
  if (record_batch_view(batch).compression() != compression_type::none) return std::nullopt;
  std::span<const std::byte> in = batch.subspan(batch_header_size);
  // A length in [min, what is left], read from the front of `in`.
  auto length_at_least = [&in](int32_t min) -> std::optional<size_t> {
    const auto n = base::read_varint(in);
    if (!n || *n < min || static_cast<size_t>(*n) > in.size()) return std::nullopt;
    return static_cast<size_t>(*n);
  };
  const auto length = length_at_least(1);
  if (!length) return std::nullopt;
  in = in.first(*length).subspan(1);  // past the record attributes
  if (!base::read_varlong(in) || !base::read_varint(in)) return std::nullopt;  // deltas
  const auto key_len = length_at_least(4);
  if (!key_len) return std::nullopt;
  std::span<const std::byte> key = in.first(*key_len);
  in = in.subspan(*key_len);
  const auto value_len = length_at_least(6);
  if (!value_len) return std::nullopt;
  std::span<const std::byte> value = in.first(*value_len);
  // Key: int16 version, int16 type (0 abort, 1 commit). Value: int16 version,
  // int32 coordinator epoch. Newer versions only append fields.
  if (base::load_be<int16_t>(key.data()) < 0 || base::load_be<int16_t>(value.data()) < 0)
    return std::nullopt;
  int16_t type = base::load_be<int16_t>(key.data() + 2);
  if (type != 0 && type != 1) return std::nullopt;
  return end_txn_marker{type == 1, base::load_be<int32_t>(value.data() + 2)};
}

producer_batch_meta producer_meta(const record_batch_view& v, offset base,
                                  timestamp_ms append_time) {
  producer_batch_meta m;
  m.producer_id = v.producer_id();
  m.epoch = v.producer_epoch();
  m.base_sequence = v.base_sequence();
  m.last_offset_delta = v.last_offset_delta();
  m.attributes = v.attributes();
  m.base_offset = base;
  m.max_timestamp = append_time != no_timestamp ? append_time : v.max_timestamp();
  if (m.control()) m.marker = parse_end_txn_marker(v.bytes());
  return m;
}

const producer_entry* producer_state::find(int64_t producer_id) const {
  auto it = producers_.find(producer_id);
  return it == producers_.end() ? nullptr : &it->second;
}

std::optional<producer_batch> producer_state::find_duplicate(const producer_batch_meta& b) const {
  const producer_entry* e = find(b.producer_id);
  if (e == nullptr || e->epoch != b.epoch || b.control()) return std::nullopt;
  const int32_t last = b.last_sequence();
  for (const auto& cached : e->batches) {
    if (cached.first_seq == b.base_sequence && cached.last_seq == last) return cached;
  }
  return std::nullopt;
}

std::error_code producer_state::stage(const producer_batch_meta& b, staged& s,
                                      bool validate) const {
  auto it = s.entries.find(b.producer_id);
  if (it == s.entries.end()) {
    const producer_entry* cur = find(b.producer_id);
    producer_entry fresh;
    fresh.producer_id = b.producer_id;
    it = s.entries.emplace(b.producer_id, cur != nullptr ? *cur : fresh).first;
    s.epochs_before.emplace(b.producer_id, it->second.epoch);
  }
  producer_entry& e = it->second;
  if (validate && b.epoch < e.epoch) return errc::invalid_producer_epoch;

  if (b.control()) {
    if (!b.marker) return errc::corrupt_batch;
    if (validate && e.coordinator_epoch > b.marker->coordinator_epoch) {
      return errc::coordinator_fenced;
    }
    // Only a marker that ends a transaction with data touches the LSO and
    // the aborted index.
    if (e.current_txn_first_offset.value >= 0) {
      s.completed_txns.push_back(
          {b.producer_id, e.current_txn_first_offset, b.base_offset, !b.marker->commit});
    }
    if (e.epoch != b.epoch) {
      e.batches.clear();
      e.epoch = b.epoch;
    }
    e.coordinator_epoch = b.marker->coordinator_epoch;
    e.current_txn_first_offset = offset{-1};
    e.last_timestamp = b.max_timestamp;
    e.last_offset = b.last_offset();
    return {};
  }

  if (validate) {
    if (b.epoch != e.epoch) {
      if (b.base_sequence != 0 && e.epoch != -1) return errc::out_of_order_sequence;
    } else {
      const int32_t last = e.last_seq();
      const bool in_sequence = b.base_sequence == static_cast<int64_t>(last) + 1 ||
                               (b.base_sequence == 0 && last == INT32_MAX);
      if (s.epochs_before.at(b.producer_id) != -1 && !in_sequence) {
        return errc::out_of_order_sequence;
      }
    }
  }
  if (e.epoch != b.epoch) {
    e.batches.clear();
    e.epoch = b.epoch;
  }
  if (e.batches.size() == producer_batches_kept) e.batches.pop_front();
  e.batches.push_back(
      {b.base_sequence, b.last_sequence(), b.base_offset, b.last_offset(), b.max_timestamp});
  e.last_timestamp = b.max_timestamp;
  e.last_offset = b.last_offset();
  if (e.current_txn_first_offset.value >= 0 && !b.transactional()) {
    if (validate) return errc::invalid_txn_state;
  } else if (e.current_txn_first_offset.value < 0 && b.transactional()) {
    e.current_txn_first_offset = b.base_offset;
    s.started_txns.emplace_back(b.base_offset, b.producer_id);
  }
  return {};
}

// Kafka's lastStableOffset(completedTxn): the first offset of the earliest
// transaction of another producer still undecided, else just past the marker.
offset producer_state::stable_after(int64_t producer_id, offset marker) const {
  for (const auto& [first, pid] : ongoing_) {
    if (pid != producer_id) return first;
  }
  return marker + 1;
}

void producer_state::apply(staged&& s, offset active_base) {
  for (auto& [pid, e] : s.entries) producers_[pid] = std::move(e);
  for (const auto& [first, pid] : s.started_txns) ongoing_[first] = pid;
  for (const auto& c : s.completed_txns) {
    if (c.abort) {
      bool wanted = !rebuilding_ || std::find(rebuilding_->begin(), rebuilding_->end(),
                                              active_base) != rebuilding_->end();
      if (wanted) {
        aborted_[active_base].push_back({c.producer_id, c.first_offset, c.last_offset,
                                         stable_after(c.producer_id, c.last_offset)});
      }
    }
    ongoing_.erase(c.first_offset);
    unreplicated_[c.first_offset] = c.last_offset;
  }
}

void producer_state::replay(const producer_batch_meta& b, offset segment_base) {
  staged s;
  if (!stage(b, s, /*validate=*/false)) apply(std::move(s), segment_base);
}

offset producer_state::last_stable_offset(offset high_watermark) const {
  offset lso = high_watermark;
  if (!ongoing_.empty()) lso = std::min(lso, ongoing_.begin()->first);
  for (const auto& [first, last] : unreplicated_) {
    if (first >= lso) break;  // ordered by first offset
    if (last >= high_watermark) lso = first;
  }
  return lso;
}

void producer_state::on_high_watermark(offset high_watermark) {
  std::erase_if(unreplicated_, [&](const auto& kv) { return kv.second < high_watermark; });
}

std::vector<aborted_txn> producer_state::aborted(offset from, offset upper) const {
  std::vector<aborted_txn> out;
  auto it = aborted_.upper_bound(from);
  if (it != aborted_.begin()) --it;
  for (; it != aborted_.end(); ++it) {
    for (const auto& a : it->second) {
      if (a.last_offset >= from && a.first_offset < upper) out.push_back(a);
      // Every transaction aborted later began at or after this LSO.
      if (a.last_stable_offset >= upper) return out;
    }
  }
  return out;
}

std::vector<producer_info> producer_state::active_producers() const {
  std::vector<producer_info> out;
  out.reserve(producers_.size());
  for (const auto& [pid, e] : producers_) {
    out.push_back({pid, e.epoch, e.last_seq(), e.last_timestamp, e.coordinator_epoch,
                   e.current_txn_first_offset});
  }
  return out;
}

size_t producer_state::remove_expired(int64_t now_ms, int64_t expiration_ms) {
  return std::erase_if(producers_, [&](const auto& kv) {
    const producer_entry& e = kv.second;
    return e.current_txn_first_offset.value < 0 && now_ms - e.last_timestamp >= expiration_ms;
  });
}

void producer_state::on_log_start(offset log_start,
                                  const std::function<bool(offset)>& segment_exists) {
  std::erase_if(producers_, [&](const auto& kv) {
    const producer_entry& e = kv.second;
    return e.current_txn_first_offset.value < 0 && e.last_offset < log_start;
  });
  std::erase_if(unreplicated_, [&](const auto& kv) { return kv.second < log_start; });
  std::erase_if(aborted_, [&](const auto& kv) { return !segment_exists(kv.first); });
}

std::vector<producer_entry> producer_state::entries() const {
  std::vector<producer_entry> out;
  out.reserve(producers_.size());
  for (const auto& [pid, e] : producers_) out.push_back(e);
  return out;
}

void producer_state::load(std::vector<producer_entry> entries) {
  clear();
  for (auto& e : entries) {
    if (e.current_txn_first_offset.value >= 0) ongoing_[e.current_txn_first_offset] = e.producer_id;
    int64_t pid = e.producer_id;
    producers_[pid] = std::move(e);
  }
}

void producer_state::clear() {
  producers_.clear();
  ongoing_.clear();
  unreplicated_.clear();
}

const std::vector<aborted_txn>& producer_state::segment_aborted(offset base) const {
  static const std::vector<aborted_txn> none;
  auto it = aborted_.find(base);
  return it == aborted_.end() ? none : it->second;
}

void producer_state::set_segment_aborted(offset base, std::vector<aborted_txn> list) {
  if (list.empty()) {
    aborted_.erase(base);
  } else {
    aborted_[base] = std::move(list);
  }
}

void producer_state::truncate_aborted(offset target) {
  for (auto& [base, list] : aborted_) {
    std::erase_if(list, [&](const aborted_txn& a) { return a.last_offset >= target; });
  }
  std::erase_if(aborted_, [](const auto& kv) { return kv.second.empty(); });
}

}  // namespace sluice::log
