#include "tests/support/history_checker.h"

#include <algorithm>
#include <limits>

#include "log/record_batch.h"
#include "tests/support/log_helpers.h"

namespace sluice::test {
namespace {

constexpr size_t max_problems = 8;

void note(std::vector<std::string>& problems, std::string what) {
  if (problems.size() < max_problems) problems.push_back(std::move(what));
}

bool same_bytes(std::span<const std::byte> a, std::span<const std::byte> b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

}  // namespace

void history_report::add(const history_report& o) {
  appended += o.appended;
  acked_written += o.acked_written;
  acked_flushed += o.acked_flushed;
  observed += o.observed;
  lost_flushed += o.lost_flushed;
  lost_written += o.lost_written;
  fetched_then_vanished += o.fetched_then_vanished;
  inconsistent += o.inconsistent;
  acked_after_offline += o.acked_after_offline;
  unanswered += o.unanswered;
  for (const auto& p : o.problems) note(problems, p);
}

std::string history_report::summary() const {
  std::string s =
      "appended=" + std::to_string(appended) + " acked_written=" + std::to_string(acked_written) +
      " acked_flushed=" + std::to_string(acked_flushed) + " observed=" + std::to_string(observed) +
      " lost_flushed=" + std::to_string(lost_flushed) +
      " lost_written=" + std::to_string(lost_written) +
      " fetched_then_vanished=" + std::to_string(fetched_then_vanished) +
      " inconsistent=" + std::to_string(inconsistent) +
      " acked_after_offline=" + std::to_string(acked_after_offline) +
      " unanswered=" + std::to_string(unanswered);
  for (const auto& p : problems) s += "\n  " + p;
  return s;
}

log::result<log::append_info> partition_history::append(log::partition_log& log,
                                                        std::vector<std::byte> batch,
                                                        log::ack_level level, int64_t tag) {
  const size_t i = entries_.size();
  entry& e = entries_.emplace_back();
  e.bytes = std::move(batch);
  e.level = level;
  e.tag = tag;
  e.appended_at = clock::now();
  log::partition_log* lp = &log;
  auto info = log.append(e.bytes, level, [this, i, lp](std::error_code ec) {
    if (frozen_) return;  // the process is dead: nobody hears this
    entry& x = entries_[i];
    if (++x.callbacks == 1) {
      x.result = ec;
      x.answered_at = clock::now();
    }
    if (!ec && lp->offline()) x.after_offline = true;
    if (on_answer_) on_answer_(x);
  });
  if (!info) {
    entries_.pop_back();
    return info;
  }
  e.base = info->base_offset;
  e.last = info->last_offset;
  if (auto it = by_base_.find(e.base.value); it != by_base_.end()) {
    entries_[it->second].superseded = true;
  }
  by_base_[e.base.value] = i;
  return info;
}

void partition_history::observe(std::span<const std::byte> read_bytes) {
  log::batch_iterator it(read_bytes);
  log::record_batch_view v(read_bytes);
  while (it.next(v)) {
    const int64_t base = v.base_offset().value;
    auto e = by_base_.find(base);
    if (e == by_base_.end() || !same_bytes(entries_[e->second].bytes, v.bytes())) {
      note(read_problems_, "a read returned a batch at offset " + std::to_string(base) +
                               " that differs from what was appended there");
      continue;
    }
    observed_.insert(base);
  }
  if (it.consumed() != read_bytes.size()) {
    note(read_problems_, "a read returned " + std::to_string(read_bytes.size() - it.consumed()) +
                             " trailing bytes that are not a whole batch");
  }
}

const partition_history::entry* partition_history::at(log::offset base) const {
  auto it = by_base_.find(base.value);
  return it == by_base_.end() ? nullptr : &entries_[it->second];
}

void partition_history::freeze() {
  frozen_ = true;
  for (auto& e : entries_) e.cut = e.cut || e.callbacks == 0;
}

size_t partition_history::unanswered_now() const {
  size_t n = 0;
  for (const auto& e : entries_) n += e.callbacks == 0;
  return n;
}

history_report partition_history::check(std::span<const std::byte> recovered, log::offset log_start,
                                        log::offset log_end) const {
  history_report r;
  r.inconsistent = read_problems_.size();
  r.problems = read_problems_;

  // The recovered log: contiguous batches, each exactly as appended.
  std::map<int64_t, std::span<const std::byte>> present;
  log::batch_iterator it(recovered);
  log::record_batch_view v(recovered);
  int64_t next = -1;
  while (it.next(v)) {
    const int64_t base = v.base_offset().value;
    if (next >= 0 && base != next) {
      ++r.inconsistent;
      note(r.problems, "recovered log jumps from offset " + std::to_string(next) + " to " +
                           std::to_string(base));
    }
    next = v.next_offset().value;
    auto e = by_base_.find(base);
    if (e == by_base_.end() || !same_bytes(entries_[e->second].bytes, v.bytes())) {
      ++r.inconsistent;
      note(r.problems, "recovered batch at offset " + std::to_string(base) +
                           " is not the batch appended there");
      continue;
    }
    present[base] = v.bytes();
  }
  if (it.consumed() != recovered.size()) {
    ++r.inconsistent;
    note(r.problems, "recovered log has a partial batch at its end");
  }
  if (next >= 0 ? next != log_end.value : log_end > log_start) {
    ++r.inconsistent;
    note(r.problems, "recovered batches end at " + std::to_string(next) +
                         " but the log end offset is " + std::to_string(log_end.value));
  }

  for (size_t i = 0; i < entries_.size(); ++i) {
    const entry& e = entries_[i];
    ++r.appended;
    if (e.callbacks > 1 || (e.callbacks == 0 && !e.cut)) {
      ++r.unanswered;
      note(r.problems, "append at offset " + std::to_string(e.base.value) + " was answered " +
                           std::to_string(e.callbacks) + " times");
    }
    if (e.after_offline) {
      ++r.acked_after_offline;
      note(r.problems, "append at offset " + std::to_string(e.base.value) +
                           " was acknowledged while its partition was offline");
    }
    const bool acked_written = e.acked() && e.level != log::ack_level::none;
    const bool acked_flushed = e.acked() && e.level == log::ack_level::flushed;
    r.acked_written += acked_written;
    r.acked_flushed += acked_flushed;
    const bool was_observed = observed_.contains(e.base.value) && !e.superseded;
    r.observed += was_observed;
    // Deleted by retention or DeleteRecords (and not brought back): not a loss.
    if (e.last < log_start) continue;
    const bool there = !e.superseded && present.contains(e.base.value);
    if (there) continue;
    const std::string at = " batch at offsets " + std::to_string(e.base.value) + ".." +
                           std::to_string(e.last.value) + " (log start " +
                           std::to_string(log_start.value) + ", end " +
                           std::to_string(log_end.value) + ")";
    if (acked_written) ++r.lost_written;
    if (acked_flushed) {
      ++r.lost_flushed;
      note(r.problems, "lost-write: acks=all" + at);
    }
    if (was_observed) {
      ++r.fetched_then_vanished;
      note(r.problems, "fetched-then-vanished:" + at);
    }
  }
  return r;
}

std::vector<std::byte> read_all(const log::partition_log& log) {
  auto r = log.read(log.log_start_offset(), std::numeric_limits<uint64_t>::max());
  if (!r) return {};
  return read_slices(r->slices);
}

}  // namespace sluice::test
