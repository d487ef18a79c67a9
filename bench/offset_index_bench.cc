// Offset index and time index lookups (binary search over an mmapped file), at
// the sizes a segment reaches: 1 Ki to 1 Mi entries.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <random>

#include "log/io/io_backend.h"
#include "log/offset_index.h"
#include "log/time_index.h"

namespace {

using namespace sluice::log;

std::string scratch(const char* name) {
  std::string dir = std::filesystem::temp_directory_path().string() + "/sluice-idx-bench";
  std::filesystem::create_directories(dir);
  std::string path = dir + "/" + name;
  std::filesystem::remove(path);
  return path;
}

void BM_offset_index_lookup(benchmark::State& state) {
  auto io = io::make_posix_backend();
  size_t n = static_cast<size_t>(state.range(0));
  auto idx = offset_index::open(*io, scratch("bench.index"), offset{0}, n * 8);
  for (size_t i = 0; i < n; ++i)
    idx->append(offset{static_cast<int64_t>(i * 10)}, file_position{i * 4096});
  std::mt19937_64 rng(1);
  for (auto _ : state) {
    offset target{static_cast<int64_t>(rng() % (n * 10))};
    benchmark::DoNotOptimize(idx->lookup(target));
  }
}

void BM_time_index_lookup(benchmark::State& state) {
  auto io = io::make_posix_backend();
  size_t n = static_cast<size_t>(state.range(0));
  auto idx = time_index::open(*io, scratch("bench.timeindex"), offset{0}, (n + 1) * 12);
  for (size_t i = 0; i < n; ++i) {
    idx->maybe_append(static_cast<int64_t>(1000 + i * 5), offset{static_cast<int64_t>(i * 10)});
  }
  std::mt19937_64 rng(1);
  for (auto _ : state) {
    benchmark::DoNotOptimize(idx->lookup(static_cast<int64_t>(1000 + rng() % (n * 5))));
  }
}

}  // namespace

BENCHMARK(BM_offset_index_lookup)->Range(1 << 10, 1 << 20);
BENCHMARK(BM_time_index_lookup)->Range(1 << 10, 1 << 20);
