#include "log/log_config.h"

#include <chrono>

namespace sluice::log {

int64_t now_ms(const log_config& cfg) {
  if (cfg.clock) return cfg.clock();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace sluice::log

namespace sluice::log {

bool apply_cleanup_policy(std::string_view value, log_config& cfg) {
  bool del = false, compact = false, any = false;
  while (!value.empty()) {
    const size_t comma = value.find(',');
    std::string_view item = value.substr(0, comma);
    value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item == "delete") {
      del = true;
    } else if (item == "compact") {
      compact = true;
    } else {
      return false;
    }
    any = true;
  }
  if (!any) return false;
  cfg.cleanup_delete = del;
  cfg.cleanup_compact = compact;
  return true;
}

std::string cleanup_policy_name(const log_config& cfg) {
  if (cfg.cleanup_compact && cfg.cleanup_delete) return "compact,delete";
  return cfg.cleanup_compact ? "compact" : "delete";
}

}  // namespace sluice::log
