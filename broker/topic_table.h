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
// Ownership: borrows the log_manager (owned by the shard). Thread: the shard's.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "log/log_manager.h"

namespace sluice::broker {

class topic_table {
 public:
  explicit topic_table(log::log_manager& logs);
  topic_table(const topic_table&) = delete;
  topic_table& operator=(const topic_table&) = delete;

  // nullptr when the partition does not exist.
  log::partition_log* get(std::string_view topic, int32_t partition) const;
  // The partition ids of a topic, ascending; nullopt for an unknown topic.
  std::optional<std::vector<int32_t>> partitions(std::string_view topic) const;
  std::vector<std::string> topic_names() const;

  // Creates partitions 0..count-1 of a new topic. log::errc::invalid_argument
  // for an illegal name, already_exists if the topic exists.
  std::error_code create_topic(const std::string& topic, int32_t count);

  // Calls `on_change` whenever the partition's high watermark moves up, until
  // unwatch(id). Callbacks run on the shard thread from io_backend::poll().
  uint64_t watch(log::partition_log* p, std::function<void()> on_change);
  void unwatch(log::partition_log* p, uint64_t id);

  log::log_manager& logs() { return logs_; }

 private:
  void attach(const log::topic_partition& tp, log::partition_log* p);
  void notify(log::partition_log* p);

  log::log_manager& logs_;
  std::map<std::string, std::vector<int32_t>, std::less<>> topics_;
  std::map<log::partition_log*, std::map<uint64_t, std::function<void()>>> watchers_;
  uint64_t next_watch_id_ = 1;
};

// Kafka's rule: 1-249 characters of [a-zA-Z0-9._-], not "." or "..".
bool is_valid_topic_name(std::string_view topic);

}  // namespace sluice::broker
