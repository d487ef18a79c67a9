#include "broker/internal_log.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>

#include "broker/internal_topics.h"
#include "broker/topic_configs.h"
#include "broker/topic_table.h"
#include "log/errors.h"
#include "log/log_reader.h"

namespace sluice::broker {

internal_log::internal_log(shard_services& shard, std::string topic)
    : shard_(shard), topic_(std::move(topic)) {}

log::partition_log* internal_log::partition() const { return shard_.topics().get(topic_, 0); }

int64_t internal_log::held_records() const {
  const log::partition_log* p = partition();
  return p == nullptr ? 0 : p->high_watermark().value - p->log_start_offset().value;
}

void internal_log::keep_shape() {
  // A topic created by an older broker, or a config file edited by hand, gets
  // the fixed overrides back before anything of it is read or retained.
  const topic_overrides want = internal_topic_overrides();
  if (shard_.topics().configs().get(topic_) == want) return;
  if (auto ec = shard_.topics().configs().put(topic_, want)) {
    spdlog::warn("event=internal_topic_shape_failed topic={} error=\"{}\"", topic_, ec.message());
    return;
  }
  apply_topic_config(shard_.topics(), shard_.config(), topic_);
  spdlog::info("event=internal_topic_shape_restored topic={}", topic_);
}

std::error_code internal_log::replay(const std::function<bool(const batch_record&)>& apply) {
  const log::partition_log* p = partition();
  if (p == nullptr) return {};
  keep_shape();
  log::log_reader reader(*p, p->log_start_offset());
  std::span<const std::byte> batch;
  while (reader.next(batch)) {
    bool records_ok = true;
    const bool batch_ok = decode_batch(batch, [&](batch_record&& r) {
      if (records_ok && !apply(r)) records_ok = false;
    });
    if (!batch_ok || !records_ok) {
      spdlog::error("event=internal_log_replay_stopped topic={} offset={} reason={}", topic_,
                    reader.next_offset().value,
                    batch_ok ? "unreadable_record" : "unreadable_batch");
      return std::make_error_code(std::errc::illegal_byte_sequence);
    }
  }
  if (auto ec = reader.error()) {
    spdlog::error("event=internal_log_replay_stopped topic={} offset={} error=\"{}\"", topic_,
                  reader.next_offset().value, ec.message());
    return ec;
  }
  return {};
}

void internal_log::append(std::vector<batch_record> records,
                          std::function<void(std::error_code)> done) {
  if (closed_) return done(log::errc::not_found);
  log::partition_log* p = partition();
  if (p == nullptr) {
    if (!shard_.topics().partitions(topic_)) {
      // The fixed shape (broker/internal_topics.h): overrides stored first,
      // so the partition opens with them, as CreateTopics does.
      if (auto ec = shard_.topics().configs().put(topic_, internal_topic_overrides())) {
        return done(ec);
      }
      if (auto ec = shard_.topics().create_topic(topic_, internal_topic_partitions)) {
        return done(ec);
      }
      apply_topic_config(shard_.topics(), shard_.config(), topic_);
      spdlog::info("event=internal_topic_created topic={}", topic_);
    }
    p = partition();
    if (p == nullptr) return done(log::errc::not_found);
  }
  // The log patches the bytes in place and needs them until the callback.
  auto bytes = std::make_shared<broker::bytes>(encode_batch(records));
  ++appends_in_flight_;
  auto r = p->append(*bytes, log::ack_level::flushed,
                     [this, alive = std::weak_ptr<int>(alive_), bytes, done](std::error_code ec) {
                       if (alive.expired()) return;
                       --appends_in_flight_;
                       done(ec);
                     });
  if (!r) {
    --appends_in_flight_;
    return done(r.error());
  }
  shard_.request_flush();
}

void internal_log::maybe_compact(size_t live, int64_t min_records,
                                 const std::function<std::vector<batch_record>()>& snapshot) {
  if (compacting_ || closed_ || appends_in_flight_ != 0) return;
  log::partition_log* p = partition();
  if (p == nullptr) return;
  const int64_t held = held_records();
  if (held <= min_records || held <= 2 * static_cast<int64_t>(live)) return;
  std::vector<batch_record> records = snapshot();
  // Appends are assigned offsets synchronously: the snapshot starts here.
  const log::offset start = p->log_end_offset();
  spdlog::info("event=internal_log_snapshot_started topic={} records={} replaces={} at={}", topic_,
               records.size(), held, start.value);
  if (records.empty()) {
    // Nothing is live: every record so far is redundant.
    if (auto ec = p->delete_records_before(p->high_watermark())) {
      spdlog::warn("event=internal_log_snapshot_failed topic={} error=\"{}\"", topic_,
                   ec.message());
    }
    return;
  }
  compacting_ = true;
  append(std::move(records), [this, start](std::error_code ec) {
    compacting_ = false;
    log::partition_log* p = partition();
    if (!ec && p != nullptr) ec = p->delete_records_before(start);
    if (ec) {
      spdlog::warn("event=internal_log_snapshot_failed topic={} error=\"{}\"", topic_,
                   ec.message());
      return;
    }
    spdlog::info("event=internal_log_snapshot_done topic={} log_start_offset={}", topic_,
                 start.value);
  });
}

}  // namespace sluice::broker
