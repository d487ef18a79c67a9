#pragma once
// Shared by the power-loss tests (crash_test.cc, crash_targeted_test.cc): the
// seeded generator, the seed list, and a sim_disk root with its log dirs.

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace sluice::log::crash_support {

// std::mt19937_64's output is fixed by the standard and only `% n` is taken of
// it, so a seed replays the same workload with every standard library.
class workload_rng {
 public:
  explicit workload_rng(uint64_t seed) : g_(seed) {}
  uint64_t below(uint64_t n) { return g_() % n; }
  bool chance(unsigned percent) { return below(100) < percent; }

 private:
  std::mt19937_64 g_;
};

inline uint64_t env_or(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::strtoull(v, nullptr, 10) : fallback;
}

// The seeds a test runs: [0, n), or the one named by SLUICE_CRASH_SEED.
inline std::vector<uint64_t> seeds(uint64_t n) {
  if (const char* one = std::getenv("SLUICE_CRASH_SEED")) return {std::strtoull(one, nullptr, 10)};
  std::vector<uint64_t> out(env_or("SLUICE_CRASH_SEEDS", n));
  for (uint64_t i = 0; i < out.size(); ++i) out[i] = i;
  return out;
}

// The log dirs exist before the disk is made, as an operator would create them,
// so they count as durable: log_manager does not sync a log dir it creates
// into its parent (see DISABLED_log_dir_created_at_start_survives_power_loss).
inline std::string root_with_log_dirs(const test::temp_dir& root) {
  std::filesystem::create_directory(root / "data");
  std::filesystem::create_directory(root / "data2");
  return root.path();
}

}  // namespace sluice::log::crash_support
