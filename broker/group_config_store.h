#pragma once
// The per-group configuration overrides (broker/group_configs.h), in memory
// and in one file: `<first log dir>/__sluice_groups/group-configs`. The
// directory name cannot be mistaken for a partition directory (those end in
// -<digits>), so log_manager ignores it.
//
// One file for every group, not one per group: group ids may hold any
// character (a '/', "..", bytes a file system refuses), groups with
// overrides are few, and one file is replaced by one rename. UTF-8 text:
//
//   # sluice group configs v1
//   <group> <key>=<value>            one line per override, sorted
//   ...
//   checksum=<16 hex digits>         XXH3_64bits (seed 0) of every byte before this line
//
// <group> is percent-encoded: every byte outside [A-Za-z0-9._-] is %XX
// (upper-case hex), so the empty id would be written as nothing and is
// refused (Kafka refuses the empty group resource). Keys and values are
// validated on the way in (no blanks, no newlines), and again at load.
//
// Writing: log/checkpoint_file.h's write_file_atomically (group-configs.tmp
// written, fdatasynced, renamed over the file, directory fsynced), so a
// crash leaves the old file or the new one. A file whose checksum does not
// match, or whose lines do not parse, was not written by Sluice whole: open()
// fails with a message naming the file and the line, and the broker does not
// start, rather than run every group on the broker defaults (a share group
// that was set to earliest would then start new partitions at latest and
// skip records for good). Remove or fix the file to start. A stored override
// that no longer validates (an unknown key, or the broker's bounds changed)
// is reported and left out (the broker default applies); the next write of
// the file drops it.
//
// DeleteGroups leaves a group's configs in place, as Kafka (they live in
// the cluster metadata, not in the group): a group re-created under the same
// id gets them again. DELETE the keys (or AlterConfigs with none) to remove them.
//
// Ownership: owned by the shard, registered for handlers and coordinators
// (group_configs_of); borrows the io_backend. Thread: the shard's.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "broker/group_configs.h"
#include "broker/shard_coordinators.h"
#include "log/errors.h"

namespace sluice::log::io {
class io_backend;
}

namespace sluice::broker {

inline constexpr std::string_view group_config_dir_name = "__sluice_groups";
inline constexpr std::string_view group_config_file_name = "group-configs";

using group_overrides_map = std::map<std::string, group_overrides, std::less<>>;

class group_config_store {
 public:
  // Memory only: nothing is persisted (unit tests).
  group_config_store() = default;
  // Creates `log_dir`/__sluice_groups if missing and loads its file. An I/O
  // error, or corrupt_file with `error_detail` saying where, fails; overrides
  // that do not validate against `cfg` are left out and named in `warnings`.
  static log::result<std::unique_ptr<group_config_store>> open(log::io::io_backend& io,
                                                               const std::string& log_dir,
                                                               const broker_config& cfg,
                                                               std::vector<std::string>& warnings,
                                                               std::string& error_detail);
  group_config_store(const group_config_store&) = delete;
  group_config_store& operator=(const group_config_store&) = delete;

  // The read API for coordinators: one key of one group, nullopt when the
  // group has no override for it (the broker default applies: use
  // effective_group_config for the typed value with defaults).
  std::optional<std::string> get(std::string_view group, std::string_view key) const;
  // Every override of the group; empty when it has none.
  const group_overrides& overrides(std::string_view group) const;
  // Replaces the group's overrides (file first, then memory: on error
  // nothing changed); an empty set removes the group.
  std::error_code put(const std::string& group, const group_overrides& o);
  const group_overrides_map& all() const { return groups_; }

  // The file's text, and its parse (nullopt with `error` set), for tests and load.
  static std::string render(const group_overrides_map& groups);
  static std::optional<group_overrides_map> parse(std::string_view text, std::string& error);
  static std::string encode_group_id(std::string_view id);
  static std::optional<std::string> decode_group_id(std::string_view text);

 private:
  group_config_store(log::io::io_backend& io, std::string dir) : io_(&io), dir_(std::move(dir)) {}

  log::io::io_backend* io_ = nullptr;  // null: memory only
  std::string dir_;
  group_overrides_map groups_;
};

// Handlers and coordinators find the shard's store here (nullptr: none
// registered, as in some unit tests: broker defaults for every group).
inline group_config_store* group_configs_of(shard_services& shard) {
  return shard.coordinators().group_configs;
}
using group_config_registration =
    shard_registration<group_config_store, &shard_coordinators::group_configs>;

}  // namespace sluice::broker
