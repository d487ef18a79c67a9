// partition_log: start-up side of log compaction (log/cleaner.h). Finishes a
// swap that reached its commit point, drops one that did not, and reads the
// cleaner's checkpoint. Procedure in docs/storage-format.md ("Log compaction").
#include <dirent.h>

#include <climits>
#include <string_view>

#include "log/checkpoint_file.h"
#include "log/cleaner.h"
#include "log/file_names.h"
#include "log/io/io_backend.h"
#include "log/partition_log.h"

namespace sluice::log {

std::error_code partition_log::recover_clean_state() {
  clean_ = std::make_shared<cleaner_state>();
  std::vector<std::string> names;
  if (DIR* d = ::opendir(dir_.c_str())) {
    while (dirent* e = ::readdir(d)) names.emplace_back(e->d_name);
    ::closedir(d);
  } else {
    return errc::io_error;
  }
  bool changed = false;
  for (const auto& n : names) {
    // Output of a cleaning that had not reached its commit point.
    if (n.ends_with(file_names::cleaned_suffix)) {
      if (auto ec = io_.remove(file_names::join(dir_, n)); ec && ec != errc::not_found) return ec;
      changed = true;
    }
  }
  for (const auto& n : names) {
    if (!n.ends_with(file_names::swap_suffix)) continue;
    const std::string stem = n.substr(0, n.size() - file_names::swap_suffix.size());
    auto parsed = file_names::parse_segment_file(stem);
    if (!parsed || parsed->kind != file_names::segment_file_kind::log) {
      if (auto ec = io_.remove(file_names::join(dir_, n)); ec && ec != errc::not_found) return ec;
      changed = true;
      continue;
    }
    // Committed: the swap file replaces the segment (the old .log, if still
    // there, is replaced by the rename; its indexes describe the old bytes
    // and are rebuilt). The .txnindex stays: its covered end decides.
    const offset base = parsed->base_offset;
    for (const auto& f : {file_names::index_file(base), file_names::time_index_file(base)}) {
      if (auto ec = io_.remove(file_names::join(dir_, f)); ec && ec != errc::not_found) return ec;
    }
    if (auto ec = io_.rename(file_names::join(dir_, n), file_names::join(dir_, stem))) return ec;
    changed = true;
  }
  if (changed) {
    if (auto ec = io_.sync_dir(dir_)) return ec;
  }
  auto cp = read_checkpoint(file_names::join(dir_, file_names::cleaner_checkpoint));
  if (cp) {
    for (const auto& e : *cp) {
      if (e.topic == "first_dirty") clean_->first_dirty = offset{e.offset};
      if (e.topic == "gap_end") clean_gap_end_ = offset{e.offset};
    }
  } else if (cp.error() != errc::not_found) {
    // Damaged: which segments the cleaner rewrote is unknown, so offset gaps
    // are accepted everywhere rather than cutting a cleaned segment.
    clean_gap_end_ = offset{INT64_MAX};
  }
  return {};
}

}  // namespace sluice::log
