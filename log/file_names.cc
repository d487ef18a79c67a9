#include "log/file_names.h"

#include <charconv>
#include <cstdio>

namespace sluice::log::file_names {

std::string base_name(offset base_offset) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%020lld", static_cast<long long>(base_offset.value));
  return buf;
}

std::string log_file(offset base_offset) {
  return base_name(base_offset) + std::string(log_suffix);
}

std::string index_file(offset base_offset) {
  return base_name(base_offset) + std::string(index_suffix);
}

std::string time_index_file(offset base_offset) {
  return base_name(base_offset) + std::string(time_index_suffix);
}

std::string txn_index_file(offset base_offset) {
  return base_name(base_offset) + std::string(txn_index_suffix);
}

std::string snapshot_file(offset at) { return base_name(at) + std::string(snapshot_suffix); }

std::string cleaned_file(offset base_offset) {
  return log_file(base_offset) + std::string(cleaned_suffix);
}

std::string swap_file(offset base_offset) {
  return log_file(base_offset) + std::string(swap_suffix);
}

namespace {
std::optional<offset> parse_base(std::string_view number) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (ec != std::errc{} || end != number.data() + number.size() || value < 0) return std::nullopt;
  return offset{value};
}
}  // namespace

std::optional<offset> parse_snapshot_file(std::string_view name) {
  constexpr size_t digits = 20;
  if (name.size() != digits + snapshot_suffix.size() || name.substr(digits) != snapshot_suffix) {
    return std::nullopt;
  }
  return parse_base(name.substr(0, digits));
}

std::optional<parsed_segment_file> parse_segment_file(std::string_view name) {
  constexpr size_t digits = 20;
  if (name.size() <= digits) return std::nullopt;
  std::string_view number = name.substr(0, digits);
  std::string_view suffix = name.substr(digits);
  segment_file_kind kind;
  if (suffix == log_suffix) {
    kind = segment_file_kind::log;
  } else if (suffix == index_suffix) {
    kind = segment_file_kind::index;
  } else if (suffix == time_index_suffix) {
    kind = segment_file_kind::time_index;
  } else if (suffix == txn_index_suffix) {
    kind = segment_file_kind::txn_index;
  } else {
    return std::nullopt;
  }
  auto base = parse_base(number);
  if (!base) return std::nullopt;
  return parsed_segment_file{*base, kind};
}

std::string partition_dir(std::string_view topic, int32_t partition) {
  return std::string(topic) + "-" + std::to_string(partition);
}

std::string join(std::string_view dir, std::string_view name) {
  std::string path;
  path.reserve(dir.size() + 1 + name.size());
  path.append(dir).append("/").append(name);
  return path;
}

std::string partition_path(std::string_view log_dir, std::string_view topic, int32_t partition) {
  return join(log_dir, partition_dir(topic, partition));
}

std::string clean_shutdown_marker_path(std::string_view log_dir) {
  return join(log_dir, clean_shutdown_marker);
}

std::string parent_dir(std::string_view path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  if (slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

std::optional<topic_partition_name> parse_partition_dir(std::string_view name) {
  size_t dash = name.rfind('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 == name.size()) return std::nullopt;
  std::string_view number = name.substr(dash + 1);
  int32_t partition = 0;
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), partition);
  if (ec != std::errc{} || end != number.data() + number.size() || partition < 0) {
    return std::nullopt;
  }
  std::string_view topic = name.substr(0, dash);
  if (!is_valid_topic_name(topic)) return std::nullopt;
  return topic_partition_name{std::string(topic), partition};
}

bool is_valid_topic_name(std::string_view topic) {
  if (topic.empty() || topic.size() > 249 || topic == "." || topic == "..") return false;
  for (char c : topic) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace sluice::log::file_names
