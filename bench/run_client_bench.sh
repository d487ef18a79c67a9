#!/usr/bin/env bash
# Sluice's own producer against librdkafka's, same broker, same run:
# `sluice perf produce` and bench/rdkafka_perf each send N records of 100 B
# and 1 KiB (acks=1, no keys, 8 partitions, linger 5 ms, batches up to 1 MB)
# to a fresh topic of a Release sluice-broker, alternating, ROUNDS times.
# Prints records/s of both and the ratio sluice / librdkafka per round, plus
# the loopback TCP limit (iperf3) measured in the same run.
#
#   bench/run_client_bench.sh [BUILD_DIR]   (default: build-release)
#
# Build first:
#   cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DSLUICE_TESTS=OFF
#   ninja -C build-release sluice-broker sluice rdkafka_perf
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build-release}
broker_bin=$build/broker/sluice-broker
sluice_bin=$build/tools/sluice
perf_bin=$build/bench/rdkafka_perf
records_1k=${RECORDS_1K:-500000}
records_100b=${RECORDS_100B:-2000000}
rounds=${ROUNDS:-2}
for b in "$broker_bin" "$sluice_bin" "$perf_bin"; do
  [[ -x $b ]] || { echo "missing $b (build it first, see the header)" >&2; exit 2; }
done
command -v iperf3 >/dev/null || { echo "iperf3 missing: scripts/install-deps.sh" >&2; exit 2; }

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

data=$(mktemp -d /tmp/sluice-bench-XXXXXX)
broker_pid="" iperf_pid=""
cleanup() {
  for p in $iperf_pid $broker_pid; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT

iport=$(free_port)
iperf3 -s -1 -p "$iport" >/dev/null 2>&1 &
iperf_pid=$!
sleep 0.5
loop_bps=$(iperf3 -c 127.0.0.1 -p "$iport" -t 3 -J |
  /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"])')
wait "$iperf_pid" 2>/dev/null || true
iperf_pid=""
echo "loopback TCP (iperf3, 3 s): $(awk -v b="$loop_bps" 'BEGIN { printf "%.1f", b / 8 / 1e6 }') MB/s"

port=$(free_port)
"$broker_bin" --port "$port" --log-level warn --set "log.dirs=$data/data" \
  --set num.partitions=8 --set metrics.listener= >"$data/broker.log" 2>&1 &
broker_pid=$!
for _ in $(seq 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.05
done

rdkafka() {  # topic size count -> records/s
  "$perf_bin" produce --brokers "127.0.0.1:$port" --partitions 8 --acks 1 \
    --topic "$1" --size "$2" --count "$3" | sed -n 's/.*records_per_s=\([0-9.]*\).*/\1/p'
}
sluice() {  # topic size count -> records/s
  "$sluice_bin" topic create -b "127.0.0.1:$port" "$1" -p 8 >/dev/null
  "$sluice_bin" perf produce -b "127.0.0.1:$port" --topic "$1" --num-records "$3" \
    --record-size "$2" --throughput -1 --reporting-interval 600000 --json \
    --producer-props acks=1 linger.ms=5 batch.size=1000000 |
    /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["records_per_sec"])'
}

printf '%-6s %-6s %14s %14s %8s\n' round size sluice_rec/s rdkafka_rec/s ratio
for round in $(seq "$rounds"); do
  for size in 100 1024; do
    count=$records_100b
    [[ $size == 1024 ]] && count=$records_1k
    s=$(sluice "s$size-$round" "$size" "$count")
    r=$(rdkafka "r$size-$round" "$size" "$count")
    awk -v round="$round" -v size="$size" -v s="$s" -v r="$r" \
      'BEGIN { printf "%-6s %-6s %14.0f %14.0f %8.2f\n", round, size, s, r, s / r }'
  done
done
echo "broker VmHWM $(($(awk '/^VmHWM:/ { print $2 }' "/proc/$broker_pid/status") / 1024)) MiB"
