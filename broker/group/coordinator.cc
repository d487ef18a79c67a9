#include "broker/group/coordinator.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <set>

#include "broker/error_mapping.h"
#include "broker/metrics.h"
#include "broker/topic_table.h"
#include "log/errors.h"
#include "protocol/consumer_protocol.h"

namespace sluice::broker::group {

coordinator::coordinator(shard_services& shard, group_settings settings)
    : shard_(shard),
      settings_(settings),
      log_(shard, offsets_topic),
      modern_(std::make_unique<broker::consumer_group::service>(shard, *this)) {
  shard_.metrics().add_source(metrics_owner_, [this](std::string& out) { render_metrics(out); });
}

coordinator::~coordinator() { close(); }

void coordinator::close() {
  if (modern_) modern_->close();
  log_.close();
  retention_timer_.reset();
  groups_.clear();
}

std::error_code coordinator::load() {
  schedule_retention_check();
  size_t records = 0;
  const auto ec = log_.replay([&](const batch_record& b) {
    auto r = decode_record(b);
    if (!r) return false;
    replay(*r);
    ++records;
    return true;
  });
  loaded_records_ = records;
  if (ec) return ec;
  restore_groups();
  modern_->loaded(shard_.clock().wall_clock_ms());
  spdlog::info("event=offsets_loaded records={} groups={}", records, offsets_.size());
  return {};
}

void coordinator::replay(const offsets_record& r) {
  if (is_consumer_group_record(r.type)) {
    if (!modern_->replay(r)) {
      spdlog::warn("event=consumer_group_record_unreadable group={} type={}", r.group,
                   static_cast<int>(r.type));
    }
    return;
  }
  if (r.type == record_type::txn_offset_staged || r.type == record_type::txn_offsets_end) {
    return replay_txn(r);
  }
  if (r.type == record_type::group_metadata && r.metadata) {
    metadata_[r.group] = *r.metadata;
    return;
  }
  if (r.type == record_type::group_metadata) {  // tombstone: the group is gone
    offsets_.erase(r.group);
    metadata_.erase(r.group);
    staged_.erase(r.group);
    if (auto it = groups_.find(r.group);
        it != groups_.end() && it->second->state() == group_state::dead) {
      groups_.erase(it);
    }
    return;
  }
  auto key = std::make_pair(r.topic, r.partition);
  // A plain commit wins over what open transactions staged before it; a
  // tombstone deletes those too (Kafka's replay of an offset record).
  supersede_staged(r.group, key, !r.value);
  if (r.value) {
    offsets_[r.group][key] = *r.value;
    return;
  }
  if (auto it = offsets_.find(r.group); it != offsets_.end()) {
    it->second.erase(key);
    if (it->second.empty()) offsets_.erase(it);
  }
}

consumer_group& coordinator::get_or_create(const std::string& group_id) {
  auto it = groups_.find(group_id);
  if (it == groups_.end() || it->second->state() == group_state::dead) {
    auto g = std::make_unique<consumer_group>(
        group_id, settings_,
        [this](std::chrono::milliseconds d, std::function<void()> fn) {
          return shard_.start_timer(d, std::move(fn));
        },
        shard_.clock());
    g->set_persist([this, group_id](const group_metadata& m, consumer_group::persist_done done) {
      offsets_record r;
      r.type = record_type::group_metadata;
      r.group = group_id;
      r.metadata = m;
      append({std::move(r)}, [group_id, done = std::move(done)](std::error_code ec) {
        if (ec) {
          spdlog::warn("event=group_persist_failed group={} error=\"{}\"", group_id, ec.message());
        }
        if (done) done(ec);
      });
    });
    it = groups_.insert_or_assign(group_id, std::move(g)).first;
  }
  return *it->second;
}

bool coordinator::yield_to_consumer_group(const std::string& group_id) {
  auto it = groups_.find(group_id);
  if (it != groups_.end() && it->second->state() != group_state::empty &&
      it->second->state() != group_state::dead) {
    return false;
  }
  if (it != groups_.end()) groups_.erase(it);
  metadata_.erase(group_id);
  return true;
}

consumer_group* coordinator::find(std::string_view group_id) {
  auto it = groups_.find(group_id);
  return it == groups_.end() ? nullptr : it->second.get();
}

const group_metadata* coordinator::metadata(std::string_view group_id) const {
  auto it = metadata_.find(group_id);
  return it == metadata_.end() ? nullptr : &it->second;
}

void coordinator::restore_groups() {
  for (const auto& [id, m] : metadata_) {
    if (modern_->find(id) != nullptr) continue;  // the id went to a consumer-protocol group
    consumer_group& g = get_or_create(id);
    g.restore(m);
    spdlog::info("event=group_restored group={} state={} generation={} members={}", id,
                 state_name(g.state()), g.generation(), g.members().size());
  }
}

const coordinator::offsets_map* coordinator::offsets(std::string_view group_id) const {
  auto it = offsets_.find(group_id);
  return it == offsets_.end() ? nullptr : &it->second;
}

void coordinator::append(std::vector<offsets_record> records,
                         std::function<void(std::error_code)> done) {
  std::vector<batch_record> batch;
  batch.reserve(records.size());
  const int64_t now = shard_.clock().wall_clock_ms();
  for (const auto& r : records) batch.push_back(encode_record(r, now));
  log_.append(std::move(batch),
              [this, records = std::move(records), done = std::move(done)](std::error_code ec) {
                if (!ec) {
                  for (const auto& rec : records) replay(rec);
                }
                done(ec);
                if (!ec) maybe_compact();
              });
}

void coordinator::delete_group(const std::string& group_id,
                               std::function<void(std::error_code)> done) {
  offsets_record r;
  r.type = record_type::group_deleted;
  r.group = group_id;
  append({std::move(r)}, std::move(done));
}

void coordinator::delete_groups(const std::vector<std::string>& ids, errors_fn done) {
  using protocol::error_code;
  std::vector<error_code> errors;
  std::vector<offsets_record> records;
  for (const auto& id : ids) {
    error_code e = error_code::none;
    consumer_group* g = find(id);
    if (id.empty()) {
      e = error_code::invalid_group_id;
    } else if (g != nullptr && g->state() != group_state::dead) {
      e = g->remove();  // Empty -> Dead, else NON_EMPTY_GROUP
    } else if (offsets(id) == nullptr && !has_pending_txn_offsets(id)) {
      e = error_code::group_id_not_found;
    }
    errors.push_back(e);
    if (e != error_code::none) continue;
    offsets_record r;
    r.type = record_type::group_deleted;
    r.group = id;
    records.push_back(std::move(r));
  }
  if (records.empty()) return done(std::move(errors));
  append(std::move(records), [errors, done = std::move(done)](std::error_code ec) mutable {
    for (auto& e : errors) {
      if (ec && e == error_code::none) e = error_code::coordinator_not_available;
    }
    if (ec) spdlog::warn("event=delete_groups_failed error=\"{}\"", ec.message());
    done(std::move(errors));
  });
}

void coordinator::delete_offsets(
    const std::string& group_id, const partition_list& partitions,
    std::function<void(protocol::error_code, std::vector<protocol::error_code>)> done) {
  using protocol::error_code;
  std::vector<error_code> errors(partitions.size(), error_code::none);
  if (group_id.empty()) return done(error_code::invalid_group_id, std::move(errors));
  consumer_group* g = find(group_id);
  if (g != nullptr && g->state() == group_state::dead) g = nullptr;
  const offsets_map* committed = offsets(group_id);
  if (g == nullptr && committed == nullptr && !has_pending_txn_offsets(group_id)) {
    return done(error_code::group_id_not_found, std::move(errors));
  }
  const bool active = g != nullptr && g->state() != group_state::empty;
  if (active && g->protocol_type() != protocol::consumer_protocol_type) {
    return done(error_code::non_empty_group, std::move(errors));
  }
  std::vector<offsets_record> records;
  std::vector<size_t> written;  // indices into `partitions` that get a tombstone
  for (size_t i = 0; i < partitions.size(); ++i) {
    const auto& [topic, partition] = partitions[i];
    if (active && g->subscribes_to(topic)) {
      errors[i] = error_code::group_subscribed_to_topic;
      continue;
    }
    // A staged transactional offset is deleted too (Kafka's OffsetDelete).
    if ((committed == nullptr || !committed->contains({topic, partition})) &&
        !has_pending_txn_offsets(group_id, topic, partition)) {
      continue;
    }
    offsets_record r;
    r.group = group_id;
    r.topic = topic;
    r.partition = partition;
    records.push_back(std::move(r));  // null value: the offset is deleted
    written.push_back(i);
  }
  if (records.empty()) return done(error_code::none, std::move(errors));
  append(std::move(records), [errors = std::move(errors), written = std::move(written),
                              done = std::move(done)](std::error_code ec) mutable {
    if (ec) {
      spdlog::warn("event=offset_delete_failed error=\"{}\"", ec.message());
      for (size_t i : written) errors[i] = error_code::coordinator_not_available;
    }
    done(error_code::none, std::move(errors));
  });
}

void coordinator::delete_topic_offsets(const std::string& topic,
                                       std::function<void(std::error_code)> done) {
  // One tombstone per partition that has a committed or a staged offset.
  std::set<std::pair<std::string, int32_t>> gone;  // (group, partition)
  for (const auto& [group_id, committed] : offsets_) {
    for (const auto& [tp, offset] : committed) {
      if (tp.first == topic) gone.emplace(group_id, tp.second);
    }
  }
  for (const auto& [group_id, by_producer] : staged_) {
    for (const auto& [pid, m] : by_producer) {
      for (const auto& [tp, s] : m) {
        if (tp.first == topic) gone.emplace(group_id, tp.second);
      }
    }
  }
  std::vector<offsets_record> records;
  for (const auto& [group_id, partition] : gone) {
    offsets_record r;
    r.group = group_id;
    r.topic = topic;
    r.partition = partition;
    records.push_back(std::move(r));  // null value: the offset is deleted
  }
  if (records.empty()) return done({});
  append(std::move(records), std::move(done));
}

}  // namespace sluice::broker::group
