#include "broker/share/aborted_records.h"

#include <algorithm>
#include <set>

#include "log/record_batch.h"

namespace sluice::broker::share {
namespace {

constexpr size_t producer_id_at = 43;  // RecordBatch v2 header (log/record_batch.h)
constexpr int16_t transactional_bit = 0x10;

}  // namespace

std::vector<offset_range> aborted_ranges(std::span<const std::byte> data,
                                         const std::vector<batch_header>& headers,
                                         std::vector<log::aborted_txn> aborted) {
  std::vector<offset_range> out;
  if (aborted.empty()) return out;
  std::ranges::sort(aborted, {}, &log::aborted_txn::first_offset);
  auto next = aborted.begin();
  std::set<int64_t> aborting;  // producers inside an aborted transaction
  size_t at = 0;
  for (const batch_header& h : headers) {
    const std::byte* header = data.data() + at;
    at += h.size;
    const int64_t pid = log::read_be64(header + producer_id_at);
    if (pid < 0) continue;
    for (; next != aborted.end() && next->first_offset.value <= h.last_offset; ++next) {
      aborting.insert(next->producer_id);
    }
    if (h.is_control()) {
      aborting.erase(pid);  // its marker ends the transaction
    } else if ((h.attributes & transactional_bit) != 0 && aborting.count(pid) != 0) {
      if (!out.empty() && out.back().second + 1 == h.base_offset) {
        out.back().second = h.last_offset;
      } else {
        out.emplace_back(h.base_offset, h.last_offset);
      }
    }
  }
  return out;
}

}  // namespace sluice::broker::share
