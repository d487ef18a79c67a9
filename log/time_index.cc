#include "log/time_index.h"

#include <utility>

#include "base/big_endian.h"
#include "log/record_batch.h"

namespace sluice::log {
namespace {

timestamp_ms timestamp_at(const std::byte* slot) { return base::load_be<int64_t>(slot); }
int32_t relative_at(const std::byte* slot) { return base::load_be<int32_t>(slot + 8); }

// Whether `cur` may follow `prev` (nullptr for the first entry) in a well-formed
// index. The first timestamp must beat no_timestamp (-1), as in maybe_append.
bool follows(const std::byte* prev, const std::byte* cur) {
  timestamp_ms ts = timestamp_at(cur);
  int32_t rel = relative_at(cur);
  if (rel < 0) return false;
  if (prev == nullptr) return ts > no_timestamp;
  return ts > timestamp_at(prev) && rel >= relative_at(prev);
}

}  // namespace

result<time_index> time_index::open(io::io_backend& io, std::string path, offset base_offset,
                                    size_t max_index_size_bytes) {
  return open_index(time_index(io, std::move(path), base_offset, max_index_size_bytes), follows);
}

bool time_index::maybe_append(timestamp_ms ts, offset o, bool skip_full_check) {
  if (entries() >= max_entries() || (!skip_full_check && is_full())) return false;
  std::optional<int32_t> rel = to_relative(o);
  timestamp_offset last = last_entry();
  if (!rel || ts <= last.timestamp || o < last.offset) return false;
  if (!reserve_slot()) return false;
  std::byte* s = slot(entries());
  base::store_be<int64_t>(s, ts);
  base::store_be<int32_t>(s + 8, *rel);
  commit_slot();
  return true;
}

timestamp_offset time_index::entry(size_t n) const {
  const std::byte* s = slot(n);
  return {timestamp_at(s), base_offset() + relative_at(s)};
}

timestamp_offset time_index::last_entry() const {
  return entries() == 0 ? timestamp_offset{no_timestamp, base_offset()} : entry(entries() - 1);
}

timestamp_offset time_index::lookup(timestamp_ms target) const {
  size_t n = count_at_most(target, timestamp_at);
  return n == 0 ? timestamp_offset{no_timestamp, base_offset()} : entry(n - 1);
}

void time_index::truncate_to(offset o) {
  // Relative offsets never decrease, so the entries to keep are those whose
  // offset is <= o - 1, found by the same search on the offset field.
  size_t keep = o <= base_offset() ? 0 : count_at_most(o - base_offset() - 1, relative_at);
  truncate_to_entries(keep);
}

std::error_code time_index::sanity_check() const { return check_entries(follows); }

}  // namespace sluice::log
