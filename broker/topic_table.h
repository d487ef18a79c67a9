#pragma once
// The broker's view of its topics, on top of log_manager: which topics exist
// and which partitions each has (the partition directories present: there is
// no separate topic metadata store), auto-creation, and the high-watermark
// watchers that wake Fetch long-polls.
//
// partition_log has one high-watermark listener slot; the table takes it for
// every partition and fans the notification out to any number of watchers
// (one per waiting Fetch), so a Fetch waits for appends, not for a timer.
//
// Per-topic configuration overrides live in a topic_config_store: the shard
// loads it before log_manager opens the partitions (so their log_config
// includes the overrides) and hands it to the table; DeleteTopics removes a
// topic's overrides with its partitions.
//
// Topic identity is the table's: every topic has a random uuid (Kafka's topic
// id), drawn when the topic is created and persisted (through the
// topic_config_store) before its first partition exists, so a crash can
// never leave a topic without its id. A topic deleted and created again under
// the same name gets a new id, as in Kafka. Topics found on disk without an
// id (data written before ids existed) get one at start.
//
// Ownership: borrows the log_manager (owned by the shard); owns the
// topic_config_store (shared with log_manager's config_for). Thread: the shard's.

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "broker/topic_config_store.h"
#include "log/log_manager.h"
#include "protocol/types.h"

namespace sluice::broker {

class topic_table {
 public:
  // Overrides kept in memory only (tests).
  explicit topic_table(log::log_manager& logs);
  // Overrides of topics that have no partition (a crash between deleting a
  // topic's partitions and its overrides) are dropped here.
  topic_table(log::log_manager& logs, std::shared_ptr<topic_config_store> configs);
  topic_table(const topic_table&) = delete;
  topic_table& operator=(const topic_table&) = delete;

  // nullptr when the partition does not exist.
  log::partition_log* get(std::string_view topic, int32_t partition) const;
  // The partition ids of a topic, ascending; nullopt for an unknown topic.
  std::optional<std::vector<int32_t>> partitions(std::string_view topic) const;
  std::vector<std::string> topic_names() const;
  size_t topic_count() const { return topics_.size(); }

  // The topic's id; nullptr for an unknown topic.
  const protocol::uuid* topic_id(std::string_view topic) const;
  // The topic's id, or the zero uuid (Kafka's "no id") for an unknown topic.
  protocol::uuid topic_id_or_zero(std::string_view topic) const {
    const protocol::uuid* id = topic_id(topic);
    return id != nullptr ? *id : protocol::uuid{};
  }
  // The name of the topic whose id is `id`; nullptr when no topic has it.
  const std::string* topic_name(const protocol::uuid& id) const;

  // Creates partitions 0..count-1 of a new topic. log::errc::invalid_argument
  // for an illegal name, already_exists if the topic exists or is being
  // created. All or nothing: a failure (a full disk) removes the partitions
  // made so far and the id, so no client ever sees part of the topic.
  std::error_code create_topic(const std::string& topic, int32_t count);

  // The same in slices, so that a topic of thousands of partitions does not
  // hold the event loop (CreateTopics): begin_create reserves the name (from
  // then on create_topic and begin_create of it answer already_exists, while
  // partitions() still answers nullopt) and persists the id; create_some
  // creates partitions in order until all exist or `until` passes, and
  // answers true once the topic is complete, which is when it appears in the
  // table. An error from create_some has undone everything, as has
  // abandon_create.
  std::error_code begin_create(const std::string& topic, int32_t count);
  log::result<bool> create_some(const std::string& topic,
                                std::chrono::steady_clock::time_point until);
  void abandon_create(const std::string& topic);
  bool being_created(std::string_view topic) const { return creating_.count(topic) != 0; }
  // Adds partitions up to `count` in total. invalid_argument unless count is
  // above the current count; not_found for an unknown topic.
  std::error_code add_partitions(const std::string& topic, int32_t count);
  // Deletes every partition and the stored overrides. Fetches waiting on one
  // of its partitions are woken first and find the topic gone (they answer
  // UNKNOWN_TOPIC_OR_PARTITION). not_found for an unknown topic.
  std::error_code delete_topic(const std::string& topic);

  // Calls `on_change` whenever the partition's high watermark moves up, until
  // unwatch(id). Callbacks run on the shard thread from io_backend::poll().
  uint64_t watch(log::partition_log* p, std::function<void()> on_change);
  void unwatch(log::partition_log* p, uint64_t id);

  log::log_manager& logs() { return logs_; }
  topic_config_store& configs() { return *configs_; }

 private:
  void attach(const log::topic_partition& tp, log::partition_log* p);
  // Draws and persists a new id for `topic` and indexes it.
  std::error_code assign_id(const std::string& topic, bool creating = false);
  void index_id(const std::string& topic, const protocol::uuid& id);
  // Drops the id from memory, then its file.
  std::error_code forget_id(const std::string& topic);
  void notify(log::partition_log* p);
  // Removes partitions [0, made) of a topic being created, and its id.
  void undo_create(const std::string& topic, int32_t made);

  struct creation {
    int32_t count = 0;
    int32_t made = 0;  // partitions 0..made-1 exist in the log_manager
  };

  log::log_manager& logs_;
  std::shared_ptr<topic_config_store> configs_;
  std::map<std::string, std::vector<int32_t>, std::less<>> topics_;
  std::map<std::string, creation, std::less<>> creating_;
  std::map<std::string, protocol::uuid, std::less<>> ids_;
  std::map<std::array<std::byte, 16>, std::string> names_by_id_;
  std::map<log::partition_log*, std::map<uint64_t, std::function<void()>>> watchers_;
  uint64_t next_watch_id_ = 1;
};

// Kafka's rule: 1-249 characters of [a-zA-Z0-9._-], not "." or "..".
bool is_valid_topic_name(std::string_view topic);

}  // namespace sluice::broker
