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
