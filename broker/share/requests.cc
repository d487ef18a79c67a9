#include "broker/share/requests.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "broker/share/aborted_records.h"
#include "broker/topic_table.h"
#include "log/batch_scanner.h"

namespace sluice::broker::share {

using protocol::error_code;

error_code advance_session(share_group& g, const std::string& member, int32_t epoch,
                           bool opening_allowed, uint64_t connection_id) {
  auto& sessions = g.sessions();
  if (epoch == 0) {
    if (!opening_allowed) return error_code::invalid_share_session_epoch;
    share_session fresh;
    fresh.connection_id = connection_id;
    sessions[member] = std::move(fresh);
    return error_code::none;
  }
  auto it = sessions.find(member);
  if (it == sessions.end()) return error_code::share_session_not_found;
  if (epoch == -1) return error_code::none;
  if (epoch != it->second.next_epoch) return error_code::invalid_share_session_epoch;
  it->second.next_epoch = epoch == INT32_MAX ? 1 : epoch + 1;
  it->second.connection_id = connection_id;
  return error_code::none;
}

void close_session(share_group& g, const std::string& member, int64_t now_ms) {
  g.sessions().erase(member);
  for (auto& [tp, p] : g.partitions()) p.release_member(member, now_ms);
  g.changed();
}

ack_outcome apply_acknowledgements(coordinator& c, share_group& g, const std::string& member,
                                   const std::vector<partition_acks>& acks, bool renew_allowed,
                                   int64_t now_ms) {
  ack_outcome out;
  for (const partition_acks& a : acks) {
    error_code& e = out.errors[key_of(a.topic_id, a.partition)];
    auto topic = c.shard().topics().topic_name(a.topic_id);
    if (!topic) {
      e = error_code::unknown_topic_id;
      continue;
    }
    share_partition* p = c.partition(g, {*topic, a.partition});
    if (p == nullptr) {
      e = error_code::unknown_topic_or_partition;
      continue;
    }
    bool changed = false;
    for (const auto& b : *a.batches) {
      const bool has_renew =
          std::ranges::find(b.acknowledge_types, int8_t{4}) != b.acknowledge_types.end();
      const error_code r =
          has_renew && !renew_allowed
              ? error_code::invalid_request
              : p->acknowledge(member, b.first_offset, b.last_offset, b.acknowledge_types, now_ms);
      if (r == error_code::none) {
        changed = true;
      } else if (e == error_code::none) {
        e = r;  // the first failure names the partition's error; later batches still apply
      }
    }
    if (changed) out.touched.push_back({*topic, a.partition});
  }
  return out;
}

acquired_partition acquire_records(coordinator& c, share_group& g, const topic_partition& tp,
                                   const std::string& member, int32_t max_records,
                                   uint64_t max_bytes, int64_t now_ms, error_code& error) {
  acquired_partition out;
  error = error_code::none;
  const log::partition_log* log = c.shard().topics().get(tp.first, tp.second);
  share_partition* p = c.partition(g, tp);
  if (log == nullptr || p == nullptr) {
    error = error_code::unknown_topic_or_partition;
    return out;
  }
  if (max_records <= 0) return out;
  // read_committed: nothing at or past the LSO is handed out (an open
  // transaction holds the group back, as Kafka's does).
  const bool committed = p->settings().read_committed;
  const int64_t visible_end =
      committed ? log->last_stable_offset().value : log->high_watermark().value;
  const int64_t first = p->next_acquirable(now_ms, visible_end);
  if (first < 0) return out;
  // One header-only pass yields the file slice and every batch header in it
  // (offsets for trimming, producer and control bits for read_committed).
  std::vector<log::batch_info> batches;
  auto read = log->read(log::offset{first}, std::max<uint64_t>(max_bytes, 1),
                        log::offset{visible_end}, nullptr, &batches);
  if (!read) {
    spdlog::warn("event=share_fetch_read_failed topic={} partition={} error=\"{}\"", tp.first,
                 tp.second, read.error().message());
    error = error_code::kafka_storage_error;
    return out;
  }
  if (read->slices.empty()) return out;
  // The first segment's slice only: one slice per partition in the answer.
  const log::file_slice& slice = read->slices.front();
  std::erase_if(batches,
                [&](const log::batch_info& b) { return b.base_offset >= slice.next_offset; });
  if (batches.empty()) return out;
  std::vector<offset_range> aborted;
  if (committed) {
    aborted = aborted_ranges(batches, log->aborted_transactions(batches.front().base_offset,
                                                                batches.back().next_offset()));
  }
  const auto ranges =
      p->acquire(member, max_records, now_ms, batches.back().next_offset().value, aborted);
  if (ranges.empty()) return out;
  // Trimmed to the batches from the first acquired offset's to the last's.
  const auto first_batch = std::ranges::find_if(batches, [&](const log::batch_info& b) {
    return b.last_offset.value >= ranges.front().first_offset;
  });
  const auto last_batch = std::ranges::find_if(batches, [&](const log::batch_info& b) {
    return b.last_offset.value >= ranges.back().last_offset;
  });
  log::file_slice records = slice;
  records.position = first_batch->position;
  const uint64_t end = last_batch == batches.end() ? slice.position.value + slice.length
                                                   : last_batch->position.value + last_batch->size;
  records.length = static_cast<uint32_t>(end - first_batch->position.value);
  records.base_offset = first_batch->base_offset;
  records.next_offset =
      last_batch == batches.end() ? batches.back().next_offset() : last_batch->next_offset();
  out.records = std::move(records);
  for (const auto& r : ranges) {
    const auto n = static_cast<uint64_t>(r.last_offset - r.first_offset + 1);
    c.counters().deliveries += n;
    if (r.delivery_count > 1) c.counters().redeliveries += n;
    out.ranges.emplace_back(r.first_offset, r.last_offset);
    out.delivery_counts.push_back(r.delivery_count);
  }
  return out;
}

}  // namespace sluice::broker::share
