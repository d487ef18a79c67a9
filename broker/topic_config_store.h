#pragma once
// The per-topic configuration overrides, in memory and on disk: one small
// text file per topic that has any, in `<first log dir>/__sluice_topics/`.
// The directory name cannot be mistaken for a partition directory (those end
// in -<digits>), so log_manager ignores it.
//
// File: `<topic>.properties` (topic names are [a-zA-Z0-9._-], safe as file
// names), UTF-8 text, one override per line, keys in sorted order:
//
//   # sluice topic config overrides v1
//   retention.ms=60000
//   segment.bytes=1048576
//
// Lines are `key=value` (split at the first '='); blank lines and lines
// starting with '#' are ignored. No checksum: the file is small and written
// whole. Writing: `<topic>.properties.tmp` is created (or truncated), written,
// fdatasynced, renamed over the file, and the directory is fsynced, so a crash
// leaves the old file or the new one; a leftover .tmp is removed at load. A
// topic whose overrides become empty has its file removed (then the dir is
// synced). Nothing is rebuilt after a crash: the file is the only copy.
// See docs/broker.md ("Topic configuration").
//
// Topic ids live beside the overrides, one file per topic, `<topic>.id`,
// written once when the topic is created (before its first partition) and
// removed when it is deleted (after its last partition):
//
//   # sluice topic id v1
//   topic.id=<22 characters: the uuid in base64url, as Kafka prints it>
//   checksum=<16 hex digits: XXH3_64bits (seed 0) of the 16 id bytes>
//   creating=true        (only while the topic's partitions are being made)
//
// The `creating` line makes a CreateTopics all or nothing across a crash:
// the file is written with it before the first partition and rewritten
// without it once the last partition exists and before any client can see
// the topic; a topic whose file still says creating at start is removed
// (topic_table). A file without the line (every file written before it
// existed) is a finished topic.
//
// Same write protocol as the overrides (.tmp, fdatasync, rename, dir fsync).
// A file whose checksum or id does not parse is reported and ignored; the
// topic table then gives the topic a new id (clients that cached the old one
// get UNKNOWN_TOPIC_ID and refresh their metadata, as after a re-creation).
//
// Ownership: owned by the topic_table (or the shard); borrows the io_backend.
// Thread: the shard's.

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "broker/topic_configs.h"
#include "log/errors.h"
#include "protocol/types.h"

namespace sluice::log::io {
class io_backend;
}

namespace sluice::broker {

inline constexpr std::string_view topic_config_dir_name = "__sluice_topics";

class topic_config_store {
 public:
  // Memory only: nothing is persisted (unit tests).
  topic_config_store() = default;
  // Creates `log_dir`/__sluice_topics if missing and loads every
  // <topic>.properties in it. Unreadable lines, files or values are reported
  // in `warnings` and skipped, not fatal.
  static log::result<std::shared_ptr<topic_config_store>> open(log::io::io_backend& io,
                                                               const std::string& log_dir,
                                                               std::vector<std::string>& warnings);
  topic_config_store(const topic_config_store&) = delete;
  topic_config_store& operator=(const topic_config_store&) = delete;

  // The topic's overrides; empty when it has none.
  const topic_overrides& get(std::string_view topic) const;
  // Replaces the topic's overrides (file first, then memory: on error nothing changed).
  std::error_code put(const std::string& topic, const topic_overrides& o);
  std::error_code erase(const std::string& topic);
  std::vector<std::string> topics() const;

  // Topic ids as loaded or stored; the topic table is their owner and keeps
  // them in step with the topics that exist.
  const std::map<std::string, protocol::uuid, std::less<>>& topic_ids() const { return ids_; }
  // Persists the id (file first, then memory: on error nothing changed);
  // `creating`: the topic's creation has not finished (see above).
  std::error_code put_id(const std::string& topic, const protocol::uuid& id, bool creating = false);
  // The topic's id file says its creation did not finish.
  bool creating(std::string_view topic) const { return creating_.count(topic) != 0; }
  std::error_code erase_id(const std::string& topic);

  // The id file's text, and its parse (nullopt: corrupt), for tests and load.
  static std::string render_id(const protocol::uuid& id, bool creating = false);
  static std::optional<protocol::uuid> parse_id(std::string_view text);

  // The file's text for `o`, and the parse of such text (for tests and load).
  static std::string render(const topic_overrides& o);
  static topic_overrides parse(std::string_view text, std::vector<std::string>& bad_lines);

 private:
  topic_config_store(log::io::io_backend& io, std::string dir) : io_(&io), dir_(std::move(dir)) {}
  std::string path(std::string_view topic) const;
  std::string id_path(std::string_view topic) const;
  // Replaces `file` with `text` durably: tmp, fdatasync, rename, dir fsync.
  std::error_code write_durably(const std::string& file, const std::string& text);
  std::error_code remove_durably(const std::string& file);

  log::io::io_backend* io_ = nullptr;  // null: memory only
  std::string dir_;
  std::map<std::string, topic_overrides, std::less<>> topics_;
  std::map<std::string, protocol::uuid, std::less<>> ids_;
  std::set<std::string, std::less<>> creating_;
};

}  // namespace sluice::broker
