// Transactional offsets (docs/groups.md "Transactional offsets"):
// TxnOffsetCommit stages offsets for (group, producer id) with type 3
// records; the transaction's end marker for the group (written by the
// transaction coordinator through complete_txn_offsets) is one type 4 record
// that commits or drops them. Both are ordinary records of
// __consumer_offsets: applied by replay() once durable, replayed at start,
// kept by compaction snapshots, so staged offsets survive a restart and a
// commit after it still materializes them.
//
// Staged offsets are never visible to offsets() (OffsetFetch); with
// require_stable a partition that has one answers UNSTABLE_OFFSET_COMMIT.
#include <spdlog/spdlog.h>

#include "broker/group/coordinator.h"

namespace sluice::broker::group {

void coordinator::stage_txn_offsets(const std::string& group, int64_t producer_id, int16_t epoch,
                                    staged_offsets offsets,
                                    std::function<void(std::error_code)> done) {
  if (offsets.empty()) return done({});
  std::vector<offsets_record> records;
  records.reserve(offsets.size());
  for (auto& [tp, value] : offsets) {
    records.push_back(staged_offset_record(group, tp, producer_id, epoch, std::move(value)));
  }
  // Counted until durable, so that an end marker arriving meanwhile is
  // still written after it instead of finding nothing staged.
  const auto key = std::make_pair(group, producer_id);
  ++stagings_in_flight_[key];
  append(std::move(records), [this, key, done = std::move(done)](std::error_code ec) {
    if (auto it = stagings_in_flight_.find(key); it != stagings_in_flight_.end()) {
      if (--it->second == 0) stagings_in_flight_.erase(it);
    }
    done(ec);
  });
}

void coordinator::complete_txn_offsets(const std::string& group, int64_t producer_id, bool commit,
                                       std::function<void(std::error_code)> done) {
  bool staged = stagings_in_flight_.contains({group, producer_id});
  if (auto g = staged_.find(group); g != staged_.end() && g->second.contains(producer_id)) {
    staged = true;
  }
  if (!staged) return done({});
  offsets_record r;
  r.type = record_type::txn_offsets_end;
  r.group = group;
  r.producer_id = producer_id;
  r.commit = commit;
  append({std::move(r)}, [group, producer_id, commit, done = std::move(done)](std::error_code ec) {
    if (ec) {
      spdlog::warn("event=txn_offsets_end_failed group={} producer_id={} error=\"{}\"", group,
                   producer_id, ec.message());
    } else {
      spdlog::debug("event=txn_offsets_ended group={} producer_id={} result={}", group, producer_id,
                    commit ? "commit" : "abort");
    }
    done(ec);
  });
}

bool coordinator::has_pending_txn_offsets(std::string_view group, const std::string& topic,
                                          int32_t partition) const {
  auto g = staged_.find(group);
  if (g == staged_.end()) return false;
  const auto tp = std::make_pair(topic, partition);
  for (const auto& [pid, m] : g->second) {
    if (m.contains(tp)) return true;
  }
  return false;
}

bool coordinator::has_pending_txn_offsets(std::string_view group) const {
  return staged_.find(group) != staged_.end();
}

void coordinator::replay_txn(const offsets_record& r) {
  if (r.type == record_type::txn_offset_staged) {
    if (!r.value) return;
    staged_[r.group][r.producer_id][{r.topic, r.partition}] =
        staged_offset{*r.value, r.producer_epoch, r.superseded};
    return;
  }
  // txn_offsets_end
  auto g = staged_.find(r.group);
  if (g == staged_.end()) return;
  auto p = g->second.find(r.producer_id);
  if (p == g->second.end()) return;
  if (r.commit) {
    for (const auto& [tp, s] : p->second) {
      if (!s.superseded) offsets_[r.group][tp] = s.value;
    }
  }
  g->second.erase(p);
  if (g->second.empty()) staged_.erase(g);
}

void coordinator::supersede_staged(const std::string& group,
                                   const std::pair<std::string, int32_t>& tp, bool drop) {
  auto g = staged_.find(group);
  if (g == staged_.end()) return;
  for (auto p = g->second.begin(); p != g->second.end();) {
    if (auto it = p->second.find(tp); it != p->second.end()) {
      if (drop) {
        p->second.erase(it);
      } else {
        it->second.superseded = true;
      }
    }
    p = p->second.empty() ? g->second.erase(p) : std::next(p);
  }
  if (g->second.empty()) staged_.erase(g);
}

}  // namespace sluice::broker::group
