#pragma once
// Every file name the storage engine uses is built and parsed here, and only here.
//
//   <log.dirs>/<topic>-<partition>/                   a partition directory
//   <base offset, 20 digits>.log                       segment data (RecordBatch v2 bytes)
//   <base offset, 20 digits>.index                     sparse offset index
//   <base offset, 20 digits>.timeindex                 time index
//   <base offset, 20 digits>.txnindex                  aborted transactions of the segment
//   <offset, 20 digits>.snapshot                       producer state below that offset
//   <name>.tmp                                         being written; never trusted at open
//   <name>.deleted                                     being removed; removed at open
//   <base>.log.cleaned                                 compaction output being written; removed at
//   open <base>.log.swap                                    compaction output committed; replaces
//   <base>.log at open cleaner-offset-checkpoint                          per partition dir: the
//   cleaner's offsets <log.dirs>/recovery-point-offset-checkpoint        per-partition recovery
//   points <log.dirs>/log-start-offset-checkpoint             per-partition log start offsets
//   <log.dirs>/.sluice_clean_shutdown                  present only after a clean close

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/topic_partition.h"
#include "log/types.h"

namespace sluice::log::file_names {

inline constexpr std::string_view log_suffix = ".log";
inline constexpr std::string_view index_suffix = ".index";
inline constexpr std::string_view time_index_suffix = ".timeindex";
inline constexpr std::string_view txn_index_suffix = ".txnindex";
inline constexpr std::string_view snapshot_suffix = ".snapshot";
inline constexpr std::string_view tmp_suffix = ".tmp";
inline constexpr std::string_view deleted_suffix = ".deleted";
inline constexpr std::string_view cleaned_suffix = ".cleaned";
inline constexpr std::string_view swap_suffix = ".swap";
inline constexpr std::string_view cleaner_checkpoint = "cleaner-offset-checkpoint";

inline constexpr std::string_view recovery_point_checkpoint = "recovery-point-offset-checkpoint";
inline constexpr std::string_view log_start_offset_checkpoint = "log-start-offset-checkpoint";
inline constexpr std::string_view clean_shutdown_marker = ".sluice_clean_shutdown";

// "00000000000000000042" for offset 42.
std::string base_name(offset base_offset);

std::string log_file(offset base_offset);         // "...042.log"
std::string index_file(offset base_offset);       // "...042.index"
std::string time_index_file(offset base_offset);  // "...042.timeindex"
std::string txn_index_file(offset base_offset);   // "...042.txnindex"
std::string snapshot_file(offset at);             // "...042.snapshot"
std::string cleaned_file(offset base_offset);     // "...042.log.cleaned"
std::string swap_file(offset base_offset);        // "...042.log.swap"

enum class segment_file_kind { log, index, time_index, txn_index };

struct parsed_segment_file {
  offset base_offset;
  segment_file_kind kind;
};

// Parses "<20 digits>.log|.index|.timeindex|.txnindex"; nullopt for anything
// else, including .tmp and .deleted names.
std::optional<parsed_segment_file> parse_segment_file(std::string_view name);
// Parses "<20 digits>.snapshot".
std::optional<offset> parse_snapshot_file(std::string_view name);

// "<topic>-<partition>".
std::string partition_dir(std::string_view topic, int32_t partition);

using topic_partition_name = base::topic_partition;

// Splits at the last '-'; nullopt when the suffix is not a non-negative int32
// or the topic part is empty.
std::optional<topic_partition_name> parse_partition_dir(std::string_view name);

// Paths. Every path under a log dir is joined by these, so that the layout at
// the top of this file is the whole truth about where files live.
// "<dir>/<name>".
std::string join(std::string_view dir, std::string_view name);
// "<log dir>/<topic>-<partition>".
std::string partition_path(std::string_view log_dir, std::string_view topic, int32_t partition);
// "<log dir>/.sluice_clean_shutdown".
std::string clean_shutdown_marker_path(std::string_view log_dir);
// The directory that holds `path`: "." for a bare name, "/" for "/x".
std::string parent_dir(std::string_view path);

// Kafka's legal topic names: 1..249 characters of [a-zA-Z0-9._-], not "." or "..".
bool is_valid_topic_name(std::string_view topic);

}  // namespace sluice::log::file_names
