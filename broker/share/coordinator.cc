#include "broker/share/coordinator.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "broker/config.h"
#include "broker/group_config_store.h"
#include "broker/metrics.h"
#include "broker/share/dead_letters.h"
#include "broker/share/requests.h"
#include "broker/timestamp_lookup.h"
#include "broker/topic_table.h"
#include "log/errors.h"

namespace sluice::broker::share {

share_settings settings_from(const broker_config& cfg) {
  share_settings s;
  s.partition.lock_duration_ms = cfg.group_share_record_lock_duration_ms;
  s.partition.delivery_count_limit = static_cast<int16_t>(cfg.group_share_delivery_count_limit);
  s.partition.max_in_flight = cfg.group_share_partition_max_record_locks;
  s.partition.release_delay_ms = cfg.share_release_delay_ms;
  s.partition.read_committed = cfg.share_isolation_read_committed;
  s.session_timeout_ms = cfg.group_share_session_timeout_ms;
  s.heartbeat_interval_ms = cfg.group_share_heartbeat_interval_ms;
  s.auto_offset_reset = group_config_defaults(cfg).share_auto_offset_reset;
  s.member_max_acquired_records = cfg.share_member_max_acquired_records;
  s.dlq_topic_suffix = cfg.share_dlq_topic_suffix;
  return s;
}

coordinator::coordinator(shard_services& shard, share_settings settings)
    : shard_(shard), settings_(std::move(settings)), log_(shard, state_topic) {
  shard_.metrics().add_source(metrics_owner_, [this](std::string& out) {
    render_share_metrics(*this, counters_, shard_.clock().wall_clock_ms(), out);
  });
}

std::error_code coordinator::load() {
  // The last snapshot of each partition wins; a tombstone removes it.
  std::map<std::tuple<std::string, std::string, int32_t>, partition_snapshot> last;
  size_t records = 0;
  const auto ec = log_.replay([&](const batch_record& r) {
    if (auto s = decode_state_record(r)) {
      if (s->tombstone) {
        last.erase({s->group, s->topic, s->partition});
      } else {
        last[{s->group, s->topic, s->partition}] = s->snapshot;
      }
      ++records;
    }
    return true;  // a record this version cannot read is skipped
  });
  if (ec) return ec;
  for (const auto& [key, snap] : last) {
    const auto& [group, topic, partition] = key;
    get_or_create(group).add_partition({topic, partition},
                                       share_partition(settings_.partition, snap));
  }
  spdlog::info("event=share_state_loaded records={} partitions={} groups={}", records, last.size(),
               groups_.size());
  return {};
}

share_group& coordinator::get_or_create(const std::string& group_id) {
  auto it = groups_.find(group_id);
  if (it == groups_.end()) {
    it = groups_.emplace(group_id, std::make_unique<share_group>(group_id)).first;
  }
  return *it->second;
}

share_group* coordinator::find(std::string_view group_id) {
  auto it = groups_.find(group_id);
  return it == groups_.end() ? nullptr : it->second.get();
}

share_settings coordinator::settings_for(std::string_view group_id) {
  const group_config_store* store = group_configs_of(shard_);
  if (store == nullptr || store->overrides(group_id).empty()) return settings_;
  group_config base;
  base.share_session_timeout_ms = settings_.session_timeout_ms;
  base.share_heartbeat_interval_ms = settings_.heartbeat_interval_ms;
  base.share_record_lock_duration_ms = static_cast<int32_t>(settings_.partition.lock_duration_ms);
  base.share_delivery_count_limit = settings_.partition.delivery_count_limit;
  base.share_auto_offset_reset = settings_.auto_offset_reset;
  base.share_read_committed = settings_.partition.read_committed;
  const group_config g = apply_group_overrides(base, store->overrides(group_id));
  share_settings s = settings_;
  s.session_timeout_ms = g.share_session_timeout_ms;
  s.heartbeat_interval_ms = g.share_heartbeat_interval_ms;
  s.partition.lock_duration_ms = g.share_record_lock_duration_ms;
  s.partition.delivery_count_limit = static_cast<int16_t>(g.share_delivery_count_limit);
  s.partition.read_committed = g.share_read_committed;
  s.auto_offset_reset = g.share_auto_offset_reset;
  return s;
}

namespace {

// Where a new share-partition starts under `reset` (coordinator::partition).
int64_t initial_offset(const log::partition_log& log, const share_offset_reset& reset,
                       int64_t now_ms) {
  using strategy = share_offset_reset::strategy;
  if (reset.kind == strategy::earliest) return log.log_start_offset().value;
  if (reset.kind == strategy::by_duration) {
    const timestamp_lookup found = find_offset_by_timestamp(log, now_ms - reset.duration_ms);
    if (found.error == protocol::error_code::none && found.found) return found.found->offset;
    if (found.error != protocol::error_code::none) {
      spdlog::warn("event=share_offset_reset_lookup_failed error={} fallback=latest",
                   static_cast<int>(found.error));
    }
  }
  return log.high_watermark().value;
}

}  // namespace

share_partition* coordinator::partition(share_group& g, const topic_partition& tp) {
  const log::partition_log* log = shard_.topics().get(tp.first, tp.second);
  if (log == nullptr || is_state_topic(tp.first)) return nullptr;
  const share_settings s = settings_for(g.id());
  share_partition* p = g.find_partition(tp);
  if (p == nullptr) {
    const int64_t start = initial_offset(*log, s.auto_offset_reset, shard_.clock().wall_clock_ms());
    p = &g.add_partition(tp, share_partition(s.partition, start));
  } else {
    p->set_settings(s.partition);
  }
  p->advance_log_start(log->log_start_offset().value);
  return p;
}

partitions_fn coordinator::partitions_of() {
  return [this](const std::string& topic) -> std::optional<std::vector<int32_t>> {
    if (is_state_topic(topic)) return std::nullopt;
    return shard_.topics().partitions(topic);
  };
}

void coordinator::expire_members(share_group& g, int64_t now_ms) {
  g.expire_members(now_ms, settings_for(g.id()).session_timeout_ms, partitions_of());
}

void coordinator::start_sweeping(std::chrono::milliseconds every) {
  sweep_timer_ = shard_.start_timer(every, [this, every] {
    sweep(shard_.clock().wall_clock_ms());
    if (!closed_) start_sweeping(every);
  });
}

void coordinator::sweep(int64_t now_ms) {
  for (auto& [id, g] : groups_) {
    expire_members(*g, now_ms);
    bool unwritten = false;
    bool released = false;
    for (auto& [tp, p] : g->partitions()) {
      released = p.expire_locks(now_ms) || released;
      unwritten = unwritten || p.has_unwritten();
    }
    if (released) g->changed();
    if (!unwritten) continue;
    persist(*g, {}, [group = id](std::error_code ec) {
      if (ec) {
        spdlog::warn("event=share_state_write_failed group={} error=\"{}\"", group, ec.message());
      }
    });
  }
}

void coordinator::connection_closed(uint64_t connection_id) {
  if (closed_) return;  // shutting down: the state as last written stands
  const int64_t now = shard_.clock().wall_clock_ms();
  for (auto& [id, g] : groups_) {
    std::vector<std::string> closing;
    for (const auto& [member, session] : g->sessions()) {
      if (session.connection_id == connection_id) closing.push_back(member);
    }
    if (closing.empty()) continue;
    for (const auto& member : closing) {
      spdlog::debug("event=share_session_closed group={} member={} reason=connection_closed", id,
                    member);
      close_session(*g, member, now);
    }
    // Records that reached the delivery limit are archived (and
    // dead-lettered) by a write, now rather than at the next sweep.
    persist(*g, {}, [group = id](std::error_code ec) {
      if (ec) {
        spdlog::warn("event=share_state_write_failed group={} error=\"{}\"", group, ec.message());
      }
    });
  }
}

std::pair<protocol::error_code, std::string> coordinator::require_empty(const std::string& group_id,
                                                                        std::string_view change) {
  share_group* g = find(group_id);
  if (g == nullptr) return {protocol::error_code::none, ""};
  expire_members(*g, shard_.clock().wall_clock_ms());
  if (g->members().empty()) return {protocol::error_code::none, ""};
  return {protocol::error_code::non_empty_group,
          "Group " + group_id + " has " + std::to_string(g->members().size()) + " members; " +
              std::string(change) + " only when it is empty."};
}

void coordinator::delete_group(const std::string& group_id,
                               std::function<void(protocol::error_code)> done) {
  share_group* g = find(group_id);
  if (g == nullptr) return done(protocol::error_code::group_id_not_found);
  if (require_empty(group_id, "").first != protocol::error_code::none) {
    return done(protocol::error_code::non_empty_group);
  }
  std::vector<topic_partition> all;
  for (const auto& [tp, p] : g->partitions()) all.push_back(tp);
  forget(*g, all, [this, group_id, done = std::move(done)](std::error_code ec) {
    if (ec) {
      spdlog::warn("event=share_group_delete_failed group={} error=\"{}\"", group_id, ec.message());
      return done(protocol::error_code::kafka_storage_error);
    }
    // Only if nobody joined while the tombstones were written.
    if (share_group* still = find(group_id); still != nullptr && still->members().empty()) {
      groups_.erase(groups_.find(group_id));
    }
    spdlog::info("event=share_group_deleted group={}", group_id);
    done(protocol::error_code::none);
  });
}

void coordinator::persist(share_group& g, const std::vector<topic_partition>& touched,
                          std::function<void(std::error_code)> done) {
  // The partitions to write: those the caller changed, and any with a
  // pending change no write carries yet (a lock that expired at the delivery
  // limit, a member that left).
  std::vector<topic_partition> written;
  for (const auto& tp : touched) {
    if (g.find_partition(tp) != nullptr) written.push_back(tp);
  }
  for (const auto& [tp, p] : g.partitions()) {
    if (p.has_unwritten() && std::ranges::find(written, tp) == written.end()) {
      written.push_back(tp);
    }
  }
  if (written.empty()) return done({});
  const uint64_t write_id = ++last_write_id_;
  std::vector<state_record> records;
  struct letters {
    topic_partition tp;
    std::vector<dead_letter> list;
  };
  auto pending = std::make_shared<std::vector<letters>>();
  for (const auto& tp : written) {
    share_partition* p = g.find_partition(tp);
    p->claim_pending(write_id);
    records.push_back({g.id(), tp.first, tp.second, p->snapshot()});
    auto dead = p->take_dead_letters();
    for (const dead_letter& d : dead) {
      ++(d.reason == archive_reason::rejected ? counters_.archived_rejected
                                              : counters_.archived_delivery_limit);
    }
    if (!dead.empty() && !settings_.dlq_topic_suffix.empty()) {
      pending->push_back({tp, std::move(dead)});
    }
  }
  // Once the write is over, its pending changes apply (durable) or are
  // dropped (failed); only then is the caller told.
  auto finish = [this, group = g.id(), written, write_id,
                 done = std::move(done)](std::error_code ec) {
    if (share_group* still = find(group)) {
      for (const auto& tp : written) {
        if (share_partition* p = still->find_partition(tp)) p->complete_write(write_id, !ec);
      }
      still->changed();  // acknowledged or released records may let a waiting fetch acquire
    }
    done(ec);
  };
  // Dead letters first: once the state says "archived", the copy must exist.
  auto write_state = [this, records = std::move(records),
                      finish = std::move(finish)](std::error_code ec) mutable {
    if (ec) return finish(ec);
    append_state(std::move(records), std::move(finish));
  };
  if (pending->empty()) return write_state({});
  auto remaining = std::make_shared<size_t>(pending->size());
  auto first_error = std::make_shared<std::error_code>();
  auto join = std::make_shared<decltype(write_state)>(std::move(write_state));
  const std::string dlq = g.id() + settings_.dlq_topic_suffix;
  for (const letters& l : *pending) {
    write_dead_letters(shard_, dlq, g.id(), l.tp.first, l.tp.second, l.list,
                       [this, n = l.list.size(), remaining, first_error, join](std::error_code ec) {
                         if (!ec) counters_.dead_lettered += n;
                         if (ec) {
                           spdlog::warn("event=share_dead_letter_failed error=\"{}\"",
                                        ec.message());
                         }
                         if (ec && !*first_error) *first_error = ec;
                         if (--*remaining == 0) (*join)(*first_error);
                       });
  }
}

void coordinator::reset(share_group& g,
                        std::vector<std::pair<topic_partition, share_partition>> fresh,
                        std::function<void(std::error_code)> done) {
  if (fresh.empty()) return done({});
  std::vector<state_record> records;
  for (const auto& [tp, p] : fresh) records.push_back({g.id(), tp.first, tp.second, p.snapshot()});
  append_state(std::move(records), [this, group = g.id(), fresh = std::move(fresh),
                                    done = std::move(done)](std::error_code ec) mutable {
    if (!ec) {
      share_group& still = get_or_create(group);
      for (auto& [tp, p] : fresh) still.add_partition(tp, std::move(p));
      still.changed();
    }
    done(ec);
  });
}

void coordinator::append_state(std::vector<state_record> records,
                               std::function<void(std::error_code)> done) {
  std::vector<batch_record> batch;
  const int64_t now = shard_.clock().wall_clock_ms();
  for (const auto& r : records) batch.push_back(encode_state_record(r, now));
  log_.append(std::move(batch), [this, done = std::move(done)](std::error_code ec) {
    done(ec);
    if (!ec) maybe_compact();
  });
}

void coordinator::forget(share_group& g, const std::vector<topic_partition>& tps,
                         std::function<void(std::error_code)> done) {
  std::vector<state_record> records;
  for (const auto& tp : tps) {
    if (g.find_partition(tp) == nullptr) continue;
    state_record r;
    r.group = g.id();
    r.topic = tp.first;
    r.partition = tp.second;
    r.tombstone = true;
    records.push_back(std::move(r));
  }
  if (records.empty()) return done({});
  // The state goes from memory only once its tombstones are durable.
  append_state(std::move(records),
               [this, group = g.id(), tps, done = std::move(done)](std::error_code ec) {
                 if (share_group* still = find(group); still != nullptr && !ec) {
                   for (const auto& tp : tps) still->partitions().erase(tp);
                   still->changed();
                 }
                 done(ec);
               });
}

}  // namespace sluice::broker::share
