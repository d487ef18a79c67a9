#!/usr/bin/env bash
# Installs what is needed, builds everything with warnings as errors, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
# The kafkajs version package-lock.json pins, for tests/integration/test_kafkajs_*.py.
(cd tests/integration/kafkajs && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
build=${SLUICE_BUILD_DIR:-build}
# Clients Debian lacks (librdkafka 2.15.1, @platformatic/kafka and its node),
# from the lockfiles under tests/integration/; before cmake, which compiles the
# librdkafka test programs only when the library is there. Cached in $build.
./scripts/build-test-clients.sh "$build"
cmake -S . -B "$build" -G Ninja -DSLUICE_WERROR=ON "$@" >/dev/null
ninja -C "$build"
cd "$build"
ctest --output-on-failure -j"$(nproc)" --timeout 900
