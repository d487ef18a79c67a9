#!/usr/bin/env bash
# Installs what is needed, builds a Release sluice-broker and the `sluice` tool
# (build-release/tools/sluice: topics, produce, consume, groups, perf), and
# starts the broker with its zero-configuration defaults (127.0.0.1:9092,
# ./sluice-data, topics auto-created).
# Arguments are passed to the broker: a properties file, --set key=value, ...
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
build=${SLUICE_RELEASE_DIR:-build-release}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSLUICE_TESTS=OFF >/dev/null
ninja -C "$build" sluice-broker sluice
echo "sluice tool: $build/tools/sluice (e.g. $build/tools/sluice -b 127.0.0.1:9092 topic list)" >&2
exec "$build/broker/sluice-broker" "$@"
