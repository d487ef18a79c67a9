// CRC32C throughput (ISA-L crc32_iscsi) over buffer sizes a broker sees: a small
// batch, a 16 KiB batch, a 1 MiB batch.
#include <benchmark/benchmark.h>

#include <vector>

#include "base/crc32c.h"

namespace {

void BM_crc32c(benchmark::State& state) {
  std::vector<std::byte> buf(static_cast<size_t>(state.range(0)), std::byte{0x5a});
  for (auto _ : state) benchmark::DoNotOptimize(sluice::base::crc32c(buf));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}

}  // namespace

BENCHMARK(BM_crc32c)->Arg(512)->Arg(16 << 10)->Arg(1 << 20);
