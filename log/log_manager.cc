#include "log/log_manager.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <unordered_map>

#include "log/checkpoint_file.h"
#include "log/file_names.h"
#include "log/io/io_backend.h"

namespace sluice::log {
namespace {

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

std::string key(const std::string& topic, int32_t partition) {
  return file_names::partition_dir(topic, partition);
}

}  // namespace

log_manager::log_manager(io::io_backend& io, log_manager_config cfg)
    : io_(io), cfg_(std::move(cfg)), offline_(cfg_.log_dirs.size(), false) {
  if (!cfg_.config_for) cfg_.config_for = [](std::string_view) { return log_config{}; };
}

// Partitions drain their in-flight I/O as they are destroyed; a failure
// delivered then must not reach this half-destroyed manager.
log_manager::~log_manager() {
  for (auto& [tp, e] : partitions_) e.log->set_offline_handler(nullptr);
  partitions_.clear();
}

log_config log_manager::config_for(std::string_view topic) const {
  log_config c = cfg_.config_for(topic);
  if (cfg_.clock) c.clock = cfg_.clock;
  c.sync_latency = &sync_latency_;
  return c;
}

void log_manager::warn(const std::string& msg) const {
  if (cfg_.warn) cfg_.warn(msg);
}

result<std::unique_ptr<log_manager>> log_manager::open(io::io_backend& io, log_manager_config cfg) {
  if (cfg.log_dirs.empty()) return errc::invalid_argument;
  std::unique_ptr<log_manager> m(new log_manager(io, std::move(cfg)));
  for (size_t i = 0; i < m->cfg_.log_dirs.size(); ++i) {
    if (auto ec = m->open_dir(i)) return ec;
  }
  return m;
}

std::error_code log_manager::open_dir(size_t dir_index) {
  const std::string& dir = cfg_.log_dirs[dir_index];
  if (auto ec = io_.create_dir(dir)) return ec;
  // A log dir created now must survive a power loss with everything in it.
  if (auto ec = io_.sync_dir(file_names::parent_dir(dir))) return ec;

  // Pass 1: the clean-shutdown marker counts once.
  std::string marker = file_names::clean_shutdown_marker_path(dir);
  bool clean = file_exists(marker);
  if (clean) {
    if (auto ec = io_.remove(marker)) return ec;
    if (auto ec = io_.sync_dir(dir)) return ec;
  }

  // Pass 2: checkpoints. Damage means full recovery, never a failed start.
  auto load = [&](std::string_view name) {
    std::unordered_map<std::string, int64_t> out;
    auto entries = read_checkpoint(file_names::join(dir, name));
    if (!entries) {
      if (entries.error() != errc::not_found || clean) {
        warn("checkpoint " + file_names::join(dir, name) + " unreadable (" +
             entries.error().message() + "): recovering every partition of the dir from offset 0");
      }
      return std::make_pair(out, false);
    }
    for (const auto& e : *entries) out[key(e.topic, e.partition)] = e.offset;
    return std::make_pair(out, true);
  };
  auto [recovery_points, rp_ok] = load(file_names::recovery_point_checkpoint);
  auto [log_starts, ls_ok] = load(file_names::log_start_offset_checkpoint);
  (void)ls_ok;
  if (!rp_ok) clean = false;

  // Pass 3: every partition directory; a checkpoint .tmp left by an
  // interrupted write is never read and is removed.
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return errc::io_error;
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d)) names.emplace_back(e->d_name);
  ::closedir(d);
  std::sort(names.begin(), names.end());
  for (const auto& n : names) {
    std::string_view v = n;
    if (v.size() > file_names::tmp_suffix.size() &&
        v.substr(v.size() - file_names::tmp_suffix.size()) == file_names::tmp_suffix) {
      if (auto ec = io_.remove(file_names::join(dir, n)); ec && ec != errc::not_found) return ec;
    }
  }
  for (const auto& n : names) {
    auto tp = file_names::parse_partition_dir(n);
    if (!tp) continue;
    std::string path = file_names::join(dir, n);
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) continue;
    partition_log::open_options opts;
    opts.clean_shutdown = clean;
    if (auto it = recovery_points.find(n); it != recovery_points.end()) {
      opts.recovery_point = offset{it->second};
    }
    if (auto it = log_starts.find(n); it != log_starts.end()) {
      opts.log_start_offset = offset{it->second};
    }
    auto log = partition_log::open(io_, path, config_for(tp->topic), opts);
    if (!log) return log.error();
    topic_partition key{tp->topic, tp->partition};
    entry& e = partitions_[key];
    e.log = std::move(*log);
    e.dir_index = dir_index;
    attach(key, e);
  }
  return {};
}

void log_manager::attach(const topic_partition&, entry& e) {
  size_t dir_index = e.dir_index;
  e.log->set_offline_handler(
      [this, dir_index](std::error_code ec) { take_dir_offline(dir_index, ec); });
}

