#include "log/offset_index.h"

#include <limits>
#include <utility>

#include "base/big_endian.h"
#include "log/record_batch.h"

namespace sluice::log {
namespace {

int32_t relative_at(const std::byte* slot) { return base::load_be<int32_t>(slot); }
int32_t position_at(const std::byte* slot) { return base::load_be<int32_t>(slot + 4); }

// Whether `cur` may follow `prev` (nullptr for the first entry) in a well-formed index.
bool follows(const std::byte* prev, const std::byte* cur) {
  int32_t rel = relative_at(cur);
  int32_t pos = position_at(cur);
  if (rel < 0 || pos < 0) return false;
  return prev == nullptr || (rel > relative_at(prev) && pos >= position_at(prev));
}

}  // namespace

result<offset_index> offset_index::open(io::io_backend& io, std::string path, offset base_offset,
                                        size_t max_index_size_bytes) {
  return open_index(offset_index(io, std::move(path), base_offset, max_index_size_bytes), follows);
}

bool offset_index::append(offset o, file_position p) {
  std::optional<int32_t> rel = to_relative(o);
  if (is_full() || !rel || p.value > std::numeric_limits<int32_t>::max()) return false;
  if (entries() > 0) {
    index_entry last = last_entry();
    if (o <= last.offset || p < last.position) return false;
  }
  if (!reserve_slot()) return false;
  std::byte* s = slot(entries());
  base::store_be<int32_t>(s, *rel);
  base::store_be<int32_t>(s + 4, static_cast<int32_t>(p.value));
  commit_slot();
  return true;
}

index_entry offset_index::entry(size_t n) const {
  const std::byte* s = slot(n);
  return {base_offset() + relative_at(s), file_position{static_cast<uint64_t>(position_at(s))}};
}

index_entry offset_index::last_entry() const {
  return entries() == 0 ? index_entry{base_offset(), file_position{0}} : entry(entries() - 1);
}

index_entry offset_index::lookup(offset target) const {
  if (target < base_offset()) return {base_offset(), file_position{0}};
  size_t n = count_at_most(target - base_offset(), relative_at);
  return n == 0 ? index_entry{base_offset(), file_position{0}} : entry(n - 1);
}

void offset_index::truncate_to(offset o) {
  // The entries to keep are those whose offset is <= o - 1.
  size_t keep = o <= base_offset() ? 0 : count_at_most(o - base_offset() - 1, relative_at);
  truncate_to_entries(keep);
}

std::error_code offset_index::sanity_check(uint64_t log_size_bytes) const {
  if (auto ec = check_entries(follows)) return ec;
  if (entries() > 0 && last_entry().position.value >= log_size_bytes) return errc::corrupt_file;
  return {};
}

}  // namespace sluice::log
