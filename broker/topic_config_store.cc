#include "broker/topic_config_store.h"

#include <dirent.h>

#include <xxhash.h>

#include <cinttypes>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "broker/config.h"
#include "log/file_names.h"
#include "log/io/io_backend.h"
#include "protocol/uuid.h"

namespace sluice::broker {
namespace {

constexpr std::string_view kSuffix = ".properties";
constexpr std::string_view kHeader = "# sluice topic config overrides v1\n";
constexpr std::string_view kIdSuffix = ".id";
constexpr std::string_view kIdHeader = "# sluice topic id v1\n";

uint64_t id_checksum(const protocol::uuid& id) {
  return XXH3_64bits(id.bytes.data(), id.bytes.size());
}

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return std::nullopt;
  return text.str();
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

const topic_overrides kNone;

}  // namespace

std::string topic_config_store::render(const topic_overrides& o) {
  std::string out(kHeader);
  for (const auto& [k, v] : o) out += k + "=" + v + "\n";
  return out;
}

topic_overrides topic_config_store::parse(std::string_view text,
                                          std::vector<std::string>& bad_lines) {
  topic_overrides o;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = trim_blanks(text.substr(0, nl));
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (line.empty() || line.front() == '#') continue;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos || trim_blanks(line.substr(0, eq)).empty()) {
      bad_lines.emplace_back(line);
      continue;
    }
    o[std::string(trim_blanks(line.substr(0, eq)))] = std::string(trim_blanks(line.substr(eq + 1)));
  }
  return o;
}

std::string topic_config_store::render_id(const protocol::uuid& id, bool creating) {
  char sum[17];
  std::snprintf(sum, sizeof sum, "%016" PRIx64, id_checksum(id));
  return std::string(kIdHeader) + "topic.id=" + protocol::to_base64url(id) + "\nchecksum=" + sum +
         "\n" + (creating ? "creating=true\n" : "");
}

std::optional<protocol::uuid> topic_config_store::parse_id(std::string_view text) {
  std::vector<std::string> bad;
  topic_overrides kv = parse(text, bad);
  auto id_it = kv.find("topic.id");
  auto sum_it = kv.find("checksum");
  if (!bad.empty() || id_it == kv.end() || sum_it == kv.end()) return std::nullopt;
  auto id = protocol::uuid_from_base64url(id_it->second);
  if (!id || protocol::is_zero(*id)) return std::nullopt;
  char sum[17];
  std::snprintf(sum, sizeof sum, "%016" PRIx64, id_checksum(*id));
  if (sum_it->second != sum) return std::nullopt;
  return id;
}

log::result<std::shared_ptr<topic_config_store>> topic_config_store::open(
    log::io::io_backend& io, const std::string& log_dir, std::vector<std::string>& warnings) {
  const std::string dir = log::file_names::join(log_dir, topic_config_dir_name);
  if (auto ec = io.create_dir(log_dir)) return ec;
  if (auto ec = io.create_dir(dir)) return ec;
  std::shared_ptr<topic_config_store> store(new topic_config_store(io, dir));
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return std::error_code(errno, std::generic_category());
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d)) names.emplace_back(e->d_name);
  ::closedir(d);
  for (const auto& n : names) {
    if (ends_with(n, log::file_names::tmp_suffix)) {
      (void)io.remove(
          log::file_names::join(dir, n));  // an interrupted write; the old file (if any) stands
      continue;
    }
    if (ends_with(n, kIdSuffix)) {
      std::string topic = n.substr(0, n.size() - kIdSuffix.size());
      auto text = read_file(log::file_names::join(dir, n));
      auto id = text ? parse_id(*text) : std::nullopt;
      if (!log::file_names::is_valid_topic_name(topic) || !id) {
        warnings.push_back("ignoring " + log::file_names::join(dir, n) +
                           ": not a topic id file (corrupt?)");
        continue;
      }
      store->ids_[topic] = *id;
      std::vector<std::string> bad;
      if (parse(*text, bad).count("creating") != 0) store->creating_.insert(topic);
      continue;
    }
    if (!ends_with(n, kSuffix)) continue;
    std::string topic = n.substr(0, n.size() - kSuffix.size());
    if (!log::file_names::is_valid_topic_name(topic)) {
      warnings.push_back("ignoring " + log::file_names::join(dir, n) + ": not a topic name");
      continue;
    }
    auto text = read_file(log::file_names::join(dir, n));
    if (!text) {
      warnings.push_back("cannot read " + log::file_names::join(dir, n) +
                         ": topic uses broker defaults");
      continue;
    }
    std::vector<std::string> bad;
    topic_overrides o = parse(*text, bad);
    for (const auto& line : bad)
      warnings.push_back(log::file_names::join(dir, n) + ": ignoring line '" + line + "'");
    for (auto it = o.begin(); it != o.end();) {
      if (auto err = validate_topic_config(it->first, it->second)) {
        warnings.push_back(log::file_names::join(dir, n) + ": ignoring " + *err);
        it = o.erase(it);
      } else {
        ++it;
      }
    }
    if (!o.empty()) store->topics_[topic] = std::move(o);
  }
  return store;
}

