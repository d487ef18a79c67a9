#!/usr/bin/env bash
# The broker under a sanitizer, stressed (docs/broker.md, "Sanitizer stress").
#
#   scripts/sanitize-stress.sh [address|thread] [SECONDS]
#
# address: ASan + UBSan in build-asan/; thread: TSan in build-tsan/ (the two
# cannot share a binary). Configures that tree, builds only sluice-broker and
# stress_driver (the driver without sanitizers), then runs the ctest test
# sanitize.stress: the broker with num.network.threads=2 under SECONDS (30) of
# many librdkafka clients producing, fetching, joining a group and creating
# and deleting topics. Fails on a lost or reordered record, an unexpected
# client error, a broker that dies or exits non-zero on SIGTERM, or any
# sanitizer report. A cold tree takes about 15 minutes on two cores.
# SLUICE_BUILD_JOBS (2) and SLUICE_BUILD_LOCK (none) are for shared machines.
set -euo pipefail
cd "$(dirname "$0")/.."
sanitizer=${1:-address}
seconds=${2:-30}
case "$sanitizer" in
  address) build=build-asan ;;
  thread) build=build-tsan ;;
  *) echo "usage: $0 [address|thread] [SECONDS]" >&2; exit 2 ;;
esac
cmake -S . -B "$build" -G Ninja -DSLUICE_WERROR=ON -DSLUICE_BENCHMARKS=OFF \
  -DSLUICE_SANITIZE="$sanitizer" -DSLUICE_STRESS_SECONDS="$seconds" >/dev/null
build_cmd=(ninja -C "$build" -j"${SLUICE_BUILD_JOBS:-2}" sluice-broker stress_driver)
if [[ -n "${SLUICE_BUILD_LOCK:-}" ]]; then
  flock "$SLUICE_BUILD_LOCK" "${build_cmd[@]}"
else
  "${build_cmd[@]}"
fi
cd "$build"
ctest -L sanitize --output-on-failure
