#!/usr/bin/env bash
# Measures this machine's own disk limits with fio, then runs the storage-engine
# benchmarks on the same file system, and prints every figure as a ratio to the
# limit it is measured against:
#   (a) append without fsync          vs fio buffered sequential write, 1 MiB blocks
#   (b) append with group commit      vs fio write with fdatasync after every 1 MiB
# Usage: bench/run_log_bench.sh [build dir]   (SLUICE_BENCH_DIR picks the disk)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-release}
dir=${SLUICE_BENCH_DIR:-$PWD/bench-data}
mkdir -p "$dir"
export SLUICE_BENCH_DIR=$dir
out=$(mktemp -d)
trap 'rm -rf "$out" "$dir"/fio-*' EXIT

if [[ ! -x "$build/bench/partition_log_bench" ]]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSLUICE_TESTS=OFF >/dev/null
  ninja -C "$build" partition_log_bench crc32c_bench offset_index_bench
fi

fio_json() {  # name, extra args...
  local name=$1; shift
  fio --name="$name" --filename="$dir/fio-$name" --rw=write --bs=1M --size=2G \
      --ioengine=psync --direct=0 --output-format=json "$@" >"$out/$name.json"
  rm -f "$dir/fio-$name"
}
echo "measuring the disk with fio in $dir ..." >&2
fio_json buffered --end_fsync=0
fio_json fdatasync --fdatasync=1

echo "running the benchmarks ..." >&2
"$build/bench/partition_log_bench" --benchmark_format=json --benchmark_out="$out/log.json" \
    --benchmark_out_format=json >/dev/null
"$build/bench/crc32c_bench" --benchmark_format=console 2>/dev/null | grep -E '^BM_' || true
"$build/bench/offset_index_bench" --benchmark_format=console 2>/dev/null | grep -E '^BM_' || true

/usr/bin/python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
def fio_mb(name):
    j = json.load(open(f"{out}/{name}.json"))
    return j["jobs"][0]["write"]["bw_bytes"] / 1e6
buffered, fsynced = fio_mb("buffered"), fio_mb("fdatasync")
print(f"machine limits: buffered sequential write {buffered:8.1f} MB/s, "
      f"write+fdatasync every 1 MiB {fsynced:8.1f} MB/s")
bench = json.load(open(f"{out}/log.json"))
for b in bench["benchmarks"]:
    name = b["name"]
    mbs = b.get("bytes_per_second", 0) / 1e6
    if name.startswith("BM_append_no_fsync"):
        print(f"{name:45s} {mbs:8.1f} MB/s  = {mbs / buffered:4.2f} x buffered write (target >= 0.8)")
    elif name.startswith("BM_append_group_commit"):
        print(f"{name:45s} {mbs:8.1f} MB/s  = {mbs / fsynced:4.2f} x fdatasync-every-1MiB (target >= 0.8)")
    else:
        print(f"{name:45s} {mbs:8.1f} MB/s")
PY