std::string topic_config_store::path(std::string_view topic) const {
  return log::file_names::join(dir_, topic) + std::string(kSuffix);
}

const topic_overrides& topic_config_store::get(std::string_view topic) const {
  auto it = topics_.find(topic);
  return it == topics_.end() ? kNone : it->second;
}

std::string topic_config_store::id_path(std::string_view topic) const {
  return log::file_names::join(dir_, topic) + std::string(kIdSuffix);
}

std::error_code topic_config_store::write_durably(const std::string& file,
                                                  const std::string& text) {
  const std::string tmp = file + std::string(log::file_names::tmp_suffix);
  std::error_code ec;
  {
    auto f = io_->open(tmp, log::io::open_mode::create_read_write);
    if (!f) return f.error();
    const int fd = f->get();
    auto bytes = std::as_bytes(std::span(text.data(), text.size()));
    if (!(ec = io_->truncate(fd, 0)) && !(ec = io_->write_at(fd, 0, bytes))) ec = io_->sync(fd);
  }
  if (!ec) ec = io_->rename(tmp, file);
  if (ec) {
    (void)io_->remove(tmp);  // best effort; a leftover .tmp is removed at load
    return ec;
  }
  return io_->sync_dir(dir_);
}

std::error_code topic_config_store::remove_durably(const std::string& file) {
  if (auto ec = io_->remove(file); ec && ec != log::errc::not_found) return ec;
  return io_->sync_dir(dir_);
}

std::error_code topic_config_store::put(const std::string& topic, const topic_overrides& o) {
  if (o.empty()) return erase(topic);
  if (io_ != nullptr) {
    if (auto ec = write_durably(path(topic), render(o))) return ec;
  }
  topics_[topic] = o;
  return {};
}

std::error_code topic_config_store::erase(const std::string& topic) {
  auto it = topics_.find(topic);
  if (it == topics_.end()) return {};
  if (io_ != nullptr) {
    if (auto ec = remove_durably(path(topic))) return ec;
  }
  topics_.erase(it);
  return {};
}

std::error_code topic_config_store::put_id(const std::string& topic, const protocol::uuid& id,
                                           bool creating) {
  if (io_ != nullptr) {
    if (auto ec = write_durably(id_path(topic), render_id(id, creating))) return ec;
  }
  ids_[topic] = id;
  if (creating) {
    creating_.insert(topic);
  } else {
    creating_.erase(topic);
  }
  return {};
}

std::error_code topic_config_store::erase_id(const std::string& topic) {
  auto it = ids_.find(topic);
  if (it == ids_.end()) return {};
  if (io_ != nullptr) {
    if (auto ec = remove_durably(id_path(topic))) return ec;
  }
  ids_.erase(it);
  creating_.erase(topic);
  return {};
}

std::vector<std::string> topic_config_store::topics() const {
  std::vector<std::string> out;
  for (const auto& [t, o] : topics_) out.push_back(t);
  return out;
}

}  // namespace sluice::broker
