#include "broker/topic_table.h"

#include <algorithm>

#include "log/file_names.h"
#include "protocol/uuid.h"

namespace sluice::broker {

bool is_valid_topic_name(std::string_view topic) {
  return log::file_names::is_valid_topic_name(topic);
}

topic_table::topic_table(log::log_manager& logs)
    : topic_table(logs, std::make_shared<topic_config_store>()) {}

topic_table::topic_table(log::log_manager& logs, std::shared_ptr<topic_config_store> configs)
    : logs_(logs), configs_(std::move(configs)) {
  // A CreateTopics a crash interrupted (its id file still says creating) is
  // undone, so that no client ever sees part of the topic. Best effort: a
  // partition that cannot be removed now (an offline dir) keeps the id file,
  // and the next start tries again.
  std::vector<std::string> unfinished;
  for (const auto& [t, id] : configs_->topic_ids()) {
    if (configs_->creating(t)) unfinished.push_back(t);
  }
  for (const auto& t : unfinished) {
    bool removed = true;
    for (const auto& tp : logs_.partitions()) {
      if (tp.topic == t && logs_.remove(tp)) removed = false;
    }
    if (removed) (void)configs_->erase_id(t);
  }
  for (const auto& tp : logs_.partitions()) {
    if (!configs_->creating(tp.topic)) attach(tp, logs_.get(tp));
  }
  for (const auto& t : configs_->topics()) {
    if (topics_.find(t) == topics_.end()) (void)configs_->erase(t);
  }
  // Ids of topics without partitions: a crash between creating the id and the
  // first partition, or between deleting the last partition and the id.
  std::vector<std::string> stale;
  for (const auto& [t, id] : configs_->topic_ids()) {
    if (configs_->creating(t)) continue;  // kept for the next start's undo
    if (topics_.find(t) == topics_.end()) {
      stale.push_back(t);
    } else {
      index_id(t, id);
    }
  }
  for (const auto& t : stale) (void)configs_->erase_id(t);
  for (const auto& [t, ids] : topics_) {
    // A failure leaves the topic without an id for this run only; the next
    // start tries again. Requests by id then cannot reach it.
    if (ids_.find(t) == ids_.end()) (void)assign_id(t);
  }
}

std::error_code topic_table::assign_id(const std::string& topic, bool creating) {
  protocol::uuid id = protocol::random_uuid();
  while (names_by_id_.count(id.bytes) != 0) id = protocol::random_uuid();
  if (auto ec = configs_->put_id(topic, id, creating)) return ec;
  index_id(topic, id);
  return {};
}

void topic_table::index_id(const std::string& topic, const protocol::uuid& id) {
  ids_[topic] = id;
  names_by_id_[id.bytes] = topic;
}

const protocol::uuid* topic_table::topic_id(std::string_view topic) const {
  auto it = ids_.find(topic);
  return it == ids_.end() ? nullptr : &it->second;
}

const std::string* topic_table::topic_name(const protocol::uuid& id) const {
  auto it = names_by_id_.find(id.bytes);
  return it == names_by_id_.end() ? nullptr : &it->second;
}

void topic_table::attach(const log::topic_partition& tp, log::partition_log* p) {
  auto& ids = topics_[tp.topic];
  ids.insert(std::upper_bound(ids.begin(), ids.end(), tp.partition), tp.partition);
  p->set_high_watermark_listener([this, p](log::offset) { notify(p); });
}

log::partition_log* topic_table::get(std::string_view topic, int32_t partition) const {
  if (topics_.find(topic) == topics_.end()) return nullptr;
  return logs_.get({std::string(topic), partition});
}

std::optional<std::vector<int32_t>> topic_table::partitions(std::string_view topic) const {
  auto it = topics_.find(topic);
  if (it == topics_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> topic_table::topic_names() const {
  std::vector<std::string> out;
  out.reserve(topics_.size());
  for (const auto& [name, ids] : topics_) out.push_back(name);
  return out;
}

std::error_code topic_table::create_topic(const std::string& topic, int32_t count) {
  if (auto ec = begin_create(topic, count)) return ec;
  auto done = create_some(topic, std::chrono::steady_clock::time_point::max());
  return done ? std::error_code{} : done.error();
}

std::error_code topic_table::begin_create(const std::string& topic, int32_t count) {
  if (!is_valid_topic_name(topic) || count < 1) return log::errc::invalid_argument;
  if (topics_.find(topic) != topics_.end() || being_created(topic)) {
    return log::errc::already_exists;
  }
  // The id first, marked creating: a crash before the create finishes
  // leaves a topic that is removed at start (topic_config_store.h).
  if (auto ec = assign_id(topic, /*creating=*/true)) return ec;
  creating_[topic] = creation{count, 0};
  return {};
}

log::result<bool> topic_table::create_some(const std::string& topic,
                                           std::chrono::steady_clock::time_point until) {
  auto it = creating_.find(topic);
  if (it == creating_.end()) return log::errc::not_found;
  creation& c = it->second;
  // The log dirs' entries are synced once per slice, not once per partition.
  const int32_t first = c.made;
  while (c.made < c.count) {
    auto p = logs_.create({topic, c.made}, /*sync_parent=*/false);
    if (!p) {
      const std::error_code ec = p.error();
      undo_create(topic, c.made);
      return ec;
    }
    ++c.made;
    if (c.made < c.count && std::chrono::steady_clock::now() >= until) break;
  }
  if (c.made > first) {
    if (auto ec = logs_.sync_log_dirs()) {
      undo_create(topic, c.made);
      return ec;
    }
  }
  if (c.made < c.count) return false;
  // Finished on disk before any client can see the topic.
  if (auto ec = configs_->put_id(topic, ids_.at(topic))) {
    undo_create(topic, c.made);
    return ec;
  }
  const int32_t count = c.count;
  creating_.erase(it);
  for (int32_t i = 0; i < count; ++i) {
    log::topic_partition tp{topic, i};
    attach(tp, logs_.get(tp));
  }
  return true;
}

void topic_table::abandon_create(const std::string& topic) {
  auto it = creating_.find(topic);
  if (it != creating_.end()) undo_create(topic, it->second.made);
}

void topic_table::undo_create(const std::string& topic, int32_t made) {
  // Best effort: what cannot be removed now (the dir went offline) is found
  // at the next start as a topic with fewer partitions, as before.
  for (int32_t i = 0; i < made; ++i) (void)logs_.remove({topic, i});
  creating_.erase(topic);
  (void)forget_id(topic);
}

std::error_code topic_table::forget_id(const std::string& topic) {
  if (auto id = ids_.find(topic); id != ids_.end()) {
    names_by_id_.erase(id->second.bytes);
    ids_.erase(id);
  }
  return configs_->erase_id(topic);  // a file left by a failure here is dropped at start
}

std::error_code topic_table::add_partitions(const std::string& topic, int32_t count) {
  auto it = topics_.find(topic);
  if (it == topics_.end()) return log::errc::not_found;
  const int32_t have = static_cast<int32_t>(it->second.size());
  if (count <= have) return log::errc::invalid_argument;
  for (int32_t i = have; i < count; ++i) {
    log::topic_partition tp{topic, i};
    auto p = logs_.create(tp);
    if (!p) return p.error();  // the partitions made so far stay: they are usable
    attach(tp, *p);
  }
  return {};
}

std::error_code topic_table::delete_topic(const std::string& topic) {
  auto it = topics_.find(topic);
  if (it == topics_.end()) return log::errc::not_found;
  std::vector<int32_t> ids = std::move(it->second);
  // Gone from the table first, so that woken Fetches see an unknown topic.
  topics_.erase(it);
  std::error_code first;
  for (int32_t id : ids) {
    log::topic_partition tp{topic, id};
    log::partition_log* p = logs_.get(tp);
    if (p == nullptr) continue;
    notify(p);
    // Whatever still watches would otherwise fire for a later partition that
    // happens to reuse this address.
    watchers_.erase(p);
    p->set_high_watermark_listener(nullptr);
    if (auto ec = logs_.remove(tp); ec && !first) first = ec;
  }
  // Overrides and id last: a crash before this leaves stale files, dropped
  // at start.
  if (auto ec = configs_->erase(topic); ec && !first) first = ec;
  if (auto ec = forget_id(topic); ec && !first) first = ec;
  return first;
}

uint64_t topic_table::watch(log::partition_log* p, std::function<void()> on_change) {
  uint64_t id = next_watch_id_++;
  watchers_[p].emplace(id, std::move(on_change));
  return id;
}

void topic_table::unwatch(log::partition_log* p, uint64_t id) {
  auto it = watchers_.find(p);
  if (it == watchers_.end()) return;
  it->second.erase(id);
  if (it->second.empty()) watchers_.erase(it);
}

void topic_table::notify(log::partition_log* p) {
  auto it = watchers_.find(p);
  if (it == watchers_.end()) return;
  // A watcher usually unwatches (its Fetch completes) from inside the call:
  // iterate over a copy of the ids.
  std::vector<uint64_t> ids;
  for (const auto& [id, fn] : it->second) ids.push_back(id);
  for (uint64_t id : ids) {
    auto w = watchers_.find(p);
    if (w == watchers_.end()) return;
    auto f = w->second.find(id);
    if (f == w->second.end()) continue;
    auto fn = f->second;  // a copy: the call may unwatch and destroy the original
    fn();
  }
}

}  // namespace sluice::broker
