#include "broker/share/aborted_records.h"

#include <algorithm>
#include <set>

namespace sluice::broker::share {
std::vector<offset_range> aborted_ranges(const std::vector<log::batch_info>& batches,
                                         std::vector<log::aborted_txn> aborted) {
  std::vector<offset_range> out;
  if (aborted.empty()) return out;
  std::ranges::sort(aborted, {}, &log::aborted_txn::first_offset);
  auto next = aborted.begin();
  std::set<int64_t> aborting;  // producers inside an aborted transaction
  for (const log::batch_info& b : batches) {
    const int64_t pid = b.producer_id;
    if (pid < 0) continue;
    for (; next != aborted.end() && next->first_offset <= b.last_offset; ++next) {
      aborting.insert(next->producer_id);
    }
    if (b.is_control()) {
      aborting.erase(pid);  // its marker ends the transaction
    } else if (b.is_transactional() && aborting.count(pid) != 0) {
      if (!out.empty() && out.back().second + 1 == b.base_offset.value) {
        out.back().second = b.last_offset.value;
      } else {
        out.emplace_back(b.base_offset.value, b.last_offset.value);
      }
    }
  }
  return out;
}

}  // namespace sluice::broker::share
