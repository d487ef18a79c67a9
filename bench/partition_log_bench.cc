// Append and read throughput of partition_log on the real disk, through the
// default I/O backend (io_uring where the kernel has it).
//
//   BM_append_no_fsync/<batch bytes>/<partitions>     acks=1, page-cache policy
//   BM_append_group_commit/<batch bytes>/<partitions> acks=all, 8 appenders per
//                                                     partition, fdatasync before ack
//   BM_read_slices/<batch bytes>                       read() of 1 MiB at random offsets
//
// The data directory is $SLUICE_BENCH_DIR (default: ./bench-data), so the
// benchmark runs on the same file system as bench/run_log_bench.sh measures.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "log/io/io_backend.h"
#include "log/partition_log.h"
#include "tests/support/batch_builder.h"

namespace {

using namespace sluice;

std::string bench_dir() {
  const char* d = std::getenv("SLUICE_BENCH_DIR");
  std::string base = d != nullptr ? d : "./bench-data";
  std::string path = base + "/run-" + std::to_string(::getpid());
  std::filesystem::remove_all(path);
  std::filesystem::create_directories(path);
  return path;
}

// A batch of ~`bytes` bytes made of 1 KiB records.
std::vector<std::byte> make_batch(size_t bytes) {
  int records = static_cast<int>(std::max<size_t>(1, bytes / 1024));
  return test::build_batch(records, bytes / static_cast<size_t>(records) - 20, 1'700'000'000'000);
}

struct fixture {
  std::unique_ptr<log::io::io_backend> io;
  std::string dir;
  std::vector<std::unique_ptr<log::partition_log>> parts;

  fixture(int partitions, log::durability policy) {
    std::string chosen;
    io = log::io::make_default_backend({}, &chosen);
    dir = bench_dir();
    log::log_config cfg;
    cfg.policy = policy;
    cfg.segment_bytes = 256ull << 20;
    for (int p = 0; p < partitions; ++p) {
      auto l = log::partition_log::open(*io, dir + "/bench-" + std::to_string(p), cfg, {});
      if (!l) std::abort();
      parts.push_back(std::move(*l));
    }
  }
  ~fixture() {
    parts.clear();
    std::filesystem::remove_all(dir);
  }
};

// Each appender keeps one append in flight and re-appends when it completes.
// The buffer is re-used: append patches baseOffset in place, and the next
// append of the same buffer happens only after the previous write completed.
void run_appenders(benchmark::State& state, log::durability policy, log::ack_level level,
                   int appenders_per_partition) {
  size_t batch_bytes = static_cast<size_t>(state.range(0));
  int partitions = static_cast<int>(state.range(1));
  fixture f(partitions, policy);
  int total = partitions * appenders_per_partition;
  std::vector<std::vector<std::byte>> bufs(static_cast<size_t>(total), make_batch(batch_bytes));
  std::vector<bool> busy(static_cast<size_t>(total), false);
  uint64_t bytes = 0;
  for (auto _ : state) {
    for (int a = 0; a < total; ++a) {
      if (busy[static_cast<size_t>(a)]) continue;
      auto& log = *f.parts[static_cast<size_t>(a % partitions)];
      busy[static_cast<size_t>(a)] = true;
      auto r = log.append(bufs[static_cast<size_t>(a)], level,
                          [&busy, a](std::error_code) { busy[static_cast<size_t>(a)] = false; });
      if (!r) {
        state.SkipWithError("append failed");
        return;
      }
      bytes += batch_bytes;
    }
    f.io->flush();
    f.io->wait();
  }
  f.io->flush();
  while (f.io->in_flight() > 0) f.io->wait();
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["appends"] =
      benchmark::Counter(static_cast<double>(bytes / batch_bytes), benchmark::Counter::kIsRate);
}

void BM_append_no_fsync(benchmark::State& state) {
  run_appenders(state, log::durability::page_cache, log::ack_level::written, 8);
}

void BM_append_group_commit(benchmark::State& state) {
  run_appenders(state, log::durability::fsync, log::ack_level::flushed, 8);
}

void BM_read_slices(benchmark::State& state) {
  size_t batch_bytes = static_cast<size_t>(state.range(0));
  fixture f(1, log::durability::page_cache);
  auto& log = *f.parts[0];
  auto buf = make_batch(batch_bytes);
  std::vector<std::vector<std::byte>> all;
  size_t n = (256u << 20) / batch_bytes;
  all.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    all.push_back(buf);
    if (!log.append(all.back(), log::ack_level::written, nullptr)) std::abort();
  }
  f.io->flush();
  while (f.io->in_flight() > 0) f.io->wait();
  std::mt19937_64 rng(42);
  int64_t end = log.high_watermark().value;
  uint64_t bytes = 0;
  for (auto _ : state) {
    log::offset at{static_cast<int64_t>(rng() % static_cast<uint64_t>(end))};
    auto r = log.read(at, 1 << 20);
    benchmark::DoNotOptimize(r);
    bytes += r->bytes;
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

}  // namespace

BENCHMARK(BM_append_no_fsync)
    ->ArgsProduct({{16 << 10, 1 << 20}, {1, 8}})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2.0);
BENCHMARK(BM_append_group_commit)
    ->ArgsProduct({{16 << 10, 1 << 20}, {1, 8}})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2.0);
BENCHMARK(BM_read_slices)->Arg(16 << 10)->Arg(1 << 20)->Unit(benchmark::kMicrosecond);
