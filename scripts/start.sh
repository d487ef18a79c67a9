#!/usr/bin/env bash
# Installs what is needed, builds, and starts Sluice with its zero-configuration default.
# Until the broker lands (issue: broker), this builds and runs the storage-engine benchmark.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
build=${SLUICE_BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C "$build"
if [[ -x "$build/broker/sluice-broker" ]]; then
  exec "$build/broker/sluice-broker" "$@"
fi
exec "$build/bench/partition_log_bench" --benchmark_min_time=0.2 "$@"
