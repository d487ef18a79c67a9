#!/usr/bin/env bash
# Installs every Debian 12 package the build, the tests and the benchmarks need.
# Idempotent: when everything is present it only runs dpkg-query and exits.
set -euo pipefail

packages=(
  # toolchain
  g++ cmake ninja-build ccache pkg-config clang-format
  # log/
  liburing-dev libisal-dev libxxhash-dev
  # broker/, client/, tools/
  libboost1.81-dev libcli11-dev libspdlog-dev libfmt-dev nlohmann-json3-dev
  zlib1g-dev libsnappy-dev liblz4-dev libzstd-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev fio
  kcat librdkafka-dev python3 python3-kafka python3-confluent-kafka
  # Sarama 1.22 (Go), built offline with GO111MODULE=off (test_sarama_group.py)
  golang-go golang-github-shopify-sarama-dev
  # librdkafka 2.15.1 built from source (scripts/build-test-clients.sh); zlib,
  # lz4 and zstd are listed above
  libssl-dev
  iperf3
  # the sluice perf HTML report is checked in headless Chromium
  chromium
  # Prometheus scrapes the broker's metrics page (tests/integration/test_prometheus.py)
  prometheus
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

# kafkajs interop tests (tests/integration/kafkajs) need node and npm. They are
# checked as commands, not packages: a node from elsewhere (e.g. NodeSource's
# nodejs, which bundles npm and conflicts with Debian's npm package) is kept.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
