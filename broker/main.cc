// sluice-broker: parses the configuration (defaults, a properties file, then
// --set overrides) and runs the broker. Zero configuration works: 127.0.0.1:9092,
// ./sluice-data, topics auto-created.
#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <malloc.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "broker/broker.h"
#include "broker/build_info.h"
#include "broker/config.h"

namespace {

// mkdir -p of `dir`, fsyncing the parent of every directory it creates.
std::optional<std::string> create_log_dir_parents(const std::string& dir) {
  namespace fs = std::filesystem;
  std::vector<fs::path> missing;
  std::error_code ec;
  for (fs::path p = fs::absolute(dir, ec); !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
    missing.push_back(p);
    if (p == p.parent_path()) break;
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (!fs::create_directory(*it, ec) && ec) {
      return "cannot create log dir " + it->string() + ": " + ec.message();
    }
    const int fd = ::open(it->parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
      (void)::fsync(fd);
      ::close(fd);
    }
  }
  if (!fs::is_directory(dir, ec)) return "log dir " + dir + " is not a directory";
  return std::nullopt;
}

// Request frames (up to ~1 MiB each) are allocated on a network thread and
// freed on the shard thread once written. With glibc's defaults each freed
// frame at the top of a thread arena is given back to the kernel (trim) and
// the next one faults its pages in again, zero-filled: ~100,000 page faults
// and 10-15 % of the broker's CPU per GB produced (bench/README.md, D36).
// Keeping up to 64 MiB of freed heap per arena, and taking frames below
// 8 MiB from the heap rather than mmap, ends that churn; what is retained is
// bounded by the frames in flight, which queued.max.request.bytes caps.
// GLIBC_TUNABLES naming malloc settings wins over this.
void keep_freed_frames_mapped() {
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if (tunables && std::string_view(tunables).find("glibc.malloc.") != std::string_view::npos)
    return;
  (void)::mallopt(M_MMAP_THRESHOLD, 8 << 20);
  (void)::mallopt(M_TRIM_THRESHOLD, 64 << 20);
}

}  // namespace

int main(int argc, char** argv) {
  keep_freed_frames_mapped();
  CLI::App app{"sluice-broker: a Kafka-compatible log broker"};
  std::string positional_config;
  std::string config_file;
  std::vector<std::string> overrides;
  int port = -1;
  std::string log_level = "info";
  app.add_option("config", positional_config, "properties file (Kafka key names)");
  app.add_option("--config,-c", config_file, "properties file (Kafka key names)");
  app.add_option("--set", overrides, "override one setting: key=value (repeatable)")
      ->allow_extra_args(false);  // one key=value per --set; a later FILE stays positional
  app.add_option("--port,-p", port, "listener port (shorthand for listeners)")
      ->check(CLI::Range(0, 65535));
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
  app.set_version_flag("--version", "sluice-broker " + sluice::broker::build_version_string(),
                       "print the version and exit");
  CLI11_PARSE(app, argc, argv);

  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  spdlog::set_level(spdlog::level::from_str(log_level));

  sluice::broker::broker_config cfg;
  std::vector<std::string> warnings;
  auto fail = [](const std::string& msg) {
    std::fprintf(stderr, "sluice-broker: %s\n", msg.c_str());
    return 2;
  };
  if (!positional_config.empty() && !config_file.empty()) {
    return fail("give the configuration file either as an argument or with --config, not both");
  }
  const std::string& file = config_file.empty() ? positional_config : config_file;
  if (!file.empty()) {
    if (auto err = sluice::broker::apply_properties_file(cfg, file, warnings)) return fail(*err);
  }
  if (port >= 0) cfg.listener.port = static_cast<uint16_t>(port);
  for (const auto& kv : overrides) {
    if (auto err = sluice::broker::apply_override(cfg, kv, warnings)) return fail(*err);
  }
  spdlog::info("event=broker_version version=\"{}\"", sluice::broker::build_version_string());
  for (const auto& w : warnings) spdlog::warn("event=config_warning detail=\"{}\"", w);
  spdlog::info("event=config_effective {}", sluice::broker::effective_config_summary(cfg));
  // Kafka creates log.dirs and their missing parents at start. The storage
  // engine creates (and syncs) the last level itself; the parents made here
  // are synced too, so that a power loss right after the first start cannot
  // take the new tree away under data written into it.
  for (const auto& dir : cfg.log_dirs) {
    if (auto err = create_log_dir_parents(dir)) return fail(*err);
  }
  return sluice::broker::run_broker(cfg);
}
