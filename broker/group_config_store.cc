#include "broker/group_config_store.h"

#include <xxhash.h>

#include <cinttypes>
#include <cstdio>
#include <span>

#include "log/checkpoint_file.h"
#include "log/file_names.h"
#include "log/io/io_backend.h"

namespace sluice::broker {
namespace {

constexpr std::string_view kHeader = "# sluice group configs v1\n";
constexpr std::string_view kChecksum = "checksum=";

const group_overrides kNone;

std::string checksum_of(std::string_view bytes) {
  char sum[17];
  std::snprintf(sum, sizeof sum, "%016" PRIx64, XXH3_64bits(bytes.data(), bytes.size()));
  return sum;
}

bool plain(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;  // lower case is not what encode writes: not ours
}

}  // namespace

std::string group_config_store::encode_group_id(std::string_view id) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : id) {
    if (plain(c)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::optional<std::string> group_config_store::decode_group_id(std::string_view t) {
  std::string out;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] != '%') {
      if (!plain(static_cast<unsigned char>(t[i]))) return std::nullopt;
      out += t[i];
      continue;
    }
    if (i + 2 >= t.size()) return std::nullopt;
    const int hi = hex_value(t[i + 1]), lo = hex_value(t[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  if (out.empty()) return std::nullopt;
  return out;
}

std::string group_config_store::render(const group_overrides_map& groups) {
  std::string out(kHeader);
  for (const auto& [group, o] : groups) {
    const std::string id = encode_group_id(group);
    for (const auto& [k, v] : o) out += id + " " + k + "=" + v + "\n";
  }
  return out + std::string(kChecksum) + checksum_of(out) + "\n";
}

std::optional<group_overrides_map> group_config_store::parse(std::string_view text,
                                                             std::string& error) {
  // The checksum line is the last line; it covers every byte before it.
  if (text.size() < kHeader.size() || text.substr(0, kHeader.size()) != kHeader) {
    error = "not a group config file (no '# sluice group configs v1' header)";
    return std::nullopt;
  }
  const size_t sum_at = text.rfind(std::string("\n") + std::string(kChecksum));
  if (sum_at == std::string_view::npos) {
    error = "no checksum line (the file is truncated)";
    return std::nullopt;
  }
  std::string_view body = text.substr(0, sum_at + 1);
  std::string_view sum_line = text.substr(sum_at + 1);
  if (sum_line != std::string(kChecksum) + checksum_of(body) + "\n") {
    error = "checksum mismatch (the file is damaged or was edited by hand)";
    return std::nullopt;
  }
  group_overrides_map out;
  body.remove_prefix(kHeader.size());
  int line_no = 1;
  while (!body.empty()) {
    ++line_no;
    const size_t nl = body.find('\n');
    std::string_view line = body.substr(0, nl);
    body.remove_prefix(nl + 1);  // body ends with '\n'
    const size_t sp = line.find(' ');
    const size_t eq = line.find('=');
    auto group = sp == std::string_view::npos ? std::nullopt : decode_group_id(line.substr(0, sp));
    if (!group || eq == std::string_view::npos || eq < sp + 2) {
      error = "line " + std::to_string(line_no) + " is not '<group> <key>=<value>'";
      return std::nullopt;
    }
    out[*group][std::string(line.substr(sp + 1, eq - sp - 1))] = std::string(line.substr(eq + 1));
  }
  return out;
}

log::result<std::unique_ptr<group_config_store>> group_config_store::open(
    log::io::io_backend& io, const std::string& log_dir, const broker_config& cfg,
    std::vector<std::string>& warnings, std::string& error_detail) {
  const std::string dir = log::file_names::join(log_dir, group_config_dir_name);
  const std::string file = log::file_names::join(dir, group_config_file_name);
  if (auto ec = io.create_dir(log_dir)) return ec;
  if (auto ec = io.create_dir(dir)) return ec;
  // An interrupted write; the file (if any) stands.
  (void)io.remove(file + std::string(log::file_names::tmp_suffix));
  std::unique_ptr<group_config_store> store(new group_config_store(io, dir));
  auto bytes = log::read_whole_file(file);
  if (!bytes) {
    if (bytes.error() == log::errc::not_found) return store;
    error_detail = file + ": " + bytes.error().message();
    return bytes.error();
  }
  std::string_view text(reinterpret_cast<const char*>(bytes->data()), bytes->size());
  std::string why;
  auto groups = parse(text, why);
  if (!groups) {
    error_detail = file + ": " + why +
                   "; fix or remove the file to start (every group then "
                   "runs on the broker defaults)";
    return make_error_code(log::errc::corrupt_file);
  }
  for (auto& [group, o] : *groups) {
    for (auto it = o.begin(); it != o.end();) {
      if (auto err = validate_group_config(cfg, it->first, it->second)) {
        warnings.push_back(file + ": group '" + group + "': ignoring " + *err);
        it = o.erase(it);
      } else {
        ++it;
      }
    }
    if (!o.empty()) store->groups_[group] = std::move(o);
  }
  return store;
}

std::optional<std::string> group_config_store::get(std::string_view group,
                                                   std::string_view key) const {
  const group_overrides& o = overrides(group);
  auto it = o.find(key);
  if (it == o.end()) return std::nullopt;
  return it->second;
}

const group_overrides& group_config_store::overrides(std::string_view group) const {
  auto it = groups_.find(group);
  return it == groups_.end() ? kNone : it->second;
}

std::error_code group_config_store::put(const std::string& group, const group_overrides& o) {
  group_overrides_map next = groups_;
  if (o.empty()) {
    if (next.erase(group) == 0) return {};
  } else {
    next[group] = o;
  }
  if (io_ != nullptr) {
    const std::string text = render(next);
    auto bytes = std::as_bytes(std::span(text.data(), text.size()));
    if (auto ec = log::write_file_atomically(*io_, dir_, group_config_file_name, bytes)) return ec;
  }
  groups_ = std::move(next);
  return {};
}

}  // namespace sluice::broker