void log_manager::take_dir_offline(size_t dir_index, std::error_code ec) {
  if (offline_[dir_index]) return;
  offline_[dir_index] = true;
  warn("log dir " + cfg_.log_dirs[dir_index] + " is offline: " + ec.message());
  for (auto& [tp, e] : partitions_) {
    if (e.dir_index == dir_index) e.log->take_offline(ec);
  }
}

result<partition_log*> log_manager::create(const topic_partition& tp, bool sync_parent) {
  if (partitions_.count(tp) != 0) return errc::already_exists;
  if (!file_names::is_valid_topic_name(tp.topic) || tp.partition < 0) return errc::invalid_argument;
  // The online dir with the fewest partitions.
  std::vector<size_t> counts(cfg_.log_dirs.size(), 0);
  for (const auto& [k, e] : partitions_) ++counts[e.dir_index];
  size_t best = SIZE_MAX;
  for (size_t i = 0; i < counts.size(); ++i) {
    if (!offline_[i] && (best == SIZE_MAX || counts[i] < counts[best])) best = i;
  }
  if (best == SIZE_MAX) return errc::storage_offline;
  const std::string& dir = cfg_.log_dirs[best];
  std::string path = file_names::partition_path(dir, tp.topic, tp.partition);
  const bool existed = file_exists(path);
  auto log = partition_log::open(io_, path, config_for(tp.topic), {});
  if (!log) {
    // Half a partition (the disk filled up while its files were made) would
    // be found at the next start as a partition of the topic: remove it.
    if (!existed) (void)io_.remove_all(path);
    return log.error();
  }
  // The partition directory's entry must survive a crash before any ack.
  if (sync_parent) {
    if (auto ec = io_.sync_dir(dir); ec) {
      (void)log->get()->remove_all();
      return ec;
    }
  }
  entry& e = partitions_[tp];
  e.log = std::move(*log);
  e.dir_index = best;
  attach(tp, e);
  return e.log.get();
}

std::error_code log_manager::sync_log_dirs() {
  for (size_t i = 0; i < cfg_.log_dirs.size(); ++i) {
    if (offline_[i]) continue;
    if (auto ec = io_.sync_dir(cfg_.log_dirs[i])) return ec;
  }
  return {};
}

partition_log* log_manager::get(const topic_partition& tp) const {
  auto it = partitions_.find(tp);
  return it == partitions_.end() ? nullptr : it->second.log.get();
}

std::error_code log_manager::remove(const topic_partition& tp) {
  auto it = partitions_.find(tp);
  if (it == partitions_.end()) return errc::not_found;
  std::string dir = cfg_.log_dirs[it->second.dir_index];
  std::error_code ec = it->second.log->remove_all();
  partitions_.erase(it);
  if (!ec) ec = io_.sync_dir(dir);
  return ec;
}

std::vector<topic_partition> log_manager::partitions() const {
  std::vector<topic_partition> out;
  for (const auto& [tp, e] : partitions_) out.push_back(tp);
  return out;
}

size_t log_manager::enforce_retention(int64_t now_ms) {
  size_t deleted = 0;
  for (auto& [tp, e] : partitions_) deleted += e.log->enforce_retention(now_ms);
  return deleted;
}

std::error_code log_manager::write_checkpoints() {
  for (size_t i = 0; i < cfg_.log_dirs.size(); ++i) {
    if (offline_[i]) continue;
    std::vector<checkpoint_entry> rp, ls;
    for (const auto& [tp, e] : partitions_) {
      if (e.dir_index != i) continue;
      rp.push_back({tp.topic, tp.partition, e.log->recovery_point().value});
      ls.push_back({tp.topic, tp.partition, e.log->log_start_offset().value});
    }
    const std::string& dir = cfg_.log_dirs[i];
    if (auto ec = write_checkpoint(io_, dir, file_names::recovery_point_checkpoint, rp)) return ec;
    if (auto ec = write_checkpoint(io_, dir, file_names::log_start_offset_checkpoint, ls))
      return ec;
  }
  return {};
}

std::error_code log_manager::close() {
  if (closed_) return {};
  closed_ = true;
  std::error_code first;
  for (auto& [tp, e] : partitions_) {
    if (offline_[e.dir_index]) continue;
    if (auto ec = e.log->close(); ec && !first) first = ec;
  }
  if (first) return first;
  if (auto ec = write_checkpoints()) return ec;
  for (size_t i = 0; i < cfg_.log_dirs.size(); ++i) {
    if (offline_[i]) continue;
    const std::string& dir = cfg_.log_dirs[i];
    std::string marker = file_names::clean_shutdown_marker_path(dir);
    auto fh = io_.open(marker, io::open_mode::create_read_write);
    if (!fh) return fh.error();
    if (auto ec = io_.sync(fh->get())) return ec;
    if (auto ec = io_.sync_dir(dir)) return ec;
  }
  return {};
}

bool log_manager::dir_offline(const std::string& dir) const {
  for (size_t i = 0; i < cfg_.log_dirs.size(); ++i) {
    if (cfg_.log_dirs[i] == dir) return offline_[i];
  }
  return false;
}

}  // namespace sluice::log
